"""A claim on one reminder or digest: inserted once, so no tick on any host sends it twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UtcDateTime, utcnow


class NotificationClaim(db.Model):
    __tablename__ = "notification_claims"

    # kind:subject:occasion:recipient, built by backend.rules.reminder_rules.claim_key.
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
