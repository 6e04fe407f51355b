"""Workflow notifications: a step that hands work to someone tells them, inside the push that made the step.

The push's after_push listener reads the changes its applied commands made (a rejected command makes none,
a replayed one is not applied again, a rolled-back push takes its notifications with it) and writes the
inbox entries and queued pushes in the same transaction. The sender never hears of their own step. Several
steps of one kind for one person in one push (a day of offline reports) become one notification.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync import Actor, Change
from sync.wire import parse_time

from ..models import User
from ..records import record
from ..rules import workflow_audience as audience
from ..rules.drill_rules import DRILL_TYPES
from ..rules.training_kinds import KINDS_BY_KEY as TRAINING_KINDS
from .inbox import notification_changes, notify_office

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEVERITY_ZH = {"general": "一般隐患", "major": "重大事故隐患"}
DRILL_TYPE_ZH = {drill_type.key: drill_type.label_zh for drill_type in DRILL_TYPES}
# A summary of several steps names this many records, then "等".
SUMMARY_NAMES = 3
# Where a summary of several records of a kind points.
LIST_URLS = {
    "hazard": "/#/hazards",
    "lockout": "/#/lockouts",
    "drill": "/#/drills",
    "training_session": "/#/trainings",
}
SUMMARY_TITLES = {
    "hazard_reported": "{n} 条新隐患待指派",
    "hazard_assigned": "{n} 条隐患交给你整改",
    "hazard_rectified": "{n} 条隐患整改待验收",
    "hazard_verified": "{n} 条隐患整改已验收",
    "hazard_sent_back": "{n} 条隐患整改被退回",
    "hazard_dismissed": "{n} 条上报未列为隐患",
    "lockout_confirm": "{n} 项挂牌上锁待你确认",
    "drill_invited": "{n} 场应急演练通知",
    "training_invited": "{n} 场安全培训通知",
}


@dataclass(frozen=True)
class Step:
    """One workflow step to tell: its kind, who hears of it, and its text about one record."""

    kind: str
    recipients: tuple[str, ...]
    title: str
    body: str
    entity: str
    record_id: str
    name: str  # the record's short name, for a summary


class Staff:
    """The active people of the enterprises one push touched, read once per enterprise."""

    def __init__(self, session: Session):
        self.session = session
        self.by_enterprise: dict[str, list[tuple[str, str]]] = {}
        self.names: dict[str, str] = {}

    def of(self, enterprise_id: str) -> list[tuple[str, str]]:
        """Return (id, role) of the enterprise's active people, by username."""
        if enterprise_id not in self.by_enterprise:
            rows = self.session.execute(
                select(User.id, User.role, User.display_name)
                .where(User.enterprise_id == enterprise_id, User.active.is_(True))
                .order_by(User.username)
            ).all()
            self.by_enterprise[enterprise_id] = [(row.id, row.role) for row in rows]
            self.names.update({row.id: row.display_name for row in rows})
        return self.by_enterprise[enterprise_id]

    def name(self, user_id: str | None) -> str:
        """Return a person's display name (never their login id)."""
        if user_id and user_id not in self.names:
            user = self.session.get(User, user_id)
            self.names[user_id] = user.display_name if user else "某人"
        return self.names.get(user_id or "", "某人")


def day_zh(text: str | None) -> str:
    """Write an ISO day as 12月8日."""
    if not text:
        return ""
    day = date.fromisoformat(text[:10])
    return f"{day.month}月{day.day}日"


def moment_zh(text: str | None) -> str:
    """Write a protocol time as Shanghai 12月8日 09:30."""
    if not text:
        return ""
    local = parse_time(text).astimezone(SHANGHAI)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def _last(data: dict[str, Any]) -> dict[str, Any]:
    history = data.get("history") or []
    return history[-1] if history else {}


def hazard_steps(staff: Staff, hazard: dict[str, Any]) -> Iterator[Step]:
    """Yield the step a hazard change is: reported, assigned, rectified, verified, sent back or dismissed."""
    event, people = _last(hazard), staff.of(hazard["enterprise_id"])
    by, title = staff.name(event.get("by")), hazard["title"]
    common = {"entity": "hazard", "record_id": hazard["id"], "name": title}
    where = f"地点：{hazard['location']}"
    if len(hazard.get("history") or []) == 1:  # made by this command: a report, or an inspection's item
        yield Step(
            "hazard_reported",
            tuple(audience.report_audience(hazard, people)),
            f"新隐患待指派：{title}",
            f"{by}上报{SEVERITY_ZH.get(hazard['severity'], '')}，{where}",
            **common,
        )
    elif event.get("type") == "hazard.assign" and event.get("changes"):
        due = day_zh(hazard.get("due_date"))
        yield Step(
            "hazard_assigned",
            (hazard["assignee_id"],),
            f"隐患交给你整改：{title}",
            f"{by}指派，请在 {due} 前完成整改，{where}",
            **common,
        )
    elif event.get("type") == "hazard.rectify":
        note = (hazard.get("rectification") or {}).get("note") or ""
        yield Step(
            "hazard_rectified",
            tuple(audience.hazard_verifiers(hazard, people)),
            f"隐患整改待验收：{title}",
            f"{by}已整改：{note}",
            **common,
        )
    elif event.get("type") == "hazard.dismiss":
        yield Step(
            "hazard_dismissed",
            (hazard["reported_by"],),
            f"上报未列为隐患：{title}",
            f"{by}核查后未列为隐患，原因：{event.get('reason') or ''}",
            **common,
        )
    elif event.get("type") == "hazard.verify":
        verification = hazard.get("verification") or {}
        note = f"：{verification['note']}" if verification.get("note") else ""
        accepted = verification.get("accepted")
        yield Step(
            "hazard_verified" if accepted else "hazard_sent_back",
            tuple(audience.verification_audience(hazard)),
            f"隐患整改{'已验收' if accepted else '被退回'}：{title}",
            f"{by}{'验收通过' if accepted else '退回整改'}{note}",
            **common,
        )


def lockout_steps(staff: Staff, lockout: dict[str, Any]) -> Iterator[Step]:
    """Yield the request for a second person's confirmation once zero energy is verified."""
    event = _last(lockout)
    if event.get("type") != "lockout.verify_zero_energy":
        return
    equipment = record(staff.session, "equipment", lockout["equipment_id"]) or {}
    name = equipment.get("name") or "设备"
    yield Step(
        "lockout_confirm",
        tuple(audience.lockout_confirmers(lockout, staff.of(lockout["enterprise_id"]))),
        f"挂牌上锁待你确认：{name}",
        f"{staff.name(event.get('by'))}已验证零能量，请到现场作为第二人确认后方可作业。事由：{lockout['reason']}",
        "lockout",
        lockout["id"],
        name,
    )


def drill_steps(staff: Staff, drill: dict[str, Any]) -> Iterator[Step]:
    """Yield a planned drill's invitation to the people it expects (everyone when it names nobody)."""
    event = _last(drill)
    if event.get("type") != "drill.plan":
        return
    people = drill.get("expected_ids")
    if people is None:
        people = [user_id for user_id, _ in staff.of(drill["enterprise_id"])]
    label = DRILL_TYPE_ZH.get(drill["type"], "应急演练")
    yield Step(
        "drill_invited",
        tuple(people),
        f"演练通知：{drill['scenario']}",
        f"{day_zh(drill['planned_on'])}{label}，组织人：{staff.name(event.get('by'))}",
        "drill",
        drill["id"],
        drill["scenario"],
    )


def training_steps(staff: Staff, session: dict[str, Any]) -> Iterator[Step]:
    """Yield a scheduled session's invitation to its invitees."""
    event = _last(session)
    if event.get("type") != "training.schedule":
        return
    kind = TRAINING_KINDS.get(session["kind"])
    place = f"，地点：{session['location']}" if session.get("location") else ""
    yield Step(
        "training_invited",
        tuple(session.get("invitee_ids") or ()),
        f"培训通知：{session['topic']}",
        f"{moment_zh(session['scheduled_at'])}{place}，{kind.label_zh if kind else '安全培训'}"
        f" {session['hours']:g} 学时，讲师：{session['trainer']}",
        "training_session",
        session["id"],
        session["topic"],
    )


STEPS: dict[str, Callable[[Staff, dict[str, Any]], Iterator[Step]]] = {
    "hazard": hazard_steps,
    "lockout": lockout_steps,
    "drill": drill_steps,
    "training_session": training_steps,
}


def steps_of(session: Session, changes: list[Change]) -> list[Step]:
    """Return the workflow steps these applied changes are, in push order."""
    staff = Staff(session)
    found: list[Step] = []
    for change in changes:
        read = STEPS.get(change.entity)
        if read is not None and not change.deleted:
            found.extend(read(staff, change.data))
    return found


def on_push(session: Session, actor: Actor, changes: list[Change]) -> list[Change]:
    """The push's listener: tell each step's people (never the sender), one notification per kind each."""
    from ..sync_setup import sync_engine  # here: sync_setup imports this module

    now = sync_engine().clock()
    per_person: dict[tuple[str, str], dict[str, Step]] = defaultdict(dict)
    for step in steps_of(session, changes):
        for user_id in step.recipients:
            if user_id and user_id != actor.id:
                per_person[(step.kind, user_id)][step.record_id] = step
    # People told of the same steps share one call (and one settings read each inside it).
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for (kind, user_id), steps in per_person.items():
        groups[(kind, *steps)].append(user_id)
    made: list[Change] = []
    for (kind, *record_ids), recipients in groups.items():
        steps = [per_person[(kind, recipients[0])][record_id] for record_id in record_ids]
        made.extend(_notifications(session, recipients, kind, steps, now))
    _tell_offices(session, changes, now)
    return made


def _notifications(session: Session, recipients: list[str], kind: str, steps: list[Step], now: datetime):
    first = steps[0]
    if len(steps) == 1:
        url = f"{LIST_URLS[first.entity]}/{first.record_id}"
        source = {"entity": first.entity, "id": first.record_id}
        return notification_changes(
            session, recipients, kind, first.title, first.body, url, source=source, now=now
        )
    names = "、".join(step.name for step in steps[:SUMMARY_NAMES]) + (
        "等" if len(steps) > SUMMARY_NAMES else ""
    )
    title = SUMMARY_TITLES[kind].format(n=len(steps))
    return notification_changes(session, recipients, kind, title, names, LIST_URLS[first.entity], now=now)


def _tell_offices(session: Session, changes: list[Change], now: datetime) -> None:
    """Post the push's new reports to their enterprise's office robots (the safety office's group)."""
    reports: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for change in changes:
        if change.entity == "hazard" and not change.deleted and len(change.data.get("history") or []) == 1:
            reports[change.data["enterprise_id"]].append(change.data)
    for enterprise_id, hazards in reports.items():
        first = hazards[0]
        if len(hazards) == 1:
            title, url = f"新隐患待指派：{first['title']}", f"/#/hazards/{first['id']}"
        else:
            title, url = SUMMARY_TITLES["hazard_reported"].format(n=len(hazards)), LIST_URLS["hazard"]
        lines = [
            f"{SEVERITY_ZH.get(h['severity'], '')}：{h['title']}（{h['location']}）" for h in hazards[:10]
        ]
        notify_office(session, enterprise_id, f"hazard_reported:{first['id']}", title, lines, url, now=now)
