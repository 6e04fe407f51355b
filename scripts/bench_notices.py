"""Print how a province-wide notice feels on PostgreSQL: the notice.send push, and the fan-out to every inbox.

`measure_notice(app, recipients)` is the reusable part (`make bench` calls it); run this file to print the
figures for 5,000 and 100,000 recipients on fresh PostgreSQL schemas.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import String, cast, func, insert, select  # noqa: E402

from backend import create_app  # noqa: E402
from backend.config import TestConfig  # noqa: E402
from backend.extensions import db  # noqa: E402
from backend.models import Enterprise, NoticeRecipient, User  # noqa: E402
from backend.notify.notice_fanout import fan_out_pending  # noqa: E402
from backend.passwords import hash_password  # noqa: E402
from backend.rules.uscc import check_character  # noqa: E402
from sync import tables  # noqa: E402
from tests.api_client import Device  # noqa: E402
from tests.databases import postgres_answers, postgres_schema  # noqa: E402
from tests.people import seed_people  # noqa: E402

PEOPLE_PER_ENTERPRISE = 100
ROWS_PER_STATEMENT = 5000
NOTICE = {
    "title": "关于近期冶金企业煤气中毒事故的警示通报",
    "body": "近期外省一钢铁企业发生煤气中毒事故，造成3人死亡。各企业立即开展涉煤气区域隐患自查，举一反三。",
    "kind": "accident",
    "target": {"all": True},
}


def uscc(number: int) -> str:
    """Return a valid unified social credit code numbered `number` (fake, unique)."""
    first17 = f"91140000{number:09d}"
    return first17 + check_character(first17)


def seed_recipients(
    session, count: int, per_enterprise: int = PEOPLE_PER_ENTERPRISE, region_code: str = "141122"
) -> int:
    """Bulk-insert `count` active workers in enterprises of `per_enterprise` people in a county (交城县 by
    default); commit; return count."""
    now = datetime.now(UTC)
    password = hash_password("bench-only")
    offset = session.scalar(select(func.count()).select_from(Enterprise))
    enterprise_ids = [str(uuid.uuid4()) for _ in range(-(-count // per_enterprise))]
    enterprises = [
        {"id": e, "uscc": uscc(offset + n), "name": f"压测企业{offset + n}", "flags": [], "address": "",
         "region_code": region_code, "created_at": now, "history": []}
        for n, e in enumerate(enterprise_ids)
    ]  # fmt: skip
    for start in range(0, len(enterprises), ROWS_PER_STATEMENT):
        session.execute(insert(Enterprise), enterprises[start : start + ROWS_PER_STATEMENT])
    batch = []
    for n in range(count):
        batch.append(
            {"id": str(uuid.uuid4()), "username": f"bench-{uuid.uuid4().hex[:20]}", "display_name": f"员{n}",
             "role": "worker", "enterprise_id": enterprise_ids[n // per_enterprise], "employment_type": "own",
             "password_hash": password, "active": True, "created_at": now, "history": []}
        )  # fmt: skip
        if len(batch) == ROWS_PER_STATEMENT:
            session.execute(insert(User), batch)
            batch = []
    if batch:
        session.execute(insert(User), batch)
    session.commit()
    return count


def measure_notice(app, recipients: int) -> dict:
    """Seed `recipients` workers (100 per enterprise) on the app's database, send one notice to all; time it.

    Returns {recipients, inboxes, push_ms, fanout_s, notice_bytes}: push_ms is the notice.send push as the
    bureau's phone sees it (the fan-out left to the job), fanout_s the job writing every inbox, inboxes how
    many it wrote (the demo people seeded here count too), notice_bytes the notice document's size.
    """
    with app.app_context():
        if db.session.scalar(select(User.id).where(User.username == "bureau")) is None:
            seed_people()
        seed_recipients(db.session, recipients)
    app.config["NOTICE_FANOUT_AFTER_COMMIT"] = "off"
    bureau = Device(app.test_client(), "bureau")
    # A warm server: the first push of a process pays for compiling statements, which no phone sees twice.
    assert bureau.do("settings.update", bureau.user["id"], push_enabled=True)["status"] == "applied"
    notice_id = str(uuid.uuid4())
    started = time.perf_counter()
    outcome = bureau.do("notice.send", notice_id, **NOTICE)
    push_ms = (time.perf_counter() - started) * 1000
    assert outcome["status"] == "applied", outcome
    with app.app_context():
        started = time.perf_counter()
        inboxes = fan_out_pending(db.session)
        fanout_s = time.perf_counter() - started
        reached = db.session.scalar(
            select(func.count()).select_from(NoticeRecipient).where(NoticeRecipient.notice_id == notice_id)
        )
        e = tables.entities.c
        notice = db.session.execute(
            select(func.length(cast(e.data, String))).where(e.entity == "notice", e.id == notice_id)
        ).scalar()
    assert inboxes == reached, (inboxes, reached)
    return {
        "recipients": recipients,
        "inboxes": inboxes,
        "push_ms": round(push_ms, 1),
        "fanout_s": round(fanout_s, 2),
        "notice_bytes": notice,
    }


def main() -> None:
    """Print the notice figures for 5,000 and 100,000 recipients on PostgreSQL."""
    if not postgres_answers():
        print("bench_notices: no PostgreSQL answers; skipped")
        return
    print(f"{'recipients':>10} {'push ms':>8} {'fan-out s':>10} {'inboxes/s':>10} {'notice B':>9}")
    for recipients in (5_000, 100_000):
        with tempfile.TemporaryDirectory() as folder, postgres_schema() as (url, connect_args):
            config = TestConfig(url, Path(folder))
            config.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": connect_args}
            app = create_app(config)
            with app.app_context():
                db.create_all()
            figures = measure_notice(app, recipients)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        rate = figures["inboxes"] / figures["fanout_s"] if figures["fanout_s"] else 0
        print(
            f"{figures['recipients']:>10,} {figures['push_ms']:>8.1f} {figures['fanout_s']:>10.2f}"
            f" {rate:>10,.0f} {figures['notice_bytes']:>9}"
        )


if __name__ == "__main__":
    main()
