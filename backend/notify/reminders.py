"""Reminders of the tick: drills and inspections due, hazard deadlines and escalation, certificates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync.store import begin_writes

from ..derived import clock
from ..derived.due_sources import last_done
from ..derived.person_record import exam_data
from ..hazard_records import hazards_of
from ..models import Enterprise, NotificationClaim, User
from ..models.types import utcnow
from ..records import records_of
from ..rules import reminder_rules as rules
from ..rules.cadence import obligations
from .inbox import notify, notify_office

BUREAU = "bureau"
OBLIGATION_TITLES = {"d-14": "14 天后到期", "d-7": "7 天后到期", "d-0": "今天到期"}
KIND_NAMES = {"drill_due": "演练", "inspection_due": "主要负责人带队检查"}


@dataclass(frozen=True)
class Reminder:
    """One reminder on one occasion: its recipients, its text, and the office channels that also hear it."""

    kind: str
    subject: str  # what the claim key names: a record id, with its due date when that can move
    occasion: str
    recipients: tuple[str, ...]
    title: str
    body: str
    url: str
    source: dict | None = None
    critical: bool | None = None
    offices: tuple[str | None, ...] = ()  # enterprise ids; None is the bureau's channel

    def key(self, recipient: str) -> str:
        """Return the claim key of this reminder for one recipient."""
        return rules.claim_key(self.kind, self.subject, self.occasion, recipient)


def office_recipient(enterprise_id: str | None) -> str:
    """Name an office channel as a claim recipient."""
    return f"office-{enterprise_id or BUREAU}"


def claim(session: Session, key: str, now: datetime) -> bool:
    """Insert the claim in a savepoint; False when any tick, here or on another host, already holds it."""
    try:
        with session.begin_nested():
            session.add(NotificationClaim(key=key, created_at=now))
    except IntegrityError:
        return False
    return True


class People:
    """The active people of an enterprise by role, and the bureau's, read once per enterprise."""

    def __init__(self, session: Session, enterprise_id: str):
        query = select(User).where(User.active.is_(True))
        users = session.scalars(query.where(User.enterprise_id == enterprise_id).order_by(User.username))
        self.by_id = {u.id: u for u in users}
        bureau = session.scalars(query.where(User.role == BUREAU).order_by(User.username))
        self.bureau = tuple(u.id for u in bureau)

    def with_role(self, *roles: str) -> tuple[str, ...]:
        """Return the ids of the enterprise's active people with any of these roles."""
        return tuple(u.id for u in self.by_id.values() if u.role in roles)

    def audience(self, names: tuple[str, ...], person: str | None = None) -> tuple[str, ...]:
        """Resolve audience names ('holder', 'worker', 'assignee' → person; roles; 'bureau') to ids."""
        found: list[str] = []
        for name in names:
            if name in ("holder", "worker", "assignee"):
                found.extend([person] if person in self.by_id else [])
            elif name == BUREAU:
                found.extend(self.bureau)
            else:
                found.extend(self.with_role(name))
        return tuple(dict.fromkeys(found))

    def name(self, user_id: str | None) -> str:
        """Return a person's display name, or '未指派' for nobody."""
        user = self.by_id.get(user_id) if user_id else None
        return user.display_name if user else "未指派"


def obligation_reminders(session, enterprise: Enterprise, people: People, today: date) -> Iterator[Reminder]:
    """Yield the drill and inspection reminders due today, recomputed from the cadence rules."""
    since = clock.local_day(enterprise.created_at)
    profile = {**enterprise.to_data(), "registered_on": since.isoformat() if since else None}
    for obligation in obligations(profile["flags"], last_done(session, profile), today, since):
        if obligation.key not in rules.OBLIGATION_REMINDERS:
            continue
        occasion = rules.obligation_occasion(obligation.next_due, today)
        if occasion is None:
            continue
        kind, roles = rules.OBLIGATION_REMINDERS[obligation.key]
        late = (today - obligation.next_due).days
        when = f"已逾期 {late} 天" if late > 0 else OBLIGATION_TITLES[occasion]
        yield Reminder(
            kind=kind,
            subject=f"{enterprise.id}:{obligation.key}:{obligation.next_due.isoformat()}",
            occasion=occasion,
            recipients=people.audience(roles),
            title=f"{obligation.label_zh}{when}",
            body=f"{enterprise.name}：{obligation.label_zh}应于 {obligation.next_due} 前完成（{when}）",
            url="/#/",
            source={"entity": "due", "id": enterprise.id},
            offices=(enterprise.id,),
        )


def hazard_reminders(session, enterprise: Enterprise, people: People, today: date) -> Iterator[Reminder]:
    """Yield deadline warnings and every escalation rung reached today for the enterprise's hazards."""
    hazards = [h for h in hazards_of(session, enterprise.id, rules.HAZARD_REMINDER_STATUSES) if h.due_date]
    for hazard in sorted(hazards, key=lambda h: (h.due_date, h.id)):
        due = hazard.due_date.isoformat()
        subject = f"{hazard.id}:{due}"
        major = hazard.severity == "major"
        label = "重大事故隐患" if major else "隐患"
        common = {
            "subject": subject,
            "url": f"/#/hazards/{hazard.id}",
            "source": {"entity": "hazard", "id": hazard.id},
        }
        where = f"{enterprise.name}：{hazard.title}（{hazard.location}）"
        if rules.hazard_warning_due(hazard.due_date, today):
            yield Reminder(
                kind="hazard_deadline",
                occasion=f"d-{rules.HAZARD_WARN_DAYS}",
                recipients=people.audience(("assignee",), hazard.assignee_id),
                title=f"{label}整改即将到期",
                body=f"{where}，整改期限 {due}",
                **common,
            )
        day = rules.days_overdue(hazard.due_date, today)
        if day is None:
            continue
        owner = people.name(hazard.assignee_id)
        for step in rules.escalation_steps(hazard.severity, day):
            to_bureau = step.audience == BUREAU
            yield Reminder(
                kind=step.kind,
                occasion=f"esc-{step.name}",
                recipients=people.audience((step.audience,), hazard.assignee_id),
                title=f"{label}逾期未整改" + ("" if step.name == "assignee" else "（升级）"),
                body=f"{where}，整改期限 {due}，已逾期 {day + 1} 天；责任人：{owner}",
                critical=True if major else None,
                offices=(None,) if to_bureau else (),
                **common,
            )


def certificate_reminders(certificates: list[dict], people: People, today: date) -> Iterator[Reminder]:
    """Yield the expiry warnings of special-operation certificates within the renewal window."""
    for certificate in certificates:
        expires = clock.parse_day(certificate.get("expires_on"))
        holder = certificate.get("user_id")
        if certificate.get("status") == "revoked" or expires is None or holder not in people.by_id:
            continue
        if not rules.certificate_warning_due(expires, today):
            continue
        operation = certificate.get("operation") or "特种作业"
        yield Reminder(
            kind="certificate_expiry",
            subject=f"{certificate['id']}:{expires.isoformat()}",
            occasion=f"d-{rules.CERTIFICATE_WARN_DAYS}",
            recipients=people.audience(rules.CERTIFICATE_AUDIENCE, holder),
            title="特种作业操作证即将到期",
            body=f"{people.name(holder)}的{operation}操作证 {expires} 到期，请在到期前申请延期换证",
            url="/#/me",
            source={"entity": "certificate", "id": certificate["id"]},
        )


def retraining_reminders(sessions: list[dict], people: People) -> Iterator[Reminder]:
    """Yield a reminder for each person whose last exam left them needing retraining (脱产培训)."""
    for user_id in people.by_id:
        exam = exam_data(sessions, user_id)
        if exam["status"] != "retraining_required":
            continue
        yield Reminder(
            kind="retraining_required",
            subject=user_id,
            occasion=f"exam-{exam['last_at']}",  # a later failed retake reminds again
            recipients=people.audience(rules.RETRAINING_AUDIENCE, user_id),
            title="考试未通过，需脱产培训后补考",
            body=f"{people.name(user_id)}补考未通过（{exam['last_score']} 分），须脱产培训后重新考试",
            url="/#/me",
            source={"entity": "person_record", "id": user_id},
        )


def training_reminders(sessions: list[dict], people: People, today: date) -> Iterator[Reminder]:
    """Yield the day-before reminders of scheduled training sessions to their invitees."""
    for held in sessions:
        day = clock.local_day(held.get("scheduled_at"))
        if held.get("status") != "scheduled" or day is None or not rules.training_tomorrow(day, today):
            continue
        invitees = tuple(i for i in held.get("invitee_ids") or [] if i in people.by_id)
        place = f"，地点：{held['location']}" if held.get("location") else ""
        yield Reminder(
            kind="training_tomorrow",
            subject=f"{held['id']}:{day.isoformat()}",
            occasion=f"d-{rules.TRAINING_REMIND_DAYS_BEFORE}",
            recipients=invitees,
            title=f"明日培训：{held.get('topic') or ''}",
            body=f"{day.isoformat()} {held.get('topic') or ''}{place}",
            url="/#/",
            source={"entity": "training_session", "id": held["id"]},
        )


def enterprise_reminders(session, enterprise: Enterprise, today: date) -> list[Reminder]:
    """Return every reminder of one enterprise whose occasion is today."""
    people = People(session, enterprise.id)
    sessions = records_of(session, "training_session", enterprise.id)
    certificates = records_of(session, "certificate", enterprise.id)
    return [
        *obligation_reminders(session, enterprise, people, today),
        *hazard_reminders(session, enterprise, people, today),
        *certificate_reminders(certificates, people, today),
        *retraining_reminders(sessions, people),
        *training_reminders(sessions, people, today),
    ]


def send(session: Session, reminder: Reminder, now: datetime, sent: Counter) -> None:
    """Claim the reminder per recipient and per office channel; notify those claimed."""
    claimed = [r for r in reminder.recipients if claim(session, reminder.key(r), now)]
    if claimed:
        notify(
            session,
            claimed,
            reminder.kind,
            reminder.title,
            reminder.body,
            reminder.url,
            critical=reminder.critical,
            source=reminder.source,
            now=now,
        )
        sent[reminder.kind] += len(claimed)
    for office in reminder.offices:
        key = reminder.key(office_recipient(office))
        if claim(session, key, now):
            notify_office(session, office, key, reminder.title, [reminder.body], reminder.url, now=now)
            sent["office"] += 1


def run_reminders(session: Session, today: date | None = None, now: datetime | None = None) -> Counter:
    """Send every reminder due today that no tick has claimed; commit per enterprise; count by kind."""
    today = today or clock.today_in_shanghai()
    now = now or utcnow()
    sent: Counter = Counter()
    query = select(Enterprise.id).order_by(Enterprise.created_at, Enterprise.id)
    enterprise_ids = list(session.scalars(query))
    session.commit()
    for enterprise_id in enterprise_ids:
        try:
            # On SQLite: a real transaction before the savepoints, and the write lock, so a second tick
            # waits for this one's commit and then finds every claim taken.
            begin_writes(session)
            enterprise = session.get(Enterprise, enterprise_id)
            for reminder in enterprise_reminders(session, enterprise, today):
                send(session, reminder, now, sent)
            # The claims and the notifications they produced commit together, or neither does.
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return sent
