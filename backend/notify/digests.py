"""Digests of the tick: the bureau's weekly summary per enterprise, each enterprise's daily summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.store import begin_writes

from ..derived import clock
from ..derived.due_overview import active_lockouts, hazard_summary, late_entries
from ..derived.due_sources import last_done
from ..derived.person_record import exam_data
from ..models import Enterprise, User
from ..models.types import utcnow
from ..records import records_of
from ..rules import reminder_rules as rules
from ..rules.cadence import obligations
from .inbox import notify, notify_office
from .reminders import BUREAU, claim, office_recipient

EXAM_FAILED = ("retake_allowed", "retraining_required")
INSPECTION_KEYS = ("principal_inspection",)
BUREAU_URL = "/#/bureau"


@dataclass
class Standing:
    """What one enterprise's digest line reports, computed for one day."""

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


def standing_of(session: Session, enterprise: Enterprise, today: date) -> Standing:
    """Compute an enterprise's standing on a day from the same sources as its `due` entity."""
    since = clock.local_day(enterprise.created_at)
    profile = {**enterprise.to_data(), "registered_on": since.isoformat() if since else None}
    hazards = hazard_summary(session, enterprise.id, today)
    standing = Standing(
        enterprise,
        open_major_hazards=hazards["open_major_hazards"],
        overdue_hazards=hazards["overdue_hazards"],
        late_entries=len(late_entries(session, enterprise.id, today)),
        active_lockouts=active_lockouts(session, enterprise.id),
    )
    for obligation in obligations(profile["flags"], last_done(session, profile), today, since):
        if obligation.state == "due_soon":
            standing.due_soon.append(f"{obligation.label_zh}（{obligation.next_due.isoformat()}）")
        elif obligation.state == "overdue":
            target = standing.overdue_inspections if obligation.key in INSPECTION_KEYS else None
            if target is None and obligation.key.endswith("_drill"):
                target = standing.overdue_drills
            if target is not None:
                target.append(obligation.label_zh)
    sessions = records_of(session, "training_session", enterprise.id)
    people = _users(session, User.enterprise_id == enterprise.id)
    standing.exam_failures = sum(1 for u in people if exam_data(sessions, u)["status"] in EXAM_FAILED)
    return standing


def _enterprises(session: Session) -> list[Enterprise]:
    return list(session.scalars(select(Enterprise).order_by(Enterprise.name, Enterprise.id)))


def _users(session: Session, *conditions) -> list[str]:
    query = select(User.id).where(User.active.is_(True), *conditions).order_by(User.username)
    return list(session.scalars(query))


def _send(session, kind, period, recipients, office, title, body, lines, url, now, sent: Counter) -> None:
    """Claim a digest per recipient and for the office channel; notify and post those claimed."""
    subject = f"{office or BUREAU}:{period}"
    claimed = [r for r in recipients if claim(session, rules.claim_key(kind, subject, "digest", r), now)]
    if claimed:
        notify(session, claimed, kind, title, body, url, topic=f"{kind}:{office or BUREAU}", now=now)
        sent[kind] += len(claimed)
    key = rules.claim_key(kind, subject, "digest", office_recipient(office))
    if claim(session, key, now):
        notify_office(session, office, key, title, lines, url, now=now)
        sent[f"{kind}_office"] += 1


def weekly_bureau_digest(session: Session, today: date, now: datetime, sent: Counter) -> None:
    """Send this ISO week's summary, one line per enterprise, to every bureau user and the bureau's robot."""
    standings = [standing_of(session, e, today) for e in _enterprises(session)]
    totals: Counter = Counter()
    for standing in standings:
        totals.update(standing.counts())
    week = rules.iso_week(today)
    flagged = sum(1 for s in standings if any(s.counts().values()))
    short = "，".join(f"{name} {n}" for name, n in totals.items() if n) or "无逾期事项"
    title = f"安全生产周报（{week}）"
    body = f"{len(standings)} 家企业，{flagged} 家有待办：{short}"
    lines = [body, *(s.line() for s in standings)]
    recipients = _users(session, User.role == BUREAU)
    _send(session, "digest_weekly", week, recipients, None, title, body, lines, BUREAU_URL, now, sent)


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


def daily_officer_digests(session: Session, today: date, now: datetime, sent: Counter) -> None:
    """Send each enterprise's officers and robot today's summary, where there is something to say."""
    for enterprise in _enterprises(session):
        lines = daily_officer_lines(standing_of(session, enterprise, today))
        if not lines:
            continue
        officers = _users(session, User.enterprise_id == enterprise.id, User.role == "officer")
        title = f"{enterprise.name} 安全日报（{today.isoformat()}）"
        body = "；".join(lines)
        period = today.isoformat()
        _send(session, "digest_daily", period, officers, enterprise.id, title, body, lines, "/#/", now, sent)


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
