"""The cadence engine: an enterprise's periodic obligations, their next due dates and states."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from .cadence_table import (
    CADENCE_RULES,
    DUE_SOON_DAYS,
    DUE_SOON_DAYS_OTHERWISE,
    DeadlineRule,
    IntervalRule,
)

STATES = ("ok", "due_soon", "overdue")  # in order of urgency: a later day never lowers the rank


@dataclass(frozen=True)
class Obligation:
    """One applicable row for one enterprise: when it was last done, when next due, how urgent."""

    key: str
    label_zh: str
    label_en: str
    interval_months: int  # for a deadline rule, the length of its reporting period
    last_done: date | None
    next_due: date
    state: str
    kind: str  # "interval" or "deadline"
    who: tuple[str, ...]
    source: str
    verified: bool
    due_soon_days: int


def add_months(day: date, months: int) -> date:
    """Add calendar months, clamping to the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_soon_days_for(months: int) -> int:
    """Return how many days ahead an obligation repeating every `months` months turns due_soon."""
    for at_most, days in DUE_SOON_DAYS:
        if months <= at_most:
            return days
    return DUE_SOON_DAYS_OTHERWISE


def state_of(next_due: date, today: date, due_soon_days: int) -> str:
    """Return ok, due_soon (within due_soon_days, the due day included) or overdue (after it)."""
    if today > next_due:
        return "overdue"
    if (next_due - today).days <= due_soon_days:
        return "due_soon"
    return "ok"


def applies(rule: IntervalRule | DeadlineRule, flags: frozenset[str]) -> bool:
    """Tell whether a rule binds an enterprise with these flags."""
    return not rule.applies_when or bool(rule.applies_when & flags)


def interval_for(rule: IntervalRule, flags: frozenset[str]) -> int:
    """Return the rule's interval for these flags: the strictest matching override, else the default."""
    matching = [o.interval_months for o in rule.overrides if o.any_of & flags]
    return min(matching, default=rule.interval_months)


def period_deadline(rule: DeadlineRule, day: date) -> date:
    """Return the deadline of the report for the period that contains `day`."""
    first_month = (day.month - 1) // rule.period_months * rule.period_months + 1
    after = add_months(date(day.year, first_month, 1), rule.period_months)
    return date(
        after.year, after.month, min(rule.deadline_day, calendar.monthrange(after.year, after.month)[1])
    )


def next_deadline(rule: DeadlineRule, last_done: date | None, today: date, since: date | None) -> date:
    """Return the next report deadline: that of the period in progress when last reported."""
    # A report covers the last completed period, so the period in progress on its day is owed next;
    # never reported, the period containing `since` is owed, or without `since` the last completed one.
    if last_done is not None:
        return period_deadline(rule, last_done)
    if since is not None:
        return period_deadline(rule, since)
    return period_deadline(rule, add_months(today, -rule.period_months))


def next_interval_due(months: int, last_done: date | None, today: date, since: date | None) -> date:
    """Return last_done + interval; never done, since + interval, or today when since is unknown."""
    if last_done is not None:
        return add_months(last_done, months)
    if since is not None:
        return add_months(since, months)
    return today


def obligation_for(
    rule: IntervalRule | DeadlineRule,
    flags: frozenset[str],
    last: date | None,
    today: date,
    since: date | None,
) -> Obligation:
    """Compute one rule's obligation for one enterprise."""
    if isinstance(rule, IntervalRule):
        months, kind = interval_for(rule, flags), "interval"
        due = next_interval_due(months, last, today, since)
    else:
        months, kind = rule.period_months, "deadline"
        due = next_deadline(rule, last, today, since)
    soon = rule.due_soon_days if rule.due_soon_days is not None else due_soon_days_for(months)
    return Obligation(
        key=rule.key,
        label_zh=rule.label_zh,
        label_en=rule.label_en,
        interval_months=months,
        last_done=last,
        next_due=due,
        state=state_of(due, today, soon),
        kind=kind,
        who=rule.who,
        source=rule.source,
        verified=rule.verified,
        due_soon_days=soon,
    )


def obligations(
    flags: Iterable[str],
    last_done: Mapping[str, date | None],
    today: date,
    since: date | None = None,
    rules: Iterable[IntervalRule | DeadlineRule] = CADENCE_RULES,
) -> list[Obligation]:
    """Return every obligation that applies to an enterprise with these flags, in table order."""
    held = frozenset(flags)
    return [
        obligation_for(rule, held, last_done.get(rule.key), today, since)
        for rule in rules
        if applies(rule, held)
    ]


RULES_BY_KEY = {rule.key: rule for rule in CADENCE_RULES}


def due_soon_days_of(key: str, months: int) -> int:
    """Return how many days before its due date the obligation of that key and interval turns due_soon."""
    rule = RULES_BY_KEY.get(key)
    if rule is not None and rule.due_soon_days is not None:
        return rule.due_soon_days
    return due_soon_days_for(months)


def next_state_change(next_due: date, due_soon_days: int, today: date) -> date | None:
    """Return the first day after `today` on which the obligation's state changes by time alone."""
    turns = (next_due - timedelta(days=due_soon_days), next_due + timedelta(days=1))
    return min((day for day in turns if day > today), default=None)
