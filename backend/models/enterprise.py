"""An enterprise under the bureau's supervision, keyed by its unified social credit code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UtcDateTime, utcnow


class Enterprise(db.Model):
    __tablename__ = "enterprises"
    entity = "enterprise"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    flags: Mapped[list] = mapped_column(JSON, default=list)
    standardisation_grade: Mapped[int | None] = mapped_column(default=None)
    address: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    @property
    def scope(self) -> str:
        """Name the sync scope that holds this enterprise's records."""
        return enterprise_scope(self.id)

    def to_data(self) -> dict:
        """Return the synced whole state."""
        return {
            "id": self.id,
            "uscc": self.uscc,
            "name": self.name,
            "flags": sorted(self.flags or []),
            "standardisation_grade": self.standardisation_grade,
            "address": self.address,
        }


def enterprise_scope(enterprise_id: str) -> str:
    """Name the sync scope of an enterprise."""
    return f"ent:{enterprise_id}"
