"""The hazard workflow as data: who may send each command, and which state it leads to."""

from __future__ import annotations

from dataclasses import dataclass

from .roles import ENTERPRISE_ROLES, MANAGER_ROLES

SEVERITIES = ("general", "major")
STATUSES = ("reported", "assigned", "rectified", "closed", "dismissed")

# command -> {state before: state after}; None is "does not exist yet".
TRANSITIONS: dict[str, dict[str | None, str]] = {
    "hazard.report": {None: "reported"},
    "hazard.assign": {"reported": "assigned", "assigned": "assigned"},
    "hazard.rectify": {"assigned": "rectified", "reported": "rectified"},
    "hazard.verify": {"rectified": "closed"},
    "hazard.dismiss": {"reported": "dismissed"},
}
# A verification that does not accept sends the hazard back to its assignee.
VERIFY_SENT_BACK = "assigned"
# 立查立改: only a general hazard may be fixed on the spot without being assigned first.
RECTIFY_UNASSIGNED_SEVERITIES = ("general",)

# Who may send a command: role names, or "@relation" of the person to the hazard.
ALLOWED: dict[str, tuple[str, ...]] = {
    "hazard.report": ENTERPRISE_ROLES,
    "hazard.assign": MANAGER_ROLES,
    "hazard.rectify": ("officer", "@assignee", "@reporter"),
    "hazard.verify": MANAGER_ROLES,
    "hazard.dismiss": MANAGER_ROLES,
}
# Narrower rules in given states: from `assigned` only the assignee (or an officer) rectifies.
ALLOWED_IN_STATE: dict[tuple[str, str], tuple[str, ...]] = {
    ("hazard.rectify", "assigned"): ("officer", "@assignee"),
    ("hazard.rectify", "reported"): ("officer", "@reporter"),
}
# Relations that forbid a command even to an allowed role: nobody verifies their own fix.
DENIED: dict[str, tuple[str, ...]] = {"hazard.verify": ("@rectifier",)}


@dataclass(frozen=True)
class Decision:
    """The rule's answer: an outcome code (None when allowed) and the next state."""

    code: str | None
    next_state: str | None = None


def relations_of(user_id: str, hazard: dict | None) -> set[str]:
    """Return how a person relates to a hazard: reporter, assignee, rectifier."""
    if not hazard:
        return set()
    found = set()
    if hazard.get("reported_by") == user_id:
        found.add("reporter")
    if hazard.get("assignee_id") == user_id:
        found.add("assignee")
    if (hazard.get("rectification") or {}).get("by") == user_id:
        found.add("rectifier")
    return found


def _matches(allowed: tuple[str, ...], role: str, relations: set[str]) -> bool:
    return role in allowed or any("@" + r in allowed for r in relations)


def decide(command: str, role: str, relations: set[str], hazard: dict | None) -> Decision:
    """Decide a hazard command: forbidden first, then conflict, else the next state."""
    state = hazard.get("status") if hazard else None
    allowed = ALLOWED_IN_STATE.get((command, state), ALLOWED[command])
    if not _matches(allowed, role, relations) or _matches(DENIED.get(command, ()), "", relations):
        return Decision("forbidden")
    transitions = TRANSITIONS[command]
    if state not in transitions:
        return Decision("conflict")
    if command == "hazard.rectify" and state == "reported":
        if hazard.get("severity") not in RECTIFY_UNASSIGNED_SEVERITIES:
            return Decision("conflict")
    return Decision(None, transitions[state])


def state_after_verify(decision: Decision, accepted: bool) -> str:
    """Accepted closes the hazard; otherwise it goes back to its assignee."""
    return decision.next_state if accepted else VERIFY_SENT_BACK
