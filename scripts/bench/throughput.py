"""Push and pull throughput of 10,000 hazards through the Flask test client, on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
import random
import time
from datetime import UTC, datetime

from tests.api_client import Device
from tests.people import seed_people

from .apps import COLUMN, app_on
from .ids import uuid7
from .report import Row

HAZARDS = 10_000
PUSH_SIZE = 500
PAGE_SIZE = 500
PLACES = ["一号熔炼车间", "二号除尘器", "煤气加压站", "原料仓库", "受限空间入口", "配电室", "行车轨道"]
PROBLEMS = ["泄爆片锈蚀", "防护栏缺失", "警示标识脱落", "气体报警仪未校验", "灭火器过期", "通道堆放杂物"]


def now_text() -> str:
    """Return the current time as protocol text."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def report_bodies(client_id: str, rng: random.Random, hazards: int = HAZARDS, seq: int = 0) -> list[bytes]:
    """Build the push bodies: hazard.report commands with realistic, varied Chinese text, no photos."""
    bodies = []
    for _ in range(max(1, hazards // PUSH_SIZE)):
        commands = []
        for _ in range(PUSH_SIZE):
            seq += 1
            place, problem = rng.choice(PLACES), rng.choice(PROBLEMS)
            commands.append(
                {
                    "seq": seq,
                    "id": uuid7(),
                    "type": "hazard.report",
                    "entity_id": uuid7(),
                    "captured_at": now_text(),
                    "args": {
                        "title": f"{place}{problem}",
                        "description": f"巡检发现{place}{problem}，编号 {rng.randint(1, 999)}，需尽快处理。",
                        "location": f"{place} {rng.randint(1, 40)} 号位",
                        "severity": rng.choice(["general", "general", "general", "major"]),
                        "category": rng.choice(["设备设施", "作业环境", "安全管理"]),
                        "criterion": f"4.{rng.randint(1, 9)}",
                        "photos": [],
                    },
                }
            )
        body = {"client_id": client_id, "sent_at": now_text(), "commands": commands}
        bodies.append(json.dumps(body, ensure_ascii=False).encode())
    return bodies


def measure(app, hazards: int = HAZARDS) -> dict[str, float]:
    """Push every hazard as worker-a1, then pull everything from no cursor as officer-a."""
    client = app.test_client()
    with app.app_context():
        seed_people()
    worker = Device(client, "worker-a1")
    bodies = report_bodies(worker.client_id, random.Random(7), hazards)
    hazards = len(bodies) * PUSH_SIZE
    started = time.perf_counter()
    for body in bodies:
        answer = client.post(
            "/api/v1/sync/push", data=body, content_type="application/json", headers=worker.headers
        )
        outcomes = answer.get_json()["outcomes"]
        assert answer.status_code == 200 and all(o["status"] == "applied" for o in outcomes), outcomes[:1]
    push_seconds = time.perf_counter() - started
    officer = Device(client, "officer-a")
    figures = {"push_cps": hazards / push_seconds, "push_seconds": push_seconds}
    for encoding in ("gzip", "identity"):
        changes, size, cursor = 0, 0, None
        started = time.perf_counter()
        while True:
            query = {"limit": PAGE_SIZE, **({"cursor": cursor} if cursor else {})}
            headers = {**officer.headers, "Accept-Encoding": encoding}
            answer = client.get("/api/v1/sync/pull", query_string=query, headers=headers)
            assert answer.status_code == 200, answer.data[:200]
            raw = answer.get_data()
            size += len(raw)
            if answer.headers.get("Content-Encoding") == "gzip":
                raw = gzip.decompress(raw)
            elif encoding == "gzip":
                raise SystemExit("the pull answer was not gzip-compressed though the client accepts gzip")
            page = json.loads(raw)
            changes += len(page["changes"])
            cursor = page["cursor"]
            if not page["more"]:
                break
        seconds = time.perf_counter() - started
        figures[f"{encoding}_cps"] = changes / seconds
        figures[f"{encoding}_bytes"] = size / changes
        figures["changes"] = changes
    return figures


def run(databases: list[str], quick: bool) -> list[Row]:
    """Measure each database; print the detail table; return the rows of the final table."""
    hazards = PUSH_SIZE if quick else HAZARDS
    measured = {}
    for database in databases:
        with app_on(database) as app:
            measured[COLUMN[database]] = measure(app, hazards)
    print(f"\n{hazards} hazards, pushes of {PUSH_SIZE} hazard.report commands (no photos), Flask test client")
    print(f"(in-process, no HTTP); initial pull from no cursor as officer-a, pages of {PAGE_SIZE}.\n")
    header = (
        f"{'database':<20} {'push cmd/s':>11} {'pull chg/s gzip':>16} {'pull chg/s plain':>17} "
        f"{'B/change gzip':>14} {'B/change plain':>15} {'changes':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, f in measured.items():
        print(
            f"{name:<20} {f['push_cps']:>11,.0f} {f['gzip_cps']:>16,.0f} {f['identity_cps']:>17,.0f} "
            f"{f['gzip_bytes']:>14,.1f} {f['identity_bytes']:>15,.1f} {f['changes']:>8,}"
        )
    part = f"throughput ({hazards:,} hazards, test client)"
    return [
        Row(part, "push cmd/s (pushes of 500)", {k: f"{f['push_cps']:,.0f}" for k, f in measured.items()}),
        Row(part, "initial pull chg/s (gzip)", {k: f"{f['gzip_cps']:,.0f}" for k, f in measured.items()}),
        Row(part, "pull B/change (gzip)", {k: f"{f['gzip_bytes']:,.0f}" for k, f in measured.items()}),
    ]
