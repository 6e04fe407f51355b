"""The drill workflow as data: drill types and the obligations they fulfil, transitions, who may act."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .hazard_rules import Decision
from .roles import MANAGER_ROLES


@dataclass(frozen=True)
class DrillType:
    """A kind of emergency drill and the cadence obligations (cadence_table keys) one of it fulfils."""

    key: str
    label_zh: str
    label_en: str
    fulfils: tuple[str, ...]


# 预案管理办法 Art.33 asks for a comprehensive OR specialised (综合或专项) plan drill every year, so every
# specialised scenario (fire, gas leak, molten metal, confined-space rescue) counts towards
# `comprehensive_drill`; only an evacuation drill fulfils `evacuation_drill` (notice §(七)) and only an
# on-site procedure drill (现场处置方案) fulfils `onsite_procedure_drill`.
DRILL_TYPES: tuple[DrillType, ...] = (
    DrillType("evacuation", "疏散逃生演练", "Evacuation drill", ("evacuation_drill",)),
    DrillType("fire", "消防演练", "Fire drill", ("comprehensive_drill",)),
    DrillType("gas_leak", "煤气泄漏演练", "Gas leak drill", ("comprehensive_drill",)),
    DrillType("molten_metal", "熔融金属喷溅演练", "Molten metal splash drill", ("comprehensive_drill",)),
    DrillType(
        "confined_space_rescue",
        "有限空间救援演练",
        "Confined-space rescue drill",
        ("comprehensive_drill",),
    ),
    DrillType("comprehensive", "综合应急预案演练", "Comprehensive plan drill", ("comprehensive_drill",)),
    DrillType("specialised", "专项应急预案演练", "Specialised plan drill", ("comprehensive_drill",)),
    DrillType(
        "onsite_procedure",
        "现场处置方案演练",
        "On-site procedure drill",
        ("onsite_procedure_drill",),
    ),
)
DRILL_TYPE_KEYS = tuple(drill_type.key for drill_type in DRILL_TYPES)

STATUSES = ("planned", "running", "ended", "evaluated", "cancelled")
CHECK_IN_METHODS = ("tick", "qr")

# command -> {state before: state after}; None is "does not exist yet".
TRANSITIONS: dict[str, dict[str | None, str]] = {
    "drill.plan": {None: "planned"},
    "drill.start": {"planned": "running"},
    "drill.check_in": {"running": "running"},
    "drill.end": {"running": "ended"},
    # Photos may be added before, during and after the drill, never to a cancelled one.
    "drill.add_photos": {state: state for state in STATUSES if state != "cancelled"},
    "drill.evaluate": {"ended": "evaluated"},
    "drill.cancel": {"planned": "cancelled"},
}

# Who may send each command: every drill command is run by the enterprise's officers and principal.
ALLOWED: dict[str, tuple[str, ...]] = {command: MANAGER_ROLES for command in TRANSITIONS}


def decide(command: str, role: str, drill: dict | None) -> Decision:
    """Decide a drill command: forbidden first, then conflict, else the next state."""
    if role not in ALLOWED[command]:
        return Decision("forbidden")
    state = drill.get("status") if drill else None
    transitions = TRANSITIONS[command]
    if state not in transitions:
        return Decision("conflict")
    return Decision(None, transitions[state])


def fulfilled_obligations(drill_type: str) -> tuple[str, ...]:
    """Return the cadence obligation keys a drill of this type fulfils (none for an unknown type)."""
    for known in DRILL_TYPES:
        if known.key == drill_type:
            return known.fulfils
    return ()


def missing_ids(expected_ids: Iterable[str], checked_in_ids: Iterable[str]) -> list[str]:
    """Return the expected people who did not check in, in the expected list's order."""
    present = set(checked_in_ids)
    return [user_id for user_id in expected_ids if user_id not in present]


def evacuation_seconds(started_at: datetime, ended_at: datetime, check_in_times: Iterable[datetime]) -> int:
    """Return seconds from start to the last check-in (to the end when nobody checked in), never negative."""
    times = list(check_in_times)
    last = max(times) if times else ended_at
    return max(0, round((last - started_at).total_seconds()))
