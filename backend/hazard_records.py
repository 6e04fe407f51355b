"""Hazard documents read for reports and reminders: one enterprise's, selected by status on the index."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from .derived.clock import parse_day, parse_moment
from .records import records_of


class HazardView:
    """Attribute access over a hazard document; times and the due date parsed."""

    def __init__(self, data: dict[str, Any]):
        self.data = data

    def __getattr__(self, name: str) -> Any:
        try:
            return self.data[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def captured_at(self) -> datetime | None:
        return parse_moment(self.data.get("captured_at"))

    @property
    def received_at(self) -> datetime | None:
        return parse_moment(self.data.get("received_at"))

    @property
    def due_date(self) -> date | None:
        return parse_day(self.data.get("due_date"))


def hazards_of(session, enterprise_id: str, statuses: Iterable[str] | None = None) -> list[HazardView]:
    """Return the enterprise's hazards (only those in `statuses` when given), oldest capture first."""
    found = records_of(session, "hazard", enterprise_id, statuses=statuses)
    found.sort(key=lambda data: (data.get("captured_at") or "", data["id"]))
    return [HazardView(data) for data in found]
