"""A person who signs in: role, enterprise, employment type, hashed password."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..extensions import db
from ..rules.regions import is_code
from ..scopes import enterprise_scope, user_scope
from .types import UtcDateTime, utcnow


class User(db.Model):
    __tablename__ = "users"
    # An enterprise's people by id: a notice's fan-out walks them enterprise by enterprise, so each chunk
    # touches the receipts of a few enterprises (by id alone it touched nearly all of them).
    __table_args__ = (Index("ix_users_enterprise_id_id", "enterprise_id", "id"),)
    entity = "user"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    # Indexed: every reminder run reads the bureau's people by role among all users of the province.
    role: Mapped[str] = mapped_column(String(16), index=True)
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprises.id"))
    # A bureau's region node (GB/T 2260): it reads the enterprises at and below it. None for other roles.
    region_code: Mapped[str | None] = mapped_column(String(6), default=None)
    employment_type: Mapped[str] = mapped_column(String(16), default="own")
    password_hash: Mapped[str] = mapped_column(String(200))
    job: Mapped[str | None] = mapped_column(String(64), default=None)
    phone: Mapped[str | None] = mapped_column(String(32), default=None)
    hired_on: Mapped[date | None] = mapped_column(default=None)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    history: Mapped[list] = mapped_column(JSON, default=list)

    @validates("region_code")
    def check_region(self, _key: str, value: str | None) -> str | None:
        """Refuse a region code the region data does not know (None: not a bureau)."""
        if value is not None and not is_code(value):
            raise ValueError(f"unknown region code: {value!r}")
        return value

    @property
    def scope(self) -> str:
        """Name the sync scope this user's record is visible in (a bureau's: its own only)."""
        return enterprise_scope(self.enterprise_id) if self.enterprise_id else user_scope(self.id)

    def to_public(self) -> dict:
        """Return the user object of the auth answers."""
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "enterprise_id": self.enterprise_id,
            "region_code": self.region_code,
        }

    def to_data(self) -> dict:
        """Return the synced whole state (colleague lists for pickers): never the password hash."""
        return {
            **self.to_public(),
            "employment_type": self.employment_type,
            "job": self.job,
            "phone": self.phone,
            "hired_on": self.hired_on.isoformat() if self.hired_on else None,
            "active": self.active,
            "history": list(self.history or []),
        }
