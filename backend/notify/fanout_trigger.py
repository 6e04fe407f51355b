"""Run the notice fan-out right after the commit that recorded a notice (embedded default), once per process.

A push asks for it with request_fan_out(session); when that session commits, the job starts on one
background thread of this process (or as a job on the Redis queue, inline, or not at all:
NOTICE_FANOUT_AFTER_COMMIT). Several web workers kicking at once are harmless: each chunk is claimed in
the database, and the notify tick runs the same job as a safety net for a kick lost to a crash.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

REQUESTED = "notice_fanout_requested"
MODES = ("thread", "queue", "inline", "off")
_installed = False


def request_fan_out(session: Session) -> None:
    """Ask for the fan-out job once this session's transaction commits."""
    install()
    session.info[REQUESTED] = True


def install() -> None:
    """Listen for commits of every Session (a no-op for those that asked nothing)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    _installed = True


def _after_rollback(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(REQUESTED, None)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        # A savepoint was released (SQLAlchemy signals that as a commit too): the push is still open.
        return
    if not session.info.pop(REQUESTED, False) or not has_app_context():
        return
    app = current_app._get_current_object()
    mode = app.config.get("NOTICE_FANOUT_AFTER_COMMIT", "thread")
    if mode == "inline":
        run(app)
    elif mode == "thread":
        _RUNNER.kick(app)
    elif mode == "queue":
        from ..jobqueue.triggers import request_after_commit

        request_after_commit("fanout", app)


def run(app: Flask) -> int:
    """Run the fan-out now on a session of its own; return how many inboxes it wrote (0 on failure)."""
    from ..extensions import db
    from .notice_fanout import fan_out_pending

    with app.app_context():
        try:
            with Session(db.engine) as session:
                return fan_out_pending(session)
        except Exception:
            log.exception("notice fan-out failed; the notify tick will resume it")
            return 0


class _Runner:
    """One background thread per process; kicks while it runs make it go round once more."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.wanted = False
        self.thread: threading.Thread | None = None

    def kick(self, app: Flask) -> threading.Thread:
        """Make sure the job runs (again) after this moment; return the thread doing it."""
        with self.lock:
            self.wanted = True
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._loop, args=(app,), name="notice fan-out", daemon=True
                )
                self.thread.start()
            return self.thread

    def _loop(self, app: Flask) -> None:
        while True:
            with self.lock:
                if not self.wanted:
                    self.thread = None
                    return
                self.wanted = False
            run(app)


_RUNNER = _Runner()
