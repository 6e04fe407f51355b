"""Part c: a province on PostgreSQL: notice to all, ticks (nothing changed; a day rollover), the first sync
of the province bureau and of a county bureau (summaries only)."""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import timedelta
from unittest import mock

from sqlalchemy import func, select, text

from backend.derived import clock
from backend.derived.schedule import reschedule
from backend.derived.tick import tick
from backend.extensions import db
from backend.models import Enterprise, User
from backend.notify.cli import notify_tick
from backend.notify.notice_fanout import fan_out_pending
from backend.sync_setup import actor_of, sync_engine
from sync.wire import format_time, utc_now
from tests.api_client import Device, now_text

from .apps import postgres_app
from .bureau_sync import first_sync
from .measure import Step, mib, ms, step
from .province_seed import COUNTY_BUREAU, seed_derived, seed_province
from .report import Row

SIZE = (5_000, 100)
QUICK_SIZE = (50, 20)
PART = "c. province (PostgreSQL)"
COLUMN = "PostgreSQL"


def run(quick: bool, size: tuple[int, int] | None = None) -> list[Row]:
    """Seed the province, run each step with its time and peak RSS; return the table rows."""
    enterprises, people = size or (QUICK_SIZE if quick else SIZE)
    label = f"{enterprises:,} × {people} people"
    rows: list[Row] = []

    def add(figure: str, done: Step, target: str = "", note: str = "") -> None:
        value = f"{ms(done.seconds)}, peak {mib(done.peak_kib)}"
        rows.append(Row(PART, figure, {COLUMN: value + (f" ({note})" if note else "")}, target))
        print(f"province {figure}: {value} {note}".rstrip(), flush=True)

    with postgres_app() as app, app.app_context():
        with step() as done:
            counts = seed_province(enterprises, people)
            ids = list(
                db.session.scalars(select(Enterprise.id).order_by(Enterprise.created_at, Enterprise.id))
            )
            derived = seed_derived(ids)
            # As the derived job leaves them: each enterprise's next time-driven day stored.
            reschedule(db.session, ids, clock.today_in_shanghai())
            db.session.commit()
            # As autovacuum does within a minute of a bulk load: the planner then knows the province's size.
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        add(
            f"seed {label}",
            done,
            note=f"{counts['users']:,} users, {counts['entities'] + derived:,} entities",
        )
        crossing = _deadlines_today(ids[::100] or ids[:1])
        client = app.test_client()
        bureau = Device(client, "bureau")
        # The push is measured alone; the fan-out job is run and timed on its own below.
        app.config["NOTICE_FANOUT_AFTER_COMMIT"] = "off"
        rows += _notice(client, bureau, add)
        with step() as done:
            recorded = tick(db.session, sync_engine())
        changed = sum(n for entity, n in recorded.items() if entity != "enterprises")
        add("cadence tick, nothing changed", done, "< 5 s", f"{changed} recorded")
        with step() as done:
            sent = notify_tick(db.session)
        add("notify tick, first (sends what is due)", done, note=f"{_sent(sent)} sent")
        with step() as done:
            sent = notify_tick(db.session)
        add("notify tick, nothing changed", done, "< 5 s", f"{_sent(sent)} sent")
        tomorrow = clock.today_in_shanghai() + timedelta(days=1)
        with mock.patch.object(clock, "today_in_shanghai", lambda: tomorrow), step() as done:
            recorded = tick(db.session, sync_engine())
        changed = sum(n for entity, n in recorded.items() if entity != "enterprises")
        add(f"cadence tick, day rollover ({crossing} ent. cross)", done, note=f"{changed} recorded")
        later = utc_now() + timedelta(days=1)
        with mock.patch.object(clock, "today_in_shanghai", lambda: tomorrow), step() as done:
            sent = notify_tick(db.session, today=tomorrow, now=later)
        add("notify tick, day rollover", done, note=f"{_sent(sent)} sent")
        for username, who in (
            ("bureau", "province bureau (140000)"),
            (COUNTY_BUREAU, "county bureau (141122)"),
        ):
            device = Device(client, username)
            with step() as done:
                synced = first_sync(client, device)
            add(f"{who} first sync", done, note=synced.note())
        rows += _county_notice(client, add)
        rows += _province_bureau_pushes(client, ids[len(ids) // 2])
    return rows


def _county_notice(client, add) -> list[Row]:
    """The county bureau's notice to its county: fanned out over its enterprises' people only."""
    county = Device(client, COUNTY_BUREAU)
    notice = {"title": "县局警示", "body": "举一反三，开展自查", "kind": "warning", "target": {"all": True}}
    outcome = county.do("notice.send", **notice)
    if outcome.get("status") != "applied":
        return [Row(PART, "county notice: every inbox reached", {COLUMN: f"FAILED: {outcome.get('code')}"})]
    in_enterprises = select(func.count()).select_from(User).where(User.enterprise_id.is_not(None))
    province = db.session.scalar(in_enterprises)
    with step() as done:
        reached = 0
        while wrote := fan_out_pending(db.session, chunk=2000):
            reached += wrote
        db.session.commit()
    add("county notice (141122): every inbox reached", done, note=f"{reached:,} of {province:,} people")
    return []


def _province_bureau_pushes(client, enterprise_id: str, count: int = 20) -> list[Row]:
    """The province bureau corrects one enterprise's address `count` times: each push alone, timed."""
    bureau = Device(client, "bureau")
    seconds = []
    for n in range(count):
        started = time.perf_counter()
        outcome = bureau.do("enterprise.update", enterprise_id, address=f"省局核对地址 {n}")
        seconds.append(time.perf_counter() - started)
        assert outcome["status"] == "applied", outcome
    median = statistics.median(seconds)
    print(f"province bureau push of one command: median {ms(median)} of {count}", flush=True)
    return [Row(PART, "province bureau: push of one command", {COLUMN: f"median {ms(median)} of {count}"})]


def _sent(sent) -> int:
    """Count the reminders and digests a notify tick sent (deliveries aside)."""
    return sum(n for name, n in sent.items() if "deliver" not in name)


def _deadlines_today(enterprise_ids: list[str]) -> int:
    """In each of these enterprises the officer reports a hazard due today; return how many."""
    engine, today = sync_engine(), clock.today_in_shanghai()
    for enterprise_id in enterprise_ids:
        officer = db.session.scalar(
            select(User).where(User.enterprise_id == enterprise_id, User.role == "officer")
        )
        hazard, client_id = str(uuid.uuid4()), str(uuid.uuid4())
        report = {
            "title": "煤气柜区域CO报警器失效",
            "description": "",
            "location": "煤气柜区域",
            "severity": "major",
            "photos": [],
        }
        assign = {"assignee_id": officer.id, "due_date": today.isoformat(), "plan": "更换报警器"}
        commands = [
            {
                "seq": n + 1,
                "id": str(uuid.uuid4()),
                "type": kind,
                "entity_id": hazard,
                "captured_at": now_text(),
                "args": args,
            }
            for n, (kind, args) in enumerate((("hazard.report", report), ("hazard.assign", assign)))
        ]
        body = {"client_id": client_id, "sent_at": format_time(utc_now()), "commands": commands}
        outcomes = engine.push(db.session, actor_of(officer), body, 0)["outcomes"]
        assert all(o["status"] == "applied" for o in outcomes), outcomes
    return len(enterprise_ids)


def _notice(client, bureau: Device, add) -> list[Row]:
    """Push one notice to every enterprise; then fan it out where the job exists; return extra rows."""
    notice = {"title": "警示通报", "body": "举一反三，开展自查", "kind": "accident", "target": {"all": True}}
    users = db.session.scalar(select(func.count()).select_from(User).where(User.enterprise_id.is_not(None)))
    with step() as done:
        answer = client.post(
            "/api/v1/sync/push",
            json={
                "client_id": bureau.client_id,
                "sent_at": now_text(),
                "commands": [bureau.command("notice.send", **notice)],
            },
            headers=bureau.headers,
        )
    body = answer.get_json() or {}
    outcome = (body.get("outcomes") or [{}])[-1]
    if answer.status_code != 200 or outcome.get("status") != "applied":
        reason = outcome.get("code") or body.get("code") or answer.status_code
        add("notice.send to all: push", done, "< 1 s", f"FAILED: {reason}")
        return [Row(PART, "notice: every inbox reached", {COLUMN: "n/a (the notice failed)"}, "< 60 s")]
    add("notice.send to all: push", done, "< 1 s", f"{users:,} recipients")
    started = time.perf_counter()
    with step() as done:
        while fan_out_pending(db.session, chunk=2000):
            db.session.commit()
        db.session.commit()
    add("notice: every inbox reached", done, "< 60 s", f"{time.perf_counter() - started:,.1f} s after push")
    return []
