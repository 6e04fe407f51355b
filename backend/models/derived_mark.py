"""One derived entity type of one enterprise that a push made stale: the derived job recomputes it once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UtcDateTime


class DerivedMark(db.Model):
    __tablename__ = "derived_marks"

    enterprise_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # The derived module to recompute (its ENTITY: due, person_record, badge, checklist).
    module: Mapped[str] = mapped_column(String(32), primary_key=True)
    # Bumped by every push that marks the enterprise again; the job deletes the mark only if unchanged.
    generation: Mapped[int] = mapped_column(BigInteger, default=1)
    marked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # A job working on the mark holds it until then; a crashed job's claim lapses and another takes it.
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None, index=True)
