"""One derived entity type of one enterprise that a push made stale: the derived job recomputes it once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UtcDateTime


class DerivedMark(db.Model):
    """Append-only: every push inserts its own rows, so no push ever waits on another's mark.

    The derived job deletes the marks it recomputes in the transaction that records the result: a crash
    rolls the delete back with the result, and a mark committed meanwhile is not among those it took.
    """

    __tablename__ = "derived_marks"
    __table_args__ = (Index("ix_derived_marks_enterprise_module", "enterprise_id", "module"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(36))
    # The derived module to recompute (its ENTITY: due, person_record, badge, checklist).
    module: Mapped[str] = mapped_column(String(32))
    marked_at: Mapped[datetime] = mapped_column(UtcDateTime)
