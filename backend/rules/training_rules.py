"""The training session workflow as data: states, who may send each command, and the state it leads to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .roles import ENTERPRISE_ROLES, MANAGER_ROLES
from .training_requirements import MAX_SCORE, PASS_MARK, passes

STATUSES = ("scheduled", "closed", "cancelled")
SIGN_IN_METHODS = ("qr", "tick")
MIN_HOURS, MAX_HOURS = 0.5, 200

# command -> {state before: state after}; None is "does not exist yet".
TRANSITIONS: dict[str, dict[str | None, str]] = {
    "training.schedule": {None: "scheduled"},
    "training.sign_in": {"scheduled": "scheduled"},
    "training.tick": {"scheduled": "scheduled"},
    # Exams are often marked after the session is closed.
    "training.score": {"scheduled": "scheduled", "closed": "closed"},
    "training.close": {"scheduled": "closed"},
    "training.cancel": {"scheduled": "cancelled"},
}

# Who may send a command (roles of the session's enterprise; the engine hides other enterprises).
ALLOWED: dict[str, tuple[str, ...]] = {
    "training.schedule": MANAGER_ROLES,
    "training.sign_in": ENTERPRISE_ROLES,
    "training.tick": MANAGER_ROLES,
    "training.score": MANAGER_ROLES,
    "training.close": MANAGER_ROLES,
    "training.cancel": MANAGER_ROLES,
}

# Commands allowed only while nobody has signed in: a session people attended is closed, not cancelled.
ONLY_WITHOUT_ATTENDEES = frozenset({"training.cancel"})

__all__ = ["MAX_SCORE", "PASS_MARK", "Decision", "attendee", "decide", "passes"]


@dataclass(frozen=True)
class Decision:
    """The rule's answer: an outcome code (None when allowed) and the next state."""

    code: str | None
    next_state: str | None = None


def decide(command: str, role: str, session: dict[str, Any] | None) -> Decision:
    """Decide a training command: forbidden first, then conflict, else the next state."""
    if role not in ALLOWED[command]:
        return Decision("forbidden")
    state = session.get("status") if session else None
    transitions = TRANSITIONS[command]
    if state not in transitions:
        return Decision("conflict")
    if command in ONLY_WITHOUT_ATTENDEES and session and session.get("attendees"):
        return Decision("conflict")
    return Decision(None, transitions[state])


def attendee(session: dict[str, Any], user_id: str) -> dict[str, Any] | None:
    """Return a person's attendance entry in a session, or None when they have not signed in."""
    return next((a for a in session.get("attendees", []) if a.get("user_id") == user_id), None)
