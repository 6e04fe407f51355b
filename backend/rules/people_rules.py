"""Who may manage enterprises, people and certificates, as data; the username and password rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from .patterns import TEXT_END
from .roles import ENTERPRISE_ROLES, MANAGER_ROLES, ROLES

# Dates in docs/commands.md are Asia/Shanghai calendar days (UTC+8 all year: China has no DST).
CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")

USERNAME_PATTERN = re.compile(r"^[a-z0-9._-]{3,64}$" + TEXT_END)
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128

BUREAU = ("bureau",)
OFFICE = (*MANAGER_ROLES, "bureau")

# Who may send each command, by role.
ALLOWED: dict[str, tuple[str, ...]] = {
    "enterprise.register": BUREAU,
    "enterprise.update": BUREAU,
    "enterprise.confirm_ledger": OFFICE,
    "user.create": OFFICE,
    "user.update": OFFICE,
    "user.reset_password": OFFICE,
    "user.deactivate": OFFICE,
    "user.reactivate": OFFICE,
    "certificate.record": MANAGER_ROLES,
    "certificate.review": MANAGER_ROLES,
    "certificate.renew": MANAGER_ROLES,
    "certificate.revoke": MANAGER_ROLES,
}
# Roles that may act on any enterprise; the others only on their own.
ANY_ENTERPRISE = BUREAU
# Roles of the people user.* commands manage: the bureau's own accounts are not managed by commands.
MANAGED_ROLES = ENTERPRISE_ROLES
# Roles each sender may give with user.create or user.update.
GRANTABLE_ROLES: dict[str, tuple[str, ...]] = {
    "bureau": ENTERPRISE_ROLES,
    "officer": ENTERPRISE_ROLES,
    "principal": ENTERPRISE_ROLES,
}
# Commands nobody may send about themselves.
NOT_ON_ONESELF = ("user.deactivate", "user.reactivate")
# The `active` a user must have for the command, else conflict.
ACTIVE_BEFORE: dict[str, bool] = {"user.deactivate": True, "user.reactivate": False}

CERTIFICATE_STATUSES = ("valid", "revoked")
# command -> {status before: status after}; None is "does not exist yet".
CERTIFICATE_TRANSITIONS: dict[str, dict[str | None, str]] = {
    "certificate.record": {None: "valid"},
    "certificate.review": {"valid": "valid"},
    "certificate.renew": {"valid": "valid"},
    "certificate.revoke": {"valid": "revoked"},
}


@dataclass(frozen=True)
class Person:
    """A sender or a target of a command: enough to decide who may do what to whom."""

    id: str
    role: str | None
    enterprise_id: str | None
    active: bool = True


def is_valid_username(username: object) -> bool:
    """Tell whether a username is 3–64 characters of a-z, 0-9, '.', '_' and '-'."""
    return isinstance(username, str) and USERNAME_PATTERN.match(username) is not None


def local_day(moment: datetime) -> date:
    """Return the Asia/Shanghai calendar day of a moment."""
    return moment.astimezone(CHINA_TIME).date()


def _reaches(actor: Person, enterprise_id: str | None) -> bool:
    return actor.role in ANY_ENTERPRISE or (
        actor.enterprise_id is not None and actor.enterprise_id == enterprise_id
    )


def enterprise_decision(command: str, actor: Person, enterprise_id: str | None) -> str | None:
    """Decide an enterprise command: 'forbidden', or None when allowed."""
    if actor.role not in ALLOWED[command]:
        return "forbidden"
    if command != "enterprise.register" and not _reaches(actor, enterprise_id):
        return "forbidden"
    return None


def user_decision(command: str, actor: Person, target: Person, new_role: object = None) -> str | None:
    """Decide a user command about target: 'forbidden', then 'conflict', or None when allowed."""
    if actor.role not in ALLOWED[command] or not _reaches(actor, target.enterprise_id):
        return "forbidden"
    if command != "user.create" and target.role not in MANAGED_ROLES:
        return "forbidden"
    oneself = actor.id == target.id
    if oneself and command in NOT_ON_ONESELF:
        return "forbidden"
    if new_role is not None and new_role != target.role:
        if oneself or (new_role in ROLES and new_role not in GRANTABLE_ROLES.get(actor.role or "", ())):
            return "forbidden"
    if command in ACTIVE_BEFORE and target.active != ACTIVE_BEFORE[command]:
        return "conflict"
    return None


def certificate_decision(command: str, actor: Person, status: str | None) -> tuple[str | None, str | None]:
    """Decide a certificate command: (rejection code, None) or (None, the status after)."""
    if actor.role not in ALLOWED[command]:
        return "forbidden", None
    transitions = CERTIFICATE_TRANSITIONS[command]
    if status not in transitions:
        return "conflict", None
    return None, transitions[status]
