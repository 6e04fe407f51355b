"""The delivery log: one row per notification × channel × target, with retries and their outcome."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UtcDateTime, utcnow

CHANNELS = ("webpush", "wecom", "dingtalk")
STATUSES = ("pending", "sent", "failed", "gone", "retry")
OPEN_STATUSES = ("pending", "retry")


class Delivery(db.Model):
    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    notification_key: Mapped[str] = mapped_column(String(100), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    # A push subscription id, or an office channel id.
    target: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # What to send again on a retry: the push payload and options, or the office message.
    message: Mapped[dict] = mapped_column(JSON, default=dict)

    def to_public(self) -> dict:
        """Return the log row as the delivery log shows it."""
        return {
            "id": self.id,
            "notification_key": self.notification_key,
            "channel": self.channel,
            "target": self.target,
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "next_attempt_at": self.next_attempt_at,
            "created_at": self.created_at,
            "sent_at": self.sent_at,
        }
