"""What one enterprise's reminders read: its stored `due` and person records, hazards, sessions ahead."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from sync import tables

from ..hazard_records import HazardView, hazards_of
from ..models import Enterprise, OfficeChannel, User
from ..records import record, records_of
from ..rules import reminder_rules as rules
from ..rules.regions import ancestors
from ..scopes import enterprise_scope

BUREAU = "bureau"


def answering_node(session: Session, county: str) -> str | None:
    """Return the region node whose bureau hears an enterprise of this county: the nearest one, county
    first, then city, then province, that has an active bureau account or office robot (None: none has).

    The county bureau supervises its enterprises (属地管理: reports and escalations go to it); a city or
    province bureau hears them only where no bureau below it uses the system, and otherwise reads them in
    its summaries instead of an inbox flooded by every enterprise of the province.
    """
    chain = [county, *reversed(ancestors(county))]
    people = select(User.region_code).where(
        User.role == BUREAU, User.active.is_(True), User.region_code.in_(chain)
    )
    offices = select(OfficeChannel.region_code).where(
        OfficeChannel.enterprise_id.is_(None),
        OfficeChannel.active.is_(True),
        OfficeChannel.region_code.in_(chain),
    )
    found = set(session.scalars(union(people, offices)))
    return next((code for code in chain if code in found), None)


class People:
    """The active people of an enterprise by role, and those of the bureau it answers to, read once."""

    def __init__(self, session: Session, enterprise_id: str, county: str = ""):
        query = select(User).where(User.active.is_(True))
        users = session.scalars(query.where(User.enterprise_id == enterprise_id).order_by(User.username))
        self.by_id = {u.id: u for u in users}
        self.bureau_node = answering_node(session, county) if county else None
        bureau = session.scalars(
            query.where(User.role == BUREAU, User.region_code == self.bureau_node).order_by(User.username)
        )
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


@dataclass
class Sources:
    """One enterprise's stored facts that reminders are made of (nothing recomputed here)."""

    enterprise: Enterprise
    people: People
    due: dict[str, Any] | None
    person_records: list[dict[str, Any]] = field(default_factory=list)
    hazards: list[HazardView] = field(default_factory=list)
    scheduled_sessions: list[dict[str, Any]] = field(default_factory=list)


def scheduled_sessions(session: Session, enterprise_id: str) -> list[dict[str, Any]]:
    """Return the enterprise's training sessions still scheduled (held ones are filtered out in SQL)."""
    e = tables.entities.c
    query = select(e.data).where(
        e.entity == "training_session",
        e.scope == enterprise_scope(enterprise_id),
        e.deleted.is_(False),
        e.status == "scheduled",
    )
    return list(session.execute(query).scalars())


def load_sources(session: Session, enterprise: Enterprise) -> Sources:
    """Read what the enterprise's reminders need: a handful of indexed queries."""
    hazards = [h for h in hazards_of(session, enterprise.id, rules.HAZARD_REMINDER_STATUSES) if h.due_date]
    return Sources(
        enterprise=enterprise,
        people=People(session, enterprise.id, enterprise.region_code),
        due=record(session, "due", enterprise.id),
        person_records=records_of(session, "person_record", enterprise.id),
        hazards=sorted(hazards, key=lambda h: (h.due_date, h.id)),
        scheduled_sessions=scheduled_sessions(session, enterprise.id),
    )
