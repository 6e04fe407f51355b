"""A notice's fan-out: its pending job row, its enterprises with receipt counts, one row per recipient."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UtcDateTime, utcnow

# The fan-out walks the enterprises first (offices, self-checks, receipts), then the people.
PHASES = ("enterprises", "people", "done")


class NoticeFanout(db.Model):
    """One notice still being fanned out: where the job got to, committed with each chunk it wrote."""

    __tablename__ = "notice_fanouts"

    notice_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # {"all": true} or {"flags": [...]}, as notice.send was given it.
    target: Mapped[dict] = mapped_column(JSON)
    phase: Mapped[str] = mapped_column(String(16), default="enterprises")
    # The last enterprise id written (phase enterprises), or the enterprise of the last person written
    # (phase people, walked by enterprise then person); "" before the first.
    cursor: Mapped[str] = mapped_column(String(36), default="")
    # Phase people: the last person written within `cursor`'s enterprise; "" before the first.
    cursor_user: Mapped[str] = mapped_column(String(36), default="", server_default="")
    enterprises: Mapped[int] = mapped_column(default=0)
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None, index=True)


class NoticeEnterprise(db.Model):
    """A targeted enterprise of a notice and its receipt counts (synced as the `notice_receipt` entity)."""

    __tablename__ = "notice_enterprises"

    notice_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    recipients: Mapped[int] = mapped_column(default=0)
    read: Mapped[int] = mapped_column(default=0)
    acknowledged: Mapped[int] = mapped_column(default=0)


class NoticeRecipient(db.Model):
    """One person a notice reached, and when they read and acknowledged it (the bureau's paged list)."""

    __tablename__ = "notice_recipients"
    __table_args__ = (
        Index(
            "ix_notice_recipients_notice_id_enterprise_id_user_id", "notice_id", "enterprise_id", "user_id"
        ),
    )

    notice_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(36))
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
