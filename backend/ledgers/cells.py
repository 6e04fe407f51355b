"""Cell values for the ledgers: times and days on the Asia/Shanghai calendar, Chinese labels, names."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from ..derived.clock import SHANGHAI, parse_day, parse_moment
from ..models import User

TIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
EMPLOYMENT_TYPES_ZH = {
    "own": "本企业员工",
    "contractor": "外包",
    "dispatched": "劳务派遣",
    "flexible": "灵活用工",
}
ROLES_ZH = {"worker": "一线员工", "officer": "安全管理员", "principal": "主要负责人", "bureau": "执法人员"}
YES_NO = {True: "是", False: "否", None: ""}


def local_time(value: str | datetime | None) -> datetime | None:
    """Return a time as a naive Asia/Shanghai datetime (what a spreadsheet cell holds), to the minute."""
    moment = parse_moment(value)
    if moment is None:
        return None
    return moment.astimezone(SHANGHAI).replace(tzinfo=None, second=0, microsecond=0)


def day(value: str | date | None) -> date | None:
    """Return a YYYY-MM-DD text (or date) as a date cell."""
    return value if isinstance(value, date) else parse_day(value)


class People:
    """Display names and employment types of every person, looked up by id."""

    def __init__(self, session):
        self.users = {u.id: u for u in session.scalars(select(User))}

    def name(self, user_id: str | None) -> str:
        """Return a person's display name, or the id when unknown."""
        user = self.users.get(user_id) if user_id else None
        return user.display_name if user else (user_id or "")

    def names(self, user_ids: list[str] | None) -> str:
        """Return display names joined by the Chinese list comma."""
        return "、".join(self.name(u) for u in user_ids or [])

    def employment(self, user_id: str | None) -> str:
        """Return a person's employment type in Chinese."""
        user = self.users.get(user_id) if user_id else None
        return EMPLOYMENT_TYPES_ZH.get(user.employment_type, user.employment_type) if user else ""


def label(labels: dict[str, str], value: Any) -> str:
    """Return the Chinese label of a code, or the code itself."""
    return labels.get(value, value or "") if isinstance(value, str) or value is None else str(value)
