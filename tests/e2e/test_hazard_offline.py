"""A hazard's life in real Chromium: reported offline with a photo, synced, assigned, rectified, closed."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import urllib.request

from .conftest import ROOT, make_png

SYNCED = 30_000


def detail(status: str, pending: int = 0) -> str:
    """Selector of the detail screen showing `status` with `pending` unsent commands."""
    return f"[data-test=hazard-detail][data-status={status}][data-pending='{pending}']"


def sign_in(page, base: str, username: str) -> None:
    """Open the app and sign in; waits for the home screen, then opens the hazard list."""
    page.goto(base + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo1234")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-test=home]")
    page.click("[data-test=tab-hazards]")
    page.wait_for_selector("[data-test=hazard-list]")


def wait_for_service_worker(page) -> None:
    """Wait until the service worker controls the page (the app shell is then precached)."""
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")


def photo(name: str, colour: tuple[int, int, int]) -> dict:
    """A camera-like picture for set_input_files."""
    return {"name": name, "mimeType": "image/png", "buffer": make_png(640, 480, colour)}


def wait_for_status(page, base: str, hazard_id: str, status: str, seconds: float = 40) -> None:
    """Reopen the hazard (each start syncs) until the server's `status` shows, with nothing pending."""
    wanted = detail(status)
    deadline = time.monotonic() + seconds
    while True:
        page.goto(f"{base}/#/hazards/{hazard_id}")
        page.reload()
        try:
            page.wait_for_selector(wanted, timeout=4000)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise


def server_hazard(api, hazard_id: str) -> dict | None:
    """The hazard as the server holds it, or None."""
    for change in api.pull_all():
        if change["entity"] == "hazard" and change["id"] == hazard_id:
            return change["data"]
    return None


def blob_bytes(base: str, api, sha: str) -> bytes:
    """Download a stored blob with the API."""
    headers = {"Authorization": f"Bearer {api.token}"}
    request = urllib.request.Request(f"{base}/api/v1/blobs/{sha}", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.read()


def test_hazard_reported_offline_syncs_and_is_closed(base_url, phone, api):
    worker_phone = phone()
    page = worker_phone.new_page()
    sign_in(page, base_url, "worker-a1")
    wait_for_service_worker(page)

    worker_phone.set_offline(True)
    title = f"离线上报-{int(time.time())}"
    page.click("[data-test=tab-report]")
    page.fill("input[name=title]", title)
    page.fill("input[name=location]", "炼钢车间 3号平台")
    page.fill("textarea[name=description]", "平台护栏松动")
    page.set_input_files("input[type=file]", [photo("before.png", (200, 60, 40))])
    page.wait_for_selector(".photo-picker .photo-thumb")
    page.click("[data-test=submit]")
    page.wait_for_selector(detail("reported", pending=1))
    hazard_id = page.url.rsplit("/", 1)[-1]
    page.close()

    # Reopened with no network: the service worker serves the app, IndexedDB the pending report.
    page = worker_phone.new_page()
    page.goto(base_url + "/#/hazards")
    card = f".hazard-card[data-hazard-id='{hazard_id}']"
    page.wait_for_selector(f"{card}[data-pending='1']")
    assert title in page.inner_text(card)
    assert server_hazard(api("worker-a1"), hazard_id) is None

    worker_phone.set_offline(False)
    page.wait_for_selector(f"{card}[data-pending='0']", timeout=SYNCED)
    officer_api = api("officer-a")
    on_server = server_hazard(officer_api, hazard_id)
    assert on_server["title"] == title and on_server["status"] == "reported"
    [sha] = on_server["photos"]
    stored = blob_bytes(base_url, officer_api, sha)
    assert hashlib.sha256(stored).hexdigest() == sha
    assert stored[:2] == b"\xff\xd8", "the phone sends a JPEG it compressed, not the original PNG"

    officer_phone = phone()
    officer = officer_phone.new_page()
    sign_in(officer, base_url, "officer-a")
    wait_for_status(officer, base_url, hazard_id, "reported")
    officer.click("[data-action=assign]")
    officer.click("[data-test=more-assignees]")
    officer.click(".van-action-sheet__item:has-text('张师傅（炼钢一班）')")
    # The deadline offered for a general hazard is kept.
    due = officer.get_attribute("[data-test=due-field]", "data-due")
    officer.fill("textarea[name=plan]", "更换护栏螺栓")
    officer.click("[data-test=submit]")
    officer.wait_for_selector(detail("assigned"), timeout=SYNCED)

    wait_for_status(page, base_url, hazard_id, "assigned")
    page.click("[data-action=rectify]")
    page.fill("textarea[name=note]", "已紧固护栏并加装螺栓")
    page.set_input_files("input[type=file]", [photo("after.png", (40, 160, 60))])
    page.wait_for_selector(".photo-picker .photo-thumb")
    page.click("[data-test=submit]")
    page.wait_for_selector(detail("rectified"), timeout=SYNCED)

    wait_for_status(officer, base_url, hazard_id, "rectified")
    officer.click("[data-action=verify]")
    officer.click("[data-test=submit]")
    officer.wait_for_selector(detail("closed"), timeout=SYNCED)

    wait_for_status(page, base_url, hazard_id, "closed")
    final = server_hazard(officer_api, hazard_id)
    assert final["status"] == "closed"
    assert final["assignee_id"] == api("worker-a1").user["id"] and final["due_date"] == due
    assert final["verification"]["accepted"] is True
    [after_sha] = final["rectification"]["photos"]
    assert hashlib.sha256(blob_bytes(base_url, officer_api, after_sha)).hexdigest() == after_sha
    assert [h["type"] for h in final["history"]] == [
        "hazard.report",
        "hazard.assign",
        "hazard.rectify",
        "hazard.verify",
    ]


def test_phone_screenshot_of_the_hazard_list(base_url, phone, tmp_path):
    page = phone().new_page()
    sign_in(page, base_url, "officer-a")
    page.wait_for_selector(".hazard-card")
    page.wait_for_function("() => document.querySelectorAll('.hazard-card img').length > 0")
    page.wait_for_selector(".van-notify", state="hidden")
    time.sleep(0.5)
    shot = tmp_path / "screenshot-phone.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOT"):
        shutil.copy(shot, ROOT / "docs" / "screenshot-phone.png")
