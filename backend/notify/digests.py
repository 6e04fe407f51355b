"""Digests of the tick, read from stored `due` and person records: the bureau's weekly, officers' daily."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from sync import tables
from sync.store import begin_writes

from ..derived import clock
from ..derived.schedule import due_on, schedule, set_day
from ..models import Enterprise, NotificationClaim, OfficeChannel, User
from ..models.types import utcnow
from ..rules import reminder_rules as rules
from ..rules.regions import code_range
from .inbox import notify, notify_office
from .reminders import BUREAU, claim

EXAM_FAILED = ("retake_allowed", "retraining_required")
INSPECTION_KEYS = ("principal_inspection",)
BUREAU_URL = "/#/bureau"
# Enterprises whose daily digest is owed, read per query.
BATCH = 200


@dataclass
class Standing:
    """What one enterprise's digest line reports, as its stored derived entities say."""

    enterprise: Enterprise
    open_major_hazards: int = 0
    overdue_hazards: int = 0
    overdue_drills: list[str] = field(default_factory=list)
    overdue_inspections: list[str] = field(default_factory=list)
    due_soon: list[str] = field(default_factory=list)
    exam_failures: int = 0
    late_entries: int = 0
    active_lockouts: int = 0

    def counts(self) -> dict[str, int]:
        """Return the bureau's counts, in the order the line prints them."""
        return {
            "重大隐患": self.open_major_hazards,
            "逾期整改": self.overdue_hazards,
            "逾期演练": len(self.overdue_drills),
            "逾期检查": len(self.overdue_inspections),
            "考试不合格": self.exam_failures,
            "补录": self.late_entries,
        }

    def line(self) -> str:
        """Describe the enterprise in one Markdown line; 'all clear' when nothing is open or late."""
        found = [f"{name} {n}" for name, n in self.counts().items() if n]
        return f"{self.enterprise.name}：{'，'.join(found) if found else '无逾期事项'}"


def standing_of(enterprise: Enterprise, due: dict[str, Any] | None, exam_failures: int) -> Standing:
    """Read an enterprise's standing from its stored `due` (nothing recomputed) and its exam failures."""
    due = due or {}
    standing = Standing(
        enterprise,
        open_major_hazards=due.get("open_major_hazards", 0),
        overdue_hazards=due.get("overdue_hazards", 0),
        late_entries=len(due.get("late_entries") or []),
        active_lockouts=due.get("active_lockouts", 0),
        exam_failures=exam_failures,
    )
    for obligation in due.get("obligations") or []:
        if obligation["state"] == "due_soon":
            standing.due_soon.append(f"{obligation['label_zh']}（{obligation['next_due']}）")
        elif obligation["state"] == "overdue":
            target = standing.overdue_inspections if obligation["key"] in INSPECTION_KEYS else None
            if target is None and obligation["key"].endswith("_drill"):
                target = standing.overdue_drills
            if target is not None:
                target.append(obligation["label_zh"])
    return standing


def stored_dues(session: Session, enterprise_ids: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Return enterprise id → its stored `due` data (all enterprises, or those named)."""
    e = tables.entities.c
    query = select(e.id, e.data).where(e.entity == "due", e.deleted.is_(False))
    if enterprise_ids is not None:
        query = query.where(e.id.in_(enterprise_ids))
    return dict(session.execute(query).all())


def exam_failures(session: Session, enterprise_ids: list[str] | None = None) -> Counter:
    """Count, per enterprise, the active people whose stored person record shows a failed exam."""
    e = tables.entities.c
    query = (
        select(User.enterprise_id, func.count())
        .select_from(tables.entities)
        .join(User, User.id == e.id)
        .where(
            e.entity == "person_record",
            e.deleted.is_(False),
            User.active.is_(True),
            e.data[("exam", "status")].as_string().in_(EXAM_FAILED),
        )
        .group_by(User.enterprise_id)
    )
    if enterprise_ids is not None:
        query = query.where(User.enterprise_id.in_(enterprise_ids))
    return Counter(dict(session.execute(query).all()))


def _enterprises(session: Session, *conditions) -> list[Enterprise]:
    query = select(Enterprise).where(*conditions).order_by(Enterprise.name, Enterprise.id)
    return list(session.scalars(query))


def _users(session: Session, *conditions) -> list[str]:
    query = select(User.id).where(User.active.is_(True), *conditions).order_by(User.username)
    return list(session.scalars(query))


def _send(
    session, kind, period, recipients, office, title, body, lines, url, now, sent: Counter, region=None
) -> None:
    """Claim a digest per recipient and for the office channel (an enterprise's, or a region's bureau's);
    notify and post those claimed."""
    owner = office or bureau_owner(region)
    subject = f"{owner}:{period}"
    claimed = [r for r in recipients if claim(session, rules.claim_key(kind, subject, "digest", r), now)]
    if claimed:
        notify(session, claimed, kind, title, body, url, topic=f"{kind}:{owner}", now=now)
        sent[kind] += len(claimed)
    key = rules.claim_key(kind, subject, "digest", f"office-{owner}")
    if claim(session, key, now):
        regions = (region,) if region else ()
        notify_office(session, office, key, title, lines, url, now=now, regions=regions)
        sent[f"{kind}_office"] += 1


def bureau_owner(region: str | None) -> str:
    """Name a region's bureau in claim keys ('bureau-141122')."""
    return f"{BUREAU}-{region}"


def bureau_regions(session: Session) -> list[str]:
    """Return the region nodes with an active bureau account or an active bureau office channel."""
    people = select(User.region_code).where(User.role == BUREAU, User.active.is_(True))
    offices = select(OfficeChannel.region_code).where(
        OfficeChannel.enterprise_id.is_(None), OfficeChannel.active.is_(True)
    )
    found = session.scalars(union(people, offices))
    return sorted(code for code in found if code)


def _weekly_key(region: str, week: str) -> str:
    owner = bureau_owner(region)
    return rules.claim_key("digest_weekly", f"{owner}:{week}", "digest", f"office-{owner}")


def weekly_bureau_digest(session: Session, today: date, now: datetime, sent: Counter) -> None:
    """Send this ISO week's summary to each region's bureau: its people and robot, one line per enterprise."""
    week = rules.iso_week(today)
    keys = {region: _weekly_key(region, week) for region in bureau_regions(session)}
    claimed = session.scalars(select(NotificationClaim.key).where(NotificationClaim.key.in_(keys.values())))
    done = set(claimed)  # sent this week: every later tick of the week costs these two lookups
    for region, key in keys.items():
        if key not in done:
            weekly_region_digest(session, region, today, now, sent)


def weekly_region_digest(session: Session, region: str, today: date, now: datetime, sent: Counter) -> None:
    """Send one region's weekly summary: the enterprises at and below its node."""
    week = rules.iso_week(today)
    low, high = code_range(region)
    enterprises = _enterprises(session, Enterprise.region_code.between(low, high))
    ids = [e.id for e in enterprises]
    dues, failures = stored_dues(session, ids), exam_failures(session, ids)
    standings = [standing_of(e, dues.get(e.id), failures[e.id]) for e in enterprises]
    totals: Counter = Counter()
    for standing in standings:
        totals.update(standing.counts())
    flagged = sum(1 for s in standings if any(s.counts().values()))
    short = "，".join(f"{name} {n}" for name, n in totals.items() if n) or "无逾期事项"
    title = f"安全生产周报（{rules.iso_week_label(today)}）"
    body = f"{len(standings)} 家企业，{flagged} 家有待办：{short}"
    lines = [body, *(s.line() for s in standings)]
    recipients = _users(session, User.role == BUREAU, User.region_code == region)
    _send(session, "digest_weekly", week, recipients, None, title, body, lines, BUREAU_URL, now, sent, region)


def daily_officer_lines(standing: Standing) -> list[str]:
    """Return the officer's summary lines of the day; empty when nothing needs them."""
    counts = {
        "未整改重大隐患": standing.open_major_hazards,
        "逾期整改隐患": standing.overdue_hazards,
        "考试不合格人员": standing.exam_failures,
        "未解除挂牌上锁": standing.active_lockouts,
    }
    lines = [f"{name}：{n}" for name, n in counts.items() if n]
    overdue = standing.overdue_drills + standing.overdue_inspections
    if overdue:
        lines.append(f"已逾期：{'、'.join(overdue)}")
    if standing.due_soon:
        lines.append(f"即将到期：{'、'.join(standing.due_soon)}")
    return lines


def daily_officer_digest(session: Session, enterprise: Enterprise, today: date, now, sent: Counter) -> bool:
    """Send one enterprise's officers and robot today's summary; False when there is nothing to say."""
    due = stored_dues(session, [enterprise.id]).get(enterprise.id)
    failures = exam_failures(session, [enterprise.id])[enterprise.id]
    lines = daily_officer_lines(standing_of(enterprise, due, failures))
    if not lines:
        return False
    officers = _users(session, User.enterprise_id == enterprise.id, User.role == "officer")
    title = f"{enterprise.name} 安全日报（{today.isoformat()}）"
    body = "；".join(lines)
    period = today.isoformat()
    _send(session, "digest_daily", period, officers, enterprise.id, title, body, lines, "/#/", now, sent)
    return True


def daily_officer_digests(session: Session, today: date, now: datetime, sent: Counter) -> None:
    """Send the daily digest of each enterprise whose digest day has come; it is owed again tomorrow."""
    while due := due_on(session, schedule.digest_on, today, BATCH):
        begin_writes(session)
        for enterprise_id in due:
            enterprise = session.get(Enterprise, enterprise_id)
            said = enterprise is not None and daily_officer_digest(session, enterprise, today, now, sent)
            # Nothing to say: no digest until a change (a push, a day the cadence tick acts on) reschedules.
            set_day(session, schedule.digest_on, enterprise_id, today + timedelta(days=1) if said else None)
        session.commit()


def run_digests(session: Session, today: date | None = None, now: datetime | None = None) -> Counter:
    """Send the week's bureau digest and today's officer digests once each, from DIGEST_HOUR on; commit."""
    today = today or clock.today_in_shanghai()
    now = now or utcnow()
    local = now.astimezone(clock.SHANGHAI)
    sent: Counter = Counter()
    for weekly, digest in ((True, weekly_bureau_digest), (False, daily_officer_digests)):
        if not rules.digest_time_reached(local, weekly):
            continue
        try:
            begin_writes(session)
            digest(session, today, now, sent)
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return sent
