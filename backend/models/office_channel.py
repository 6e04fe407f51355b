"""A WeCom or DingTalk group-robot webhook of an enterprise, or of a bureau (no enterprise, its region)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

OFFICE_KINDS = ("wecom", "dingtalk")


class OfficeChannel(db.Model):
    __tablename__ = "office_channels"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprises.id"), index=True, default=None)
    # A bureau's channel: its region node (GB/T 2260); None for an enterprise's.
    region_code: Mapped[str | None] = mapped_column(String(6), index=True, default=None)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100), default="")
    url: Mapped[str] = mapped_column(String(500))
    # DingTalk's signing secret (SEC…); WeCom robots have none.
    secret: Mapped[str | None] = mapped_column(String(200), default=None)
    active: Mapped[bool] = mapped_column(default=True)

    def to_public(self) -> dict:
        """Return the channel for its managers: whether a secret is set, never the secret."""
        return {
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "region_code": self.region_code,
            "kind": self.kind,
            "name": self.name,
            "url": self.url,
            "signed": bool(self.secret),
            "active": self.active,
        }
