"""Reminders as data: when each kind is sent, to which roles, and the claim key that sends it once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

# Cadence obligations that remind, by obligation key: (notification kind, recipient roles). Obligations not
# listed here (ledger update, statistics reports…) show in `due` and the digests but send no reminder.
OBLIGATION_REMINDERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "evacuation_drill": ("drill_due", ("officer",)),
    "comprehensive_drill": ("drill_due", ("officer",)),
    "onsite_procedure_drill": ("drill_due", ("officer",)),
    "principal_inspection": ("inspection_due", ("principal", "officer")),
}
# Days before the due date on which an obligation reminds; 0 is the due day itself.
OBLIGATION_REMIND_DAYS = (14, 7, 0)
# While overdue, one reminder per this many days (the first on the day after the due date).
OVERDUE_REPEAT_DAYS = 7

# Hazard deadlines: an assigned hazard warns its assignee this many days before its due date.
HAZARD_REMINDER_STATUSES = ("assigned",)  # a rectified hazard waits for verification, not for work
HAZARD_WARN_DAYS = 2


@dataclass(frozen=True)
class EscalationStep:
    """One rung of the overdue-hazard ladder: who hears of it, how many days after the first overdue day."""

    name: str
    after_days: int
    audience: str  # "assignee", a role of the enterprise, or "bureau"
    kind: str
    major_only: bool = False


# Day 0 is the first day after the deadline. The bureau hears of an overdue MAJOR hazard on day +1, with the
# officers, not on day 0: a rectification done on the deadline day offline reaches the server with the next
# sync, often the next morning, and a bureau alarm for a hazard already fixed costs more trust than one day.
ESCALATION_LADDER: tuple[EscalationStep, ...] = (
    EscalationStep("assignee", 0, "assignee", "hazard_overdue"),
    EscalationStep("officer", 1, "officer", "hazard_escalated"),
    EscalationStep("bureau", 1, "bureau", "major_hazard_overdue", major_only=True),
    EscalationStep("principal", 3, "principal", "hazard_escalated"),
)

# 安监总局令第16号 Art.14¶2: the bureau hears of each open major hazard once, with the first notify tick after
# the push that reported it (the same day), whatever its deadline.
MAJOR_HAZARD_REPORT_AUDIENCE = ("bureau",)

# 预案管理办法 Art.33¶2 (生产安全事故应急条例 Art.8¶2): units such as metal smelters drill their plans every
# half year and report each drill to the county bureau. The drill record reaches the bureau as the report:
# obligation → the flags whose enterprises report it. Only a drill done in the last DRILL_REPORT_WITHIN_DAYS
# is reported (older ones were before this rule existed here).
DRILL_REPORTS: dict[str, frozenset[str]] = {"comprehensive_drill": frozenset({"metal_smelting"})}
DRILL_REPORT_AUDIENCE = ("bureau",)
DRILL_REPORT_WITHIN_DAYS = 30

CERTIFICATE_WARN_DAYS = 60  # 令第30号: apply for review or renewal within 60 days before the date
CERTIFICATE_AUDIENCE = ("holder", "officer")
RETRAINING_AUDIENCE = ("worker", "officer")
TRAINING_REMIND_DAYS_BEFORE = 1

# Digests go out on the first tick at or after this local hour (Asia/Shanghai): not at midnight.
DIGEST_HOUR = 8
WEEKLY_DIGEST_WEEKDAY = 0  # Monday: the weekly digest goes with the first tick of the week past DIGEST_HOUR


def obligation_occasion(next_due: date, today: date) -> str | None:
    """Return the reminder stage reached today ('d-14', 'd-7', 'd-0', 'overdue-wN'), or None before any."""
    days_left = (next_due - today).days
    if days_left < 0:
        return f"overdue-w{(-days_left - 1) // OVERDUE_REPEAT_DAYS}"
    # The latest stage reached: a tick that missed the 14th day still sends d-14 on the 13th, once.
    reached = [d for d in OBLIGATION_REMIND_DAYS if days_left <= d]
    return f"d-{min(reached)}" if reached else None


def hazard_warning_due(due_date: date, today: date) -> bool:
    """Tell whether a hazard's deadline warning is due today (within HAZARD_WARN_DAYS, deadline included)."""
    return 0 <= (due_date - today).days <= HAZARD_WARN_DAYS


def days_overdue(due_date: date, today: date) -> int | None:
    """Return the day of the ladder (0 = the first day after the deadline), or None when not overdue."""
    late = (today - due_date).days - 1
    return late if late >= 0 else None


def escalation_steps(severity: str, day: int) -> list[EscalationStep]:
    """Return every rung reached on that day of the ladder for a hazard of that severity."""
    return [
        step
        for step in ESCALATION_LADDER
        if step.after_days <= day and (not step.major_only or severity == "major")
    ]


def certificate_warning_due(expires_on: date, today: date) -> bool:
    """Tell whether a certificate's expiry warning is due (within CERTIFICATE_WARN_DAYS, not yet expired)."""
    return 0 <= (expires_on - today).days <= CERTIFICATE_WARN_DAYS


def training_tomorrow(scheduled_on: date, today: date) -> bool:
    """Tell whether a training session is held the day the invitees must be reminded for."""
    return (scheduled_on - today).days == TRAINING_REMIND_DAYS_BEFORE


def claim_key(kind: str, subject: str, occasion: str, recipient: str) -> str:
    """Build the stable key that lets one reminder to one recipient be sent once."""
    return f"{kind}:{subject}:{occasion}:{recipient}"


def iso_week(day: date) -> str:
    """Name the ISO week of a day, e.g. '2025-W09' (the weekly digest's period)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def iso_week_label(day: date) -> str:
    """Name the ISO week of a day as people read it, e.g. '2025年第10周' (iso_week keys the claims)."""
    year, week, _ = day.isocalendar()
    return f"{year}年第{week}周"


def digest_time_reached(local: datetime, weekly: bool = False) -> bool:
    """Tell whether a digest may go at this local time: past DIGEST_HOUR (weekly: of Monday, or later)."""
    if weekly and local.weekday() > WEEKLY_DIGEST_WEEKDAY:
        return True
    return local.hour >= DIGEST_HOUR


def _first_after(today: date, days) -> date | None:
    return min((day for day in days if day is not None and day > today), default=None)


def next_obligation_occasion(next_due: date, today: date) -> date | None:
    """Return the first day after today on which an obligation reaches a new reminder stage."""
    if today <= next_due:
        starts = [next_due - timedelta(days=d) for d in OBLIGATION_REMIND_DAYS]
        return _first_after(today, [*starts, next_due + timedelta(days=1)])
    week = (today - next_due).days - 1
    return next_due + timedelta(days=1 + OVERDUE_REPEAT_DAYS * (week // OVERDUE_REPEAT_DAYS + 1))


def next_hazard_occasion(due_date: date, severity: str, today: date) -> date | None:
    """Return the first day after today on which a hazard's warning or a rung of its ladder starts."""
    rungs = [
        due_date + timedelta(days=1 + step.after_days)
        for step in ESCALATION_LADDER
        if not step.major_only or severity == "major"
    ]
    return _first_after(today, [due_date - timedelta(days=HAZARD_WARN_DAYS), *rungs])


def next_certificate_occasion(expires_on: date, today: date) -> date | None:
    """Return the day a certificate's expiry warning starts, when after today."""
    return _first_after(today, [expires_on - timedelta(days=CERTIFICATE_WARN_DAYS)])


def next_training_occasion(scheduled_on: date, today: date) -> date | None:
    """Return the day a training session's invitees are reminded, when after today."""
    return _first_after(today, [scheduled_on - timedelta(days=TRAINING_REMIND_DAYS_BEFORE)])
