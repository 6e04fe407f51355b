"""The claim on a periodic job: whoever updates its row first runs it, once per interval per deployment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UtcDateTime


class JobRun(db.Model):
    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    # Set while a process runs the job and renewed by it; past, with the run unfinished, means it died.
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    last_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    last_finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    owner: Mapped[str | None] = mapped_column(String(200), default=None)
