"""A browser's Web Push subscription: one per device, owned by the person who registered it last.

It belongs to the sign-in that registered it (session_id), so signing out of that device forgets it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UtcDateTime, utcnow


class PushSubscription(db.Model):
    __tablename__ = "push_subscriptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(50))
    user_agent: Mapped[str | None] = mapped_column(String(300), default=None)
    # The login session (LoginSession.id) that registered it; None for rows saved before sessions counted.
    session_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    failures: Mapped[int] = mapped_column(default=0)

    def subscription_info(self) -> dict:
        """Return the PushSubscription JSON that pywebpush sends to."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

    def to_public(self) -> dict:
        """Return the device as the owner sees it: never the keys."""
        return {
            "id": self.id,
            "endpoint": self.endpoint,
            "user_agent": self.user_agent,
            "created_at": self.created_at,
            "last_success_at": self.last_success_at,
            "failures": self.failures,
        }
