"""Reminders of the tick, from stored state: obligations due, hazard deadlines, escalation, certificates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync.store import begin_writes

from ..derived import clock
from ..derived.schedule import due_on, schedule, set_day
from ..models import Enterprise, NotificationClaim
from ..models.types import utcnow
from ..rules import reminder_rules as rules
from .inbox import notify, notify_office
from .reminder_sources import BUREAU, Sources, load_sources

# Enterprises whose reminder day has come, read per query.
BATCH = 200
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
    offices: tuple[str | None, ...] = ()  # enterprise ids; None: the channels of the bureau it answers to

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


def obligation_reminders(sources: Sources, today: date) -> Iterator[Reminder]:
    """Yield the drill and inspection reminders due today, from the obligations the stored `due` holds."""
    enterprise, people = sources.enterprise, sources.people
    for obligation in (sources.due or {}).get("obligations") or []:
        if obligation["key"] not in rules.OBLIGATION_REMINDERS:
            continue
        next_due = clock.parse_day(obligation["next_due"])
        occasion = rules.obligation_occasion(next_due, today)
        if occasion is None:
            continue
        kind, roles = rules.OBLIGATION_REMINDERS[obligation["key"]]
        late = (today - next_due).days
        when = f"已逾期 {late} 天" if late > 0 else OBLIGATION_TITLES[occasion]
        label = obligation["label_zh"]
        yield Reminder(
            kind=kind,
            subject=f"{enterprise.id}:{obligation['key']}:{next_due.isoformat()}",
            occasion=occasion,
            recipients=people.audience(roles),
            title=f"{label}{when}",
            body=f"{enterprise.name}：{label}应于 {next_due} 前完成（{when}）",
            url="/#/",
            source={"entity": "due", "id": enterprise.id},
            offices=(enterprise.id,),
        )


def hazard_reminders(sources: Sources, today: date) -> Iterator[Reminder]:
    """Yield deadline warnings and every escalation rung reached today for the enterprise's hazards."""
    enterprise, people = sources.enterprise, sources.people
    for hazard in sources.hazards:
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


def drill_reports(sources: Sources, today: date) -> Iterator[Reminder]:
    """Yield, once per drill, the report of a recent plan drill to the bureau where one is owed."""
    enterprise, flags = sources.enterprise, set(sources.enterprise.flags or [])
    for obligation in (sources.due or {}).get("obligations") or []:
        reporting = rules.DRILL_REPORTS.get(obligation["key"])
        done = clock.parse_day(obligation.get("last_done"))
        if not reporting or not reporting & flags or done is None:
            continue
        if not 0 <= (today - done).days <= rules.DRILL_REPORT_WITHIN_DAYS:
            continue
        label = obligation["label_zh"]
        yield Reminder(
            kind="drill_reported",
            subject=f"{enterprise.id}:{obligation['key']}:{done.isoformat()}",
            occasion="done",
            recipients=sources.people.audience(rules.DRILL_REPORT_AUDIENCE),
            title=f"{enterprise.name}完成{label}",
            body=f"{enterprise.name}于 {done} 完成{label}（应急预案管理办法第三十三条第二款报送）",
            url="/#/",
            source={"entity": "due", "id": enterprise.id},
            offices=(None,),
        )


def major_hazard_reports(sources: Sources) -> Iterator[Reminder]:
    """Yield, once per open major hazard, its report to the bureau (the stored `due` lists them)."""
    enterprise = sources.enterprise
    for row in (sources.due or {}).get("major_hazards") or []:
        yield Reminder(
            kind="major_hazard_reported",
            occasion="reported",
            subject=row["id"],
            recipients=sources.people.audience(rules.MAJOR_HAZARD_REPORT_AUDIENCE),
            title="发现重大事故隐患",
            body=f"{enterprise.name}：{row['title']}（{row['reported_on']} 上报）",
            url=f"/#/hazards/{row['id']}",
            source={"entity": "hazard", "id": row["id"]},
            critical=True,
            offices=(None,),
        )


def certificate_reminders(sources: Sources, today: date) -> Iterator[Reminder]:
    """Yield the expiry warnings of special-operation certificates within the renewal window."""
    people = sources.people
    for person in sources.person_records:
        holder = person["user_id"]
        for certificate in person.get("certificates") or []:
            expires = clock.parse_day(certificate.get("expires_on"))
            if certificate["state"] == "revoked" or expires is None or holder not in people.by_id:
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


def retraining_reminders(sources: Sources) -> Iterator[Reminder]:
    """Yield a reminder for each person whose last exam left them needing retraining (脱产培训)."""
    people = sources.people
    for person in sources.person_records:
        user_id, exam = person["user_id"], person.get("exam") or {}
        if exam.get("status") != "retraining_required" or user_id not in people.by_id:
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


def training_reminders(sources: Sources, today: date) -> Iterator[Reminder]:
    """Yield the day-before reminders of scheduled training sessions to their invitees."""
    people = sources.people
    for held in sources.scheduled_sessions:
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


def enterprise_reminders(sources: Sources, today: date) -> list[Reminder]:
    """Return every reminder of one enterprise whose occasion is today."""
    return [
        *obligation_reminders(sources, today),
        *major_hazard_reports(sources),
        *drill_reports(sources, today),
        *hazard_reminders(sources, today),
        *certificate_reminders(sources, today),
        *retraining_reminders(sources),
        *training_reminders(sources, today),
    ]


def next_reminder_day(sources: Sources, today: date) -> date | None:
    """Return the first day after today on which any of the enterprise's reminders reaches a new occasion."""
    days = [
        rules.next_obligation_occasion(clock.parse_day(o["next_due"]), today)
        for o in (sources.due or {}).get("obligations") or []
        if o["key"] in rules.OBLIGATION_REMINDERS
    ]
    days.extend(rules.next_hazard_occasion(h.due_date, h.severity, today) for h in sources.hazards)
    days.extend(
        rules.next_certificate_occasion(clock.parse_day(c["expires_on"]), today)
        for person in sources.person_records
        for c in person.get("certificates") or []
        if c["state"] != "revoked" and c.get("expires_on")
    )
    scheduled = (clock.local_day(held.get("scheduled_at")) for held in sources.scheduled_sessions)
    days.extend(rules.next_training_occasion(day, today) for day in scheduled if day)
    # Retraining follows an exam, not a date: the push that records it reschedules the enterprise.
    return min((day for day in days if day is not None), default=None)


def send(
    session: Session, reminder: Reminder, now: datetime, sent: Counter, regions: tuple[str, ...] = ()
) -> None:
    """Claim the reminder per recipient and per office channel; notify those claimed (the bureaus' office
    channels: those of these region nodes)."""
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
            lines = [reminder.body]
            notify_office(session, office, key, reminder.title, lines, reminder.url, now=now, regions=regions)
            sent["office"] += 1


def remind_enterprise(
    session: Session, enterprise_id: str, today: date, now: datetime, sent: Counter
) -> None:
    """Send one enterprise's reminders of today and store the day its next occasion starts; commit."""
    try:
        # On SQLite: a real transaction before the savepoints, and the write lock, so a second tick
        # waits for this one's commit and then finds every claim taken.
        begin_writes(session)
        enterprise = session.get(Enterprise, enterprise_id)
        if enterprise is not None:
            sources = load_sources(session, enterprise)
            for reminder in enterprise_reminders(sources, today):
                node = sources.people.bureau_node
                send(session, reminder, now, sent, (node,) if node else ())
            day = next_reminder_day(sources, today)
        else:
            day = None
        set_day(session, schedule.remind_on, enterprise_id, day)
        # The claims, the notifications they produced and the next day commit together, or none does.
        session.commit()
    except BaseException:
        session.rollback()
        raise


def run_reminders(session: Session, today: date | None = None, now: datetime | None = None) -> Counter:
    """Send the reminders of the enterprises whose reminder day has come, once each; count by kind."""
    today = today or clock.today_in_shanghai()
    now = now or utcnow()
    sent: Counter = Counter()
    while True:
        # Each enterprise done leaves the selection (its next day is after today): an indexed range scan.
        due = due_on(session, schedule.remind_on, today, BATCH)
        session.commit()
        if not due:
            return sent
        for enterprise_id in due:
            remind_enterprise(session, enterprise_id, today, now, sent)
