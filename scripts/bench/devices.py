"""Part d: many devices pushing and pulling at once over HTTP, on gunicorn + PostgreSQL (asyncio client).

The server is the project's gunicorn.conf.py (periodic jobs in each worker, as `make run`), WORKERS × THREADS
for a 2-core machine, on a fresh migrated schema holding ENTERPRISES × PEOPLE bulk-seeded people; each device
is one person signed in once, then pushes 1–5 hazard.report commands and pulls from its cursor until the
time is up. The client is aiohttp (already installed: pywebpush depends on it and constraints.txt pins it).
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
from sqlalchemy import select

from backend import create_app
from backend.config import TestConfig
from backend.extensions import db
from backend.models import Enterprise
from tests.api_client import PASSWORD, now_text
from tests.databases import postgres_schema_url

from .measure import ms, percentile
from .province_seed import seed_derived, seed_province
from .report import Row
from .servers import gunicorn, prepare, server_env

# Two processes per core, as the README's production recipe: in 2 × 8 each process's requests and its
# derived-job thread take turns on one interpreter lock (measured push p99: 2 × 8 141–340 ms, 4 × 4
# 151–262 ms).
WORKERS, THREADS = 4, 4
FULL = {"devices": 200, "seconds": 60, "enterprises": 20}
QUICK = {"devices": 20, "seconds": 10, "enterprises": 4}
# A phone syncs when the person records something or the app wakes: every 2–8 s here, 5 s on average, so
# 200 devices send about 40 pushes and 40+ pulls a second — a shift change, not an idle afternoon. With no
# pause at all, 200 clients on 2 cores measure only their own queue.
THINK_SECONDS = (2.0, 8.0)
PART = "d. devices (gunicorn + PostgreSQL, HTTP)"
COLUMN = "PostgreSQL"


class Tally:
    """Latencies of pushes and pulls, and errors with their first few reasons."""

    def __init__(self):
        self.push: list[float] = []
        self.pull: list[float] = []
        self.errors = 0
        self.reasons: list[str] = []

    def error(self, reason: str) -> None:
        """Count an error; keep the first reasons."""
        self.errors += 1
        if len(self.reasons) < 5:
            self.reasons.append(reason[:200])


async def sign_in(http: aiohttp.ClientSession, base: str, username: str, tally: Tally) -> dict | None:
    """Sign one person in; return their headers (None when refused)."""
    async with http.post(f"{base}/api/v1/auth/login", json={"username": username, "password": PASSWORD}) as r:
        if r.status != 200:
            tally.error(f"login {username}: {r.status}")
            return None
        return {"Authorization": "Bearer " + (await r.json())["access_token"]}


async def device(
    http: aiohttp.ClientSession, base: str, username: str, headers: dict, until: float, tally: Tally
) -> None:
    """Push small pushes and pull from the cursor until `until`."""
    client_id, seq, cursor, rng = str(uuid.uuid4()), 0, None, random.Random(username)
    await asyncio.sleep(rng.uniform(0, THINK_SECONDS[1]))  # phones do not all sync in the same instant
    while time.monotonic() < until:
        commands = []
        for _ in range(rng.randint(1, 5)):
            seq += 1
            args = {
                "title": "通道堆放杂物",
                "description": "",
                "location": f"{rng.randint(1, 40)} 号位",
                "severity": "general",
                "photos": [],
            }
            commands.append(
                {
                    "seq": seq,
                    "id": str(uuid.uuid4()),
                    "type": "hazard.report",
                    "entity_id": str(uuid.uuid4()),
                    "captured_at": now_text(),
                    "args": args,
                }
            )
        body = {"client_id": client_id, "sent_at": now_text(), "commands": commands}
        started = time.perf_counter()
        try:
            async with http.post(f"{base}/api/v1/sync/push", json=body, headers=headers) as r:
                answer = await r.json(content_type=None)
            tally.push.append(time.perf_counter() - started)
            if r.status != 200 or any(o.get("status") != "applied" for o in answer.get("outcomes", [])):
                tally.error(f"push {r.status}: {str(answer)[:150]}")
        except (aiohttp.ClientError, TimeoutError) as problem:
            tally.error(f"push: {problem!r}")
        more = True
        while more and time.monotonic() < until:
            query = {"limit": "500", "client_id": client_id, **({"cursor": cursor} if cursor else {})}
            started = time.perf_counter()
            try:
                async with http.get(f"{base}/api/v1/sync/pull", params=query, headers=headers) as r:
                    page = await r.json(content_type=None)
                tally.pull.append(time.perf_counter() - started)
                if r.status != 200:
                    tally.error(f"pull {r.status}: {str(page)[:150]}")
                    break
                cursor, more = page["cursor"], page["more"]
            except (aiohttp.ClientError, TimeoutError) as problem:
                tally.error(f"pull: {problem!r}")
                break
        await asyncio.sleep(rng.uniform(*THINK_SECONDS))


async def crowd(base: str, usernames: list[str], seconds: float) -> Tally:
    """Sign everyone in, then run every device at once; the clock starts when all have signed in.

    Signing in hashes a password (argon2, by design slow): 200 sign-ins left running into the timed
    minute measured the hashing, not the sync, and did so only in the runs where they were slow.
    """
    tally = Tally()
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        signed = await asyncio.gather(*(sign_in(http, base, name, tally) for name in usernames))
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(
                device(http, base, name, headers, until, tally)
                for name, headers in zip(usernames, signed, strict=True)
                if headers is not None
            )
        )
    return tally


def run(quick: bool) -> list[Row]:
    """Serve a fresh PostgreSQL schema with gunicorn, run the crowd, return the table rows."""
    size = QUICK if quick else FULL
    people = -(-size["devices"] // size["enterprises"])
    with tempfile.TemporaryDirectory(prefix="bench-devices-") as temp, postgres_schema_url() as url:
        folder = Path(temp)
        env = server_env(folder, url)
        prepare(env, seed=False)
        app = create_app(TestConfig(url, folder / "seeder"))
        with app.app_context():
            seed_province(size["enterprises"], people)
            seed_derived(list(db.session.scalars(select(Enterprise.id))))
            db.session.remove()
            db.engine.dispose()
        usernames = [f"e{e:05d}-{p:03d}" for p in range(people) for e in range(size["enterprises"])]
        usernames = usernames[: size["devices"]]
        with gunicorn(folder, env, workers=WORKERS, threads=THREADS) as (base, _pid):
            tally = asyncio.run(crowd(base, usernames, size["seconds"]))
    label = f"{size['devices']} devices, {size['seconds']} s"
    line = (
        f"devices: {label}, each syncing every {THINK_SECONDS[0]:.0f}–{THINK_SECONDS[1]:.0f} s, "
        f"gunicorn {WORKERS} workers × {THREADS} threads (jobs in process), "
        f"{len(tally.push):,} pushes of 1–5 commands, {len(tally.pull):,} pulls, {tally.errors} errors"
    )
    print(line)
    for reason in tally.reasons:
        print(f"  error: {reason}")
    if not tally.push:
        return [Row(PART, label, {COLUMN: "no push finished"}, "")]
    return [
        Row(PART, f"push p50 ({label})", {COLUMN: ms(percentile(tally.push, 50))}),
        Row(PART, "push p99", {COLUMN: ms(percentile(tally.push, 99))}, "< 300 ms"),
        Row(PART, "pull p50", {COLUMN: ms(percentile(tally.pull, 50))}),
        Row(PART, "pull p99", {COLUMN: ms(percentile(tally.pull, 99))}),
        Row(PART, "pushes / pulls done", {COLUMN: f"{len(tally.push):,} / {len(tally.pull):,}"}),
        Row(PART, "errors", {COLUMN: str(tally.errors)}, "0"),
    ]
