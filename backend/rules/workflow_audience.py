"""Who hears of each workflow step: a little data, and the records' own permission rules (one place each)."""

from __future__ import annotations

from collections.abc import Iterable

from . import hazard_rules, lockout_rules
from .roles import MANAGER_ROLES

# (user id, role) of each active person of the enterprise.
Person = tuple[str, str]

# A new report goes to the enterprise's safety officers; an enterprise without one: to whoever may assign.
REPORT_AUDIENCE = ("officer",)
# Anyone who applied none of a lockout's locks may confirm it (lockout_rules.DENIED), but paging the whole
# workforce for each lockout teaches people to ignore the page: the managers among those who may confirm
# hear of it, and everyone who may confirm only when no manager may.
LOCKOUT_CONFIRM_AUDIENCE = MANAGER_ROLES


def _allowed(decide, command: str, relations_of, record: dict, people: Iterable[Person]) -> list[str]:
    """Return the people the record's rules let send a command to it now."""
    return [
        user_id
        for user_id, role in people
        if decide(command, role, relations_of(user_id, record), record).code is None
    ]


def report_audience(hazard: dict, people: list[Person]) -> list[str]:
    """Return who hears of a new hazard: the officers, else whoever may assign it."""
    officers = [user_id for user_id, role in people if role in REPORT_AUDIENCE]
    return officers or _allowed(
        hazard_rules.decide, "hazard.assign", hazard_rules.relations_of, hazard, people
    )


def hazard_verifiers(hazard: dict, people: list[Person]) -> list[str]:
    """Return who may verify a rectified hazard (managers, never its rectifier)."""
    return _allowed(hazard_rules.decide, "hazard.verify", hazard_rules.relations_of, hazard, people)


def verification_audience(hazard: dict) -> list[str]:
    """Return who hears of a verification: rectifier, reporter, and on a send-back the assignee."""
    verification = hazard.get("verification") or {}
    found = [(hazard.get("rectification") or {}).get("by"), hazard.get("reported_by")]
    if verification.get("accepted") is False:
        found.append(hazard.get("assignee_id"))  # the work is theirs again
    return [user_id for user_id in dict.fromkeys(found) if user_id]


def lockout_confirmers(lockout: dict, people: list[Person]) -> list[str]:
    """Return who is asked for a lockout's second-person confirmation."""
    allowed = set(
        _allowed(lockout_rules.decide, "lockout.confirm", lockout_rules.relations_of, lockout, people)
    )
    managers = [
        user_id for user_id, role in people if user_id in allowed and role in LOCKOUT_CONFIRM_AUDIENCE
    ]
    return managers or [user_id for user_id, _ in people if user_id in allowed]
