"""Claims on periodic jobs in the database: a compare-and-swap UPDATE on `job_runs`, with a renewed lease."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import Engine, and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from .models import JobRun
from .models.types import utcnow

log = logging.getLogger(__name__)

# A holder renews its lease every third of this while the job runs; a dead one loses it this long after.
LEASE_SECONDS = 120

runs = JobRun.__table__.c


def owner_name() -> str:
    """Name this process's scheduler uniquely across hosts: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Claims:
    """One scheduler's claims on the `job_runs` rows of a database."""

    def __init__(
        self,
        engine: Engine,
        owner: str,
        clock: Callable[[], datetime] = utcnow,
        lease_seconds: float = LEASE_SECONDS,
    ):
        self.engine, self.owner, self.clock = engine, owner, clock
        self.lease = timedelta(seconds=lease_seconds)

    @classmethod
    def for_app(cls, app: Flask, owner: str, **options) -> Claims:
        """Return claims on the app's database."""
        from .extensions import db

        with app.app_context():
            return cls(db.engine, owner, **options)

    def _ensure_row(self, name: str) -> None:
        with self.engine.connect() as connection:
            if connection.execute(select(runs.name).where(runs.name == name)).first():
                return
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(JobRun.__table__).values(name=name))
        except IntegrityError:
            pass  # another process made it first

    def claim(self, name: str, every_seconds: float) -> bool:
        """Take the job for this interval when its slot is open and no live holder has it; True if taken."""
        self._ensure_row(name)
        now = self.clock()
        unheld = or_(runs.lease_until.is_(None), runs.lease_until < now)
        owed = or_(
            runs.last_started_at.is_(None),
            runs.last_started_at <= now - timedelta(seconds=every_seconds),
            # Started but never finished: the holder died, so the interval's run is still owed.
            runs.last_finished_at.is_(None),
            runs.last_finished_at < runs.last_started_at,
        )
        swap = (
            update(JobRun.__table__)
            .where(runs.name == name, and_(unheld, owed))
            .values(owner=self.owner, lease_until=now + self.lease, last_started_at=now)
        )
        with self.engine.begin() as connection:
            return connection.execute(swap).rowcount == 1

    def renew(self, name: str) -> bool:
        """Extend this owner's lease on a running job; False when another process has taken it."""
        now = self.clock()
        renewal = (
            update(JobRun.__table__)
            .where(runs.name == name, runs.owner == self.owner, runs.lease_until.is_not(None))
            .values(lease_until=now + self.lease)
        )
        with self.engine.begin() as connection:
            return connection.execute(renewal).rowcount == 1

    def release(self, name: str) -> None:
        """Mark this owner's run of the job finished and free its lease."""
        finished = (
            update(JobRun.__table__)
            .where(runs.name == name, runs.owner == self.owner)
            .values(lease_until=None, last_finished_at=self.clock())
        )
        with self.engine.begin() as connection:
            connection.execute(finished)

    @contextmanager
    def holding(self, name: str) -> Iterator[None]:
        """Renew the lease in the background while the body runs, then release it."""
        done = threading.Event()

        def heartbeat() -> None:
            while not done.wait(self.lease.total_seconds() / 3):
                try:
                    if not self.renew(name):
                        log.warning("job %s: lease lost by %s", name, self.owner)
                        return
                except Exception:
                    log.exception("job %s: lease renewal failed", name)

        beat = threading.Thread(target=heartbeat, name=f"lease: {name}", daemon=True)
        beat.start()
        try:
            yield
        finally:
            done.set()
            beat.join()
            self.release(name)
