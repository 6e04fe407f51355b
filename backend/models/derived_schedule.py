"""When time alone next changes an enterprise's derived entities, reminders and daily digest."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, event, insert
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .enterprise import Enterprise

# A day before any real one: a row holding it is due at once.
DUE_NOW = date(2000, 1, 1)


class DerivedSchedule(db.Model):
    __tablename__ = "derived_schedule"

    enterprise_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("enterprises.id", ondelete="CASCADE"), primary_key=True
    )
    # The next Asia/Shanghai day on which a derived entity can change by time alone; None: never.
    next_on: Mapped[date | None] = mapped_column(Date, index=True, default=DUE_NOW)
    # The next day on which a reminder's occasion starts (or today, after a change); None: none pending.
    remind_on: Mapped[date | None] = mapped_column(Date, index=True, default=DUE_NOW)
    # The day the next daily officer digest is owed; None while the enterprise has nothing to report.
    digest_on: Mapped[date | None] = mapped_column(Date, index=True, default=DUE_NOW)


@event.listens_for(Enterprise, "after_insert")
def schedule_new_enterprise(_mapper, connection, enterprise: Enterprise) -> None:
    """Give a new enterprise a schedule row that is due at once, whoever created it."""
    connection.execute(
        insert(DerivedSchedule.__table__).values(
            enterprise_id=enterprise.id, next_on=DUE_NOW, remind_on=DUE_NOW, digest_on=DUE_NOW
        )
    )
