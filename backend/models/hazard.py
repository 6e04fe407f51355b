"""A hazard (隐患) and its rectification workflow state, queryable for lists and ledgers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync.wire import format_time

from ..extensions import db
from ..scopes import enterprise_scope
from .types import UtcDateTime


def iso(value: datetime | None) -> str | None:
    """Format a time for the wire: RFC 3339 UTC."""
    return format_time(value)


class Hazard(db.Model):
    __tablename__ = "hazards"
    entity = "hazard"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(64))
    criterion: Mapped[str | None] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    photos: Mapped[list] = mapped_column(JSON, default=list)
    reported_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    captured_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    due_date: Mapped[date | None] = mapped_column(default=None)
    plan: Mapped[str | None] = mapped_column(Text)
    rectification: Mapped[dict | None] = mapped_column(JSON)
    verification: Mapped[dict | None] = mapped_column(JSON)
    history: Mapped[list] = mapped_column(JSON, default=list)
    inspection_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)

    @property
    def scope(self) -> str:
        """Name the sync scope that holds this hazard."""
        return enterprise_scope(self.enterprise_id)

    def to_data(self) -> dict:
        """Return the synced whole state, as protocol.md lists it."""
        return {
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "title": self.title,
            "description": self.description,
            "location": self.location,
            "category": self.category,
            "criterion": self.criterion,
            "severity": self.severity,
            "status": self.status,
            "photos": list(self.photos or []),
            "reported_by": self.reported_by,
            "captured_at": iso(self.captured_at),
            "received_at": iso(self.received_at),
            "assignee_id": self.assignee_id,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "plan": self.plan,
            "rectification": self.rectification,
            "verification": self.verification,
            "history": list(self.history or []),
            "inspection_id": self.inspection_id,
        }
