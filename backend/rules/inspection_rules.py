"""The inspection workflow as data: kinds and their leaders, states, results, an enterprise's checklist."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .major_hazard_criteria import Criterion, criteria_for

KINDS = ("principal", "self_check", "enforcement")
STATUSES = ("in_progress", "finished")
RESULTS = ("pass", "fail", "na")
# 逢查必考: the bureau quizzes the principal on the major-hazard criteria; same 80-of-100 bar as the exams.
QUIZ_PASS_MARK = 80
QUIZ_MAX_SCORE = 100

# Who may start (and so lead) an inspection of each kind: 主要负责人带队检查 is the principal's own duty.
LEADER_ROLES: dict[str, tuple[str, ...]] = {
    "principal": ("principal",),
    "self_check": ("officer", "principal"),
    "enforcement": ("bureau",),
}

# command -> {state before: state after}; None is "does not exist yet".
TRANSITIONS: dict[str, dict[str | None, str]] = {
    "inspection.start": {None: "in_progress"},
    "inspection.record_item": {"in_progress": "in_progress"},
    "inspection.record_quiz": {"in_progress": "in_progress"},
    "inspection.finish": {"in_progress": "finished"},
}

# Who may send a command to an existing inspection: "@leader" is the person who started it;
# "bureau@enforcement" reads "a bureau user, on an enforcement inspection".
ALLOWED: dict[str, tuple[str, ...]] = {
    "inspection.record_item": ("@leader",),
    "inspection.record_quiz": ("bureau@enforcement",),
    "inspection.finish": ("@leader",),
}


@dataclass(frozen=True)
class Decision:
    """The rule's answer: an outcome code (None when allowed) and the next state."""

    code: str | None
    next_state: str | None = None


def may_lead(kind: str, role: str) -> bool:
    """Tell whether a role may start an inspection of a kind."""
    return role in LEADER_ROLES.get(kind, ())


def roles_leading_any() -> set[str]:
    """Return every role that may start some kind of inspection."""
    return {role for roles in LEADER_ROLES.values() for role in roles}


def _matches(allowed: tuple[str, ...], role: str, is_leader: bool, kind: str | None) -> bool:
    return any(
        (rule == "@leader" and is_leader) or rule == role or rule == f"{role}@{kind}" for rule in allowed
    )


def decide(command: str, role: str, user_id: str, inspection: dict[str, Any]) -> Decision:
    """Decide a command on an existing inspection: forbidden first, then conflict, else the next state."""
    is_leader = inspection.get("led_by") == user_id
    if not _matches(ALLOWED[command], role, is_leader, inspection.get("kind")):
        return Decision("forbidden")
    state = inspection.get("status")
    if state not in TRANSITIONS[command]:
        return Decision("conflict")
    return Decision(None, TRANSITIONS[command][state])


def criterion_item(criterion: Criterion) -> dict[str, Any]:
    """Return a criterion as a checklist item."""
    return {
        "id": criterion.id,
        "article": criterion.article,
        "item": criterion.item,
        "text": criterion.text,
        "industry": criterion.industry,
        "major": criterion.major,
        "verified": criterion.verified,
    }


def checklist_for(industry: str | None, flags: Iterable[str]) -> list[dict[str, Any]]:
    """Return the checklist items of an enterprise of this industry with these process flags."""
    return [criterion_item(c) for c in criteria_for(industry, flags)]


def inspection_items(checklist: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return an inspection's unanswered items copied from a checklist."""
    return [
        {
            "id": item["id"],
            "article": item["article"],
            "item": item["item"],
            "text": item["text"],
            "major": item["major"],
            # An item whose text is not confirmed against the gazette stays marked (待核实) in the record.
            "verified": item["verified"],
            "result": None,
            "note": None,
            "photos": [],
            "hazard_id": None,
        }
        for item in checklist
    ]


def quiz_passes(score: int) -> bool:
    """Tell whether a principal's quiz score reaches the pass mark."""
    if not 0 <= score <= QUIZ_MAX_SCORE:
        raise ValueError(f"score {score} is outside 0..{QUIZ_MAX_SCORE}")
    return score >= QUIZ_PASS_MARK


def criterion_of(item: dict[str, Any]) -> str:
    """Return the `article.item` a hazard made from an inspection item cites."""
    return item["id"]
