"""An enterprise under the bureau's supervision, keyed by its unified social credit code."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..extensions import db
from ..rules.industries import INDUSTRY_KEYS
from ..rules.regions import is_code, level_of
from ..rules.roles import ENTERPRISE_FLAGS
from ..rules.uscc import is_valid_uscc
from ..scopes import enterprise_scope
from .types import UtcDateTime, utcnow


class Enterprise(db.Model):
    __tablename__ = "enterprises"
    # A bureau reads the enterprises of its region: a range of county codes, walked by id within it.
    __table_args__ = (Index("ix_enterprises_region_code_id", "region_code", "id"),)
    entity = "enterprise"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    industry: Mapped[str | None] = mapped_column(String(32), default=None)
    flags: Mapped[list] = mapped_column(JSON, default=list)
    standardisation_grade: Mapped[int | None] = mapped_column(default=None)
    address: Mapped[str] = mapped_column(String(300), default="")
    # The county (GB/T 2260) the enterprise lies in: the bureaus of it, its city and province read it.
    region_code: Mapped[str] = mapped_column(String(6))
    ledger_confirmed_on: Mapped[date | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    history: Mapped[list] = mapped_column(JSON, default=list)

    @validates("uscc")
    def check_uscc(self, _key: str, value: str) -> str:
        """Refuse a unified social credit code whose check character is wrong."""
        if not is_valid_uscc(value):
            raise ValueError(f"invalid unified social credit code: {value!r}")
        return value

    @validates("industry")
    def check_industry(self, _key: str, value: str | None) -> str | None:
        """Refuse an industry 令第10号 does not name (None: not set yet)."""
        if value is not None and value not in INDUSTRY_KEYS:
            raise ValueError(f"unknown industry: {value!r}")
        return value

    @validates("region_code")
    def check_region(self, _key: str, value: str) -> str:
        """Refuse anything but a known county-level code: an enterprise lies in one county."""
        if not is_code(value) or level_of(value) != "county":
            raise ValueError(f"not a known county code: {value!r}")
        return value

    @validates("flags")
    def check_flags(self, _key: str, value: list) -> list:
        """Refuse profile flags the rules do not know."""
        unknown = set(value or []) - set(ENTERPRISE_FLAGS)
        if unknown:
            raise ValueError(f"unknown enterprise flags: {sorted(unknown)}")
        return sorted(set(value or []))

    @property
    def scope(self) -> str:
        """Name the sync scope that holds this enterprise's records."""
        return enterprise_scope(self.id)

    def registered_on(self) -> date | None:
        """Return the Asia/Shanghai day of registration (from 16:00 UTC the UTC date is a day behind)."""
        from ..derived.clock import local_day  # here: the derived package imports the models

        return local_day(self.created_at)

    def to_data(self) -> dict:
        """Return the synced whole state."""
        return {
            "id": self.id,
            "uscc": self.uscc,
            "name": self.name,
            "industry": self.industry,
            "flags": sorted(self.flags or []),
            "standardisation_grade": self.standardisation_grade,
            "address": self.address,
            "region_code": self.region_code,
            "ledger_confirmed_on": self.ledger_confirmed_on.isoformat() if self.ledger_confirmed_on else None,
            "registered_on": self.registered_on().isoformat() if self.created_at else None,
            "history": list(self.history or []),
        }
