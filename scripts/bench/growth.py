"""Part b: one-command push p50/p99 and 500-command push throughput as enterprise A's records grow."""

from __future__ import annotations

import random
import statistics
import time

from . import seed as seeding
from .apps import COLUMN, app_on
from .measure import ms, percentile, seconds
from .report import Row
from .throughput import report_bodies

SIZES = (0, 10_000, 100_000)
QUICK_SIZES = (0, 300)
PART = "b. growth (test client)"
SINGLES_SECONDS = 120  # one-command pushes stop after this long (at least 3 are timed)
QUICK_TEMPLATE = 100


def measure(enterprise: seeding.Enterprise, singles: int, batches: int) -> dict:
    """Time one-command pushes and 500-command pushes of hazard.report as worker-a1."""
    device, client = enterprise.devices["worker-a1"], enterprise.client
    single, budget = [], time.monotonic() + SINGLES_SECONDS
    for _ in range(singles):
        if len(single) >= 3 and time.monotonic() > budget:
            break
        command = device.command("hazard.report", **_report())
        started = time.perf_counter()
        device.push(command)
        single.append(time.perf_counter() - started)
    rates = []
    # One push more than measured: the first warms the connection pool and statement caches (PostgreSQL's
    # first 500-command push on a fresh app is twice as slow), so sizes compare like with like.
    bodies = report_bodies(device.client_id, random.Random(11), seeding.PUSH_SIZE * (batches + 1), device.seq)
    device.seq += seeding.PUSH_SIZE * (batches + 1)
    for index, body in enumerate(bodies):
        started = time.perf_counter()
        answer = client.post(
            "/api/v1/sync/push", data=body, content_type="application/json", headers=device.headers
        )
        if index:
            rates.append(seeding.PUSH_SIZE / (time.perf_counter() - started))
        assert answer.status_code == 200 and all(
            o["status"] == "applied" for o in answer.get_json()["outcomes"]
        )
    return {"p50": percentile(single, 50), "p99": percentile(single, 99), "rate": statistics.median(rates)}


def _report() -> dict:
    return {
        "title": "配电室警示标识脱落",
        "description": "",
        "location": "配电室",
        "severity": "general",
        "photos": [],
    }


def run(databases: list[str], quick: bool, how: str = "clone") -> list[Row]:
    """Measure every size on every database; print as it goes; return the table rows."""
    sizes = QUICK_SIZES if quick else SIZES
    singles, batches = (5, 1) if quick else (30, 9)
    found: dict[tuple[int, str], dict] = {}
    for database in databases:
        for size in sizes:
            with app_on(database) as app:
                enterprise = seeding.Enterprise(app)
                started = time.perf_counter()
                done = seeding.seed(enterprise, size, how, QUICK_TEMPLATE if quick else seeding.TEMPLATE)
                seeded = time.perf_counter() - started
                # The derived job still busy with the seeding's pushes would compete with the timed ones,
                # which it never does at size 0: timing starts when it is idle.
                worker = app.extensions.get("derived_worker")
                if worker is not None:
                    worker.wait_idle(timeout=300)
                figures = measure(enterprise, singles, batches)
            figures["seed_s"] = seeded
            found[(size, COLUMN[database])] = figures
            print(
                f"growth {COLUMN[database]:<10} {size:>7,} records: seeded in {seconds(seeded)} "
                f"({done['how']}, "
                f"{done['pushed']:,} commands pushed, {done['cloned_rows']:,} rows cloned); one-command push "
                f"p50 {ms(figures['p50'])} p99 {ms(figures['p99'])}; 500-command push "
                f"{figures['rate']:,.0f} cmd/s",
                flush=True,
            )
    print(
        f"growth: in-process Flask test client (no HTTP); existing records are hazards (report/assign/"
        f"rectify/verify), drills with roll calls, lockouts, trainings with attendees and inspections; "
        f"up to {singles} one-command pushes ({SINGLES_SECONDS} s at most) and {batches} 500-command pushes "
        "of hazard.report per size."
    )
    rows = []
    for size in sizes:
        values = {column: found[(size, column)] for _, column in [(0, COLUMN[d]) for d in databases]}
        rows.append(
            Row(
                PART,
                f"1-cmd push p50 @ {size:,}",
                {k: ms(v["p50"]) for k, v in values.items()},
                "≤ 15 ms @ 100k" if size == max(sizes) else "",
            )
        )
        rows.append(Row(PART, f"1-cmd push p99 @ {size:,}", {k: ms(v["p99"]) for k, v in values.items()}))
        rows.append(
            Row(PART, f"500-cmd push cmd/s @ {size:,}", {k: f"{v['rate']:,.0f}" for k, v in values.items()})
        )
    top = max(sizes)
    if top:
        ratio = {
            COLUMN[d]: f"{found[(top, COLUMN[d])]['rate'] / found[(0, COLUMN[d])]['rate']:.2f}"
            for d in databases
        }
        rows.append(Row(PART, f"500-cmd cmd/s @ {top:,} / @ 0", ratio, "≥ 0.9"))
        rows.append(
            Row(
                PART,
                f"seed time @ {top:,} ({how})",
                {COLUMN[d]: seconds(found[(top, COLUMN[d])]["seed_s"]) for d in databases},
            )
        )
    return rows
