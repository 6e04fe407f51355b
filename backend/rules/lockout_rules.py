"""Lockout-tagout as data: energy and work types, lockout states, transitions and who may act."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .hazard_rules import Decision
from .roles import ENTERPRISE_ROLES, MANAGER_ROLES


@dataclass(frozen=True)
class Label:
    """A code with its zh-CN and English names."""

    key: str
    label_zh: str
    label_en: str


ENERGY_TYPES: tuple[Label, ...] = (
    Label("electrical", "电能", "Electrical"),
    Label("mechanical", "机械能", "Mechanical"),
    Label("hydraulic", "液压", "Hydraulic"),
    Label("pneumatic", "气动", "Pneumatic"),
    Label("gas", "煤气/气体", "Gas"),
    Label("thermal", "热能", "Thermal"),
    Label("chemical", "化学能", "Chemical"),
    Label("gravity", "重力势能", "Gravity"),
)
ENERGY_TYPE_KEYS = tuple(label.key for label in ENERGY_TYPES)

WORK_TYPES: tuple[Label, ...] = (
    Label("maintenance", "检维修作业", "Maintenance"),
    Label("confined_space", "有限空间作业", "Confined-space entry"),
    Label("hot_work", "动火作业", "Hot work"),
    Label("other", "其他作业", "Other work"),
)
WORK_TYPE_KEYS = tuple(label.key for label in WORK_TYPES)

STATUSES = ("applying", "locked", "verified", "safe_to_work", "releasing", "released")
RELEASED = "released"
ACTIVE_STATUSES = tuple(status for status in STATUSES if status != RELEASED)
# Reached instead of staying put: the last point locked, the last lock removed.
ALL_POINTS_LOCKED = "locked"
ALL_LOCKS_REMOVED = RELEASED

# command -> {state before: state after}; None is "does not exist yet".
TRANSITIONS: dict[str, dict[str | None, str]] = {
    "lockout.open": {None: "applying"},
    "lockout.apply_lock": {"applying": "applying"},
    "lockout.verify_zero_energy": {"locked": "verified"},
    "lockout.confirm": {"verified": "safe_to_work"},
    "lockout.release": {"safe_to_work": "releasing"},
    "lockout.remove_lock": {"releasing": "releasing"},
}

# A lock comes off by its applier's hand; an officer may remove someone else's lock, giving a reason.
OVERRIDE_REMOVAL_ROLES = ("officer",)

# Who may send a command: role names, or "@relation" of the person to the lockout.
ALLOWED: dict[str, tuple[str, ...]] = {
    "lockout.open": ENTERPRISE_ROLES,
    "lockout.apply_lock": ENTERPRISE_ROLES,
    "lockout.verify_zero_energy": ENTERPRISE_ROLES,
    "lockout.confirm": ENTERPRISE_ROLES,
    "lockout.release": ENTERPRISE_ROLES,
    "lockout.remove_lock": ("@lock_applier", *OVERRIDE_REMOVAL_ROLES),
}
# Relations that forbid a command even to an allowed role: the confirmation is a second person's.
DENIED: dict[str, tuple[str, ...]] = {"lockout.confirm": ("@applier",)}

EQUIPMENT_COMMANDS = ("equipment.register", "equipment.update", "equipment.retire")
EQUIPMENT_ALLOWED: dict[str, tuple[str, ...]] = {command: MANAGER_ROLES for command in EQUIPMENT_COMMANDS}


def active_locks(locks: Iterable[dict]) -> list[dict]:
    """Return the locks not yet removed."""
    return [lock for lock in locks if not lock.get("removed_at")]


def lock_on(lockout: dict, point_id: object) -> dict | None:
    """Return the lock on a point (the active one when several), or None."""
    locks = [lock for lock in lockout.get("locks", []) if lock.get("point_id") == point_id]
    active = active_locks(locks)
    return (active or locks or [None])[-1]


def relations_of(user_id: str, lockout: dict | None, point_id: object = None) -> set[str]:
    """Return how a person relates to a lockout: applier of any lock, applier of the lock on point_id."""
    if not lockout:
        return set()
    found = set()
    if any(lock.get("applied_by") == user_id for lock in lockout.get("locks", [])):
        found.add("applier")
    lock = lock_on(lockout, point_id) if point_id is not None else None
    if lock and lock.get("applied_by") == user_id:
        found.add("lock_applier")
    return found


def _matches(allowed: tuple[str, ...], role: str, relations: set[str]) -> bool:
    return role in allowed or any("@" + r in allowed for r in relations)


def decide(command: str, role: str, relations: set[str], lockout: dict | None) -> Decision:
    """Decide a lockout command: forbidden first, then conflict, else the state it stays in or reaches."""
    if role not in ENTERPRISE_ROLES or not _matches(ALLOWED[command], role, relations):
        return Decision("forbidden")
    if _matches(DENIED.get(command, ()), "", relations):
        return Decision("forbidden")
    state = lockout.get("status") if lockout else None
    transitions = TRANSITIONS[command]
    if state not in transitions:
        return Decision("conflict")
    return Decision(None, transitions[state])


def decide_equipment(command: str, role: str) -> Decision:
    """Decide who may register, update or retire equipment."""
    return Decision(None) if role in EQUIPMENT_ALLOWED[command] else Decision("forbidden")


def needs_removal_reason(relations: set[str]) -> bool:
    """Tell whether removing the lock needs a reason: always, unless the remover applied it."""
    return "lock_applier" not in relations


def status_after_apply(locks: Iterable[dict], point_ids: Iterable[str], applying: str) -> str:
    """Return `locked` once every point of the equipment carries an active lock, else stay applying."""
    locked = {lock["point_id"] for lock in active_locks(locks)}
    return ALL_POINTS_LOCKED if set(point_ids) <= locked else applying


def status_after_remove(locks: Iterable[dict], releasing: str) -> str:
    """Return `released` once no lock is left on, else stay releasing."""
    return ALL_LOCKS_REMOVED if not active_locks(locks) else releasing


def locked_point_ids(lockouts: Iterable[dict], equipment_id: str) -> set[str]:
    """Return the points of one equipment carrying an active lock in a lockout not released."""
    return {
        lock["point_id"]
        for lockout in lockouts
        if lockout.get("equipment_id") == equipment_id and lockout.get("status") != RELEASED
        for lock in active_locks(lockout.get("locks", []))
    }


def has_active_lockout(lockouts: Iterable[dict], equipment_id: str) -> bool:
    """Tell whether a lockout on the equipment is not yet released."""
    return any(
        lockout.get("equipment_id") == equipment_id and lockout.get("status") != RELEASED
        for lockout in lockouts
    )
