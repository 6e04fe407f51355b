"""Time a nothing-changed cadence tick and notify tick over many enterprises, with each one's peak RSS."""

from __future__ import annotations

import resource
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from backend.derived import clock  # noqa: E402
from backend.derived.due import obligation_data  # noqa: E402
from backend.derived.tick import tick  # noqa: E402
from backend.extensions import db  # noqa: E402
from backend.models import DerivedSchedule, Enterprise  # noqa: E402
from backend.notify.cli import notify_tick  # noqa: E402
from backend.rules.cadence import obligations  # noqa: E402
from backend.rules.uscc import check_character  # noqa: E402
from backend.scopes import enterprise_scope  # noqa: E402
from backend.sync_setup import sync_engine  # noqa: E402
from sync import tables  # noqa: E402

TODAY = date(2026, 12, 7)  # a Monday
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=clock.SHANGHAI)  # past the digest hour
REGISTERED = datetime(2026, 3, 1, 2, tzinfo=UTC)
ROWS_PER_STATEMENT = 1000
PAGE = 4096


def rss_bytes() -> int:
    """Return this process's resident set size now (Linux /proc; else the peak so far)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * PAGE
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def timed(work: Callable[[], object]) -> tuple[float, int, object]:
    """Run work; return its seconds, the peak RSS sampled while it ran (every 2 ms), and its result."""
    peak, done = [rss_bytes()], threading.Event()

    def sample() -> None:
        while not done.wait(0.002):
            peak[0] = max(peak[0], rss_bytes())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        result = work()
    finally:
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    return seconds, max(peak[0], rss_bytes()), result


def uscc(index: int) -> str:
    """Return a valid unified social credit code numbered `index`."""
    body = f"91350100M{index:08d}"
    return body + check_character(body)


def due_for(enterprise_id: str) -> dict:
    """Return a realistic stored `due`: every obligation done two months ago, nothing open."""
    done = TODAY - timedelta(days=60)
    found = obligations([], dict.fromkeys(("evacuation_drill", "principal_inspection"), done), TODAY, done)
    return {
        "enterprise_id": enterprise_id,
        "computed_on": TODAY.isoformat(),
        "obligations": [obligation_data(o) for o in found],
        "open_major_hazards": 0,
        "overdue_hazards": 0,
        "active_lockouts": 0,
        "major_hazards": [],
        "late_entries": [],
    }


def _chunks(rows: list[dict]):
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        yield rows[start : start + ROWS_PER_STATEMENT]


def seed(enterprises: int) -> None:
    """Bulk insert enterprises, their stored `due` and schedules whose days lie ahead (executemany)."""
    ids = [str(uuid.uuid4()) for _ in range(enterprises)]
    moment = datetime.now(UTC)
    statements = (
        (
            insert(Enterprise.__table__),
            [
                {"id": e, "uscc": uscc(i), "name": f"企业{i:05d}", "flags": [], "address": "", "history": []}
                | {"region_code": "141122"}
                | {"created_at": REGISTERED}
                for i, e in enumerate(ids)
            ],
        ),
        (
            insert(tables.entities),
            [
                {
                    "entity": "due",
                    "id": e,
                    "scope": enterprise_scope(e),
                    "version": 1,
                    "deleted": False,
                    "data": due_for(e),
                    "position": i + 1,
                    "updated_at": moment,
                }
                for i, e in enumerate(ids)
            ],
        ),
        (
            insert(DerivedSchedule.__table__),
            [
                {
                    "enterprise_id": e,
                    "next_on": TODAY + timedelta(days=20),
                    "remind_on": TODAY + timedelta(days=5),
                    "digest_on": None,
                }
                for e in ids
            ],
        ),
    )
    for statement, rows in statements:
        for chunk in _chunks(rows):
            db.session.execute(statement, chunk)
    db.session.commit()


def measure_ticks(app, enterprises: int) -> dict:
    """Seed `enterprises` into the app's empty database; time a quiet cadence tick and notify tick."""
    with app.app_context(), mock.patch.object(clock, "today_in_shanghai", lambda: TODAY):
        seed(enterprises)
        now = NOW.astimezone(UTC)
        week_seconds, week_rss, _ = timed(lambda: notify_tick(db.session, TODAY, now))
        db.session.remove()
        cadence_seconds, cadence_rss, cadence = timed(lambda: tick(db.session, sync_engine(), TODAY))
        db.session.remove()
        later = now + timedelta(minutes=5)
        notify_seconds, notify_rss, sent = timed(lambda: notify_tick(db.session, TODAY, later))
        db.session.remove()
    return {
        "enterprises": enterprises,
        "cadence_tick_seconds": round(cadence_seconds, 4),
        "cadence_tick_peak_rss_mib": round(cadence_rss / 2**20, 1),
        "cadence_tick_enterprises_due": cadence["enterprises"],
        "notify_tick_seconds": round(notify_seconds, 4),
        "notify_tick_peak_rss_mib": round(notify_rss / 2**20, 1),
        "notify_tick_sent": sum(n for k, n in sent.items() if k != "deliveries attempted"),
        "weekly_digest_tick_seconds": round(week_seconds, 4),
        "weekly_digest_tick_peak_rss_mib": round(week_rss / 2**20, 1),
    }


def main() -> None:
    """Measure with 5,000 enterprises on a throwaway schema of the PostgreSQL server and print the figures."""
    from backend import create_app
    from backend.config import TestConfig
    from tests.databases import postgres_schema

    enterprises = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with postgres_schema() as (url, connect_args), tempfile.TemporaryDirectory() as folder:
        config = TestConfig(url, Path(folder))
        config.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": connect_args}
        app = create_app(config)
        with app.app_context():
            db.create_all()
        try:
            figures = measure_ticks(app, enterprises)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    for name, value in figures.items():
        print(f"{name:34} {value}")


if __name__ == "__main__":
    main()
