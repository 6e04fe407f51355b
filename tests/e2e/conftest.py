"""End-to-end fixtures: the built PWA on a live, demo-seeded server, driven by Debian's Chromium."""

from __future__ import annotations

import json
import os
import shutil
import struct
import urllib.request
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ..databases import IN_CI
from ..live_server import ROOT, live_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The phone the product is built for (issue 10): 360×740 CSS px, a cheap Android at 2× density.
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def pytest_collection_modifyitems(items):
    """Mark every test in this folder as e2e."""
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


LIVE: dict = {}
# The stubbed push subscriptions point at http://127.0.0.1, which only this test-only switch accepts
# (in the server, and in the CLI commands that deliver).
LIVE_ENV = {"OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS": "1"}


@pytest.fixture(scope="session")
def base_url(tmp_path_factory):
    """The URL of a live server with demo data, serving the built PWA."""
    if not (ROOT / "pwa" / "dist" / "index.html").exists():
        pytest.fail("pwa/dist is not built: run `make pwa` (cd pwa && npm ci && npm run build)")
    folder = tmp_path_factory.mktemp("e2e")
    LIVE["folder"] = folder
    with live_server(folder, extra_env=LIVE_ENV) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if IN_CI:
            pytest.fail("Debian's chromium must be installed in CI (.ci/run installs it)")
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def follow_test_clock(context) -> None:
    """Under a shifted test clock (tests/timeshift), start the browser's clock at the same shifted now."""
    if os.environ.get("TEST_CLOCK_SHIFT_SECONDS"):
        context.clock.install(time=datetime.now(UTC))


@pytest.fixture
def phone(browser):
    """Make phone-sized browser contexts (each one a separate phone); closes them afterwards."""
    contexts = []

    def make():
        context = browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(20_000)
        follow_test_clock(context)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


class Api:
    """A minimal client of the live server's API, to check what the server holds."""

    def __init__(self, base: str, username: str, password: str = "demo1234"):
        self.base = base
        answer = self.call("POST", "/api/v1/auth/login", {"username": username, "password": password})
        self.token = answer["access_token"]
        self.user = answer["user"]

    def call(self, method: str, path: str, body: dict | None = None):
        """Send one request; return the decoded JSON (or the status for bodiless answers)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if getattr(self, "token", None):
            request.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(request, timeout=10) as answer:
            raw = answer.read()
            return json.loads(raw) if raw and method != "HEAD" else answer.status

    def pull_all(self) -> list[dict]:
        """Every change visible to this user, following the cursor."""
        changes, cursor = [], None
        while True:
            page = self.call("GET", "/api/v1/sync/pull?limit=1000" + (f"&cursor={cursor}" if cursor else ""))
            changes += page["changes"]
            cursor = page["cursor"]
            if not page["more"]:
                return changes


@pytest.fixture
def api(base_url):
    """Sign in to the API as a demo user: api('officer-a')."""
    return lambda username: Api(base_url, username)


def make_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real, decodable PNG of one colour with a diagonal stripe (stands in for a camera photo)."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows += bytes((255, 255, 255) if abs(x - y) < 4 else rgb)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows))) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def sign_in_to(page, base: str, username: str) -> None:
    """Open the app, sign in as a demo user and wait until the service worker controls the page."""
    page.goto(base + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo1234")
    page.click("button[type=submit]")
    page.wait_for_function("() => !location.hash.startsWith('#/login')")
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")


COUNT_ROWS = """async ([table, least]) => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('safety-ledger');
    r.onsuccess = () => ok(r.result);
    r.onerror = fail;
  });
  try {
    if (!db.objectStoreNames.contains(table)) return false;
    return await new Promise((ok) => {
      const q = db.transaction(table).objectStore(table).count();
      q.onsuccess = () => ok(q.result >= least);
      q.onerror = () => ok(false);
    });
  } finally { db.close(); }
}"""


def wait_for_local_rows(page, table: str, least: int, timeout: float = 30_000) -> None:
    """Wait until the phone's IndexedDB table holds at least `least` rows (the first pull has landed)."""
    page.wait_for_function(COUNT_ROWS, arg=[table, least], timeout=timeout)


def server_entity(api, entity: str, entity_id: str) -> dict | None:
    """One entity's data as the server holds it for this API user, or None."""
    for change in api.pull_all():
        if change["entity"] == entity and change["id"] == entity_id:
            return change["data"]
    return None


def wait_for_server_entity(api, entity: str, entity_id: str, ready, seconds: float = 40) -> dict:
    """Poll the server until `ready(data)` holds for the entity; return its data."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        data = server_entity(api, entity, entity_id)
        if data is not None and ready(data):
            return data
        if time.monotonic() > deadline:
            raise AssertionError(f"{entity} {entity_id} never got ready on the server: {data}")
        time.sleep(1)


def confirm_dialog(page) -> None:
    """Press the confirm button of the open Vant dialog."""
    page.click(".van-dialog__confirm")
    page.wait_for_selector(".van-dialog", state="hidden")


def live_flask(*args: str) -> str:
    """Run a `flask` CLI command against the live server's database (e.g. the daily `cadence tick`)."""
    import os
    import subprocess

    from ..live_server import BIN

    folder = LIVE["folder"]
    env = {
        **os.environ,
        "INSTANCE_PATH": str(folder / "instance"),
        "DATABASE_URL": f"sqlite:///{folder / 'live.db'}",
        "FLASK_APP": "wsgi",
        "DEMO_DATA": "1",
        **LIVE_ENV,
    }
    done = subprocess.run(
        [str(BIN / "flask"), *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def pulled(api, entity: str) -> list[dict]:
    """The data of every entity of one type this API user pulls."""
    return [c["data"] for c in api.pull_all() if c["entity"] == entity and not c.get("deleted")]
