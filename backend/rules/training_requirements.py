"""Safety training hours by role and industry, and the exam rule (pass mark, one retake, retraining)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class HoursRule:
    """Training hours for a role: initial in the year of hire or appointment, yearly after that."""

    role: str
    initial_hours: int
    yearly_hours: int
    source: str
    any_of: frozenset[str] = frozenset()  # flags selecting this row; empty is the default row
    label_zh: str = ""
    verified: bool = True
    note: str = ""


SOURCE_ORDER_3 = "安监总局令第3号 (生产经营单位安全培训规定)"
METAL_SMELTING = frozenset({"metal_smelting"})

# The first row whose flags match wins, so flag rows come before their role's default row.
HOURS_RULES: tuple[HoursRule, ...] = (
    HoursRule("principal", 48, 16, SOURCE_ORDER_3, METAL_SMELTING, "主要负责人（金属冶炼）"),
    HoursRule("principal", 32, 12, SOURCE_ORDER_3, label_zh="主要负责人"),
    HoursRule("officer", 48, 16, SOURCE_ORDER_3, METAL_SMELTING, "安全生产管理人员（金属冶炼）"),
    HoursRule("officer", 32, 12, SOURCE_ORDER_3, label_zh="安全生产管理人员"),
    HoursRule("worker", 72, 20, SOURCE_ORDER_3, METAL_SMELTING, "新上岗从业人员三级安全教育（金属冶炼）"),
    # 令第3号 Art.13 sets 72 h / 20 h only for the high-risk trades (金属冶炼 here); other workers owe 8 h a
    # year. Issue 9: told 20 h before.
    HoursRule(
        "worker",
        24,
        8,
        SOURCE_ORDER_3 + "; 安委〔2012〕10号",
        label_zh="新上岗从业人员三级安全教育",
        verified=False,
        note="8 h yearly as domain.md cites 安委〔2012〕10号; that text could not be reached here to check",
    ),
)

PASS_MARK = 80
MAX_SCORE = 100
EXAM_SOURCE = "特种作业人员安全技术培训考核管理规定 考试办法"
EXAM_VERIFIED = False
EXAM_STATES = ("not_taken", "passed", "retake_allowed", "retraining_required")

# (state before, passed?) -> state after. One retake: a fail after a fail means retraining (脱产培训),
# and the exam after retraining starts a fresh pair of attempts; any pass clears everything.
EXAM_TRANSITIONS: dict[tuple[str, bool], str] = {
    ("not_taken", True): "passed",
    ("not_taken", False): "retake_allowed",
    ("passed", True): "passed",
    ("passed", False): "retake_allowed",
    ("retake_allowed", True): "passed",
    ("retake_allowed", False): "retraining_required",
    ("retraining_required", True): "passed",
    ("retraining_required", False): "retake_allowed",
}


@dataclass(frozen=True)
class ExamStatus:
    """Where a person stands after their exam attempts."""

    state: str
    last_score: int | None
    last_taken_on: date | None

    @property
    def may_sit_exam(self) -> bool:
        """Tell whether the next attempt may be sat without retraining first."""
        return self.state != "retraining_required"


def hours_rule(role: str, flags: Iterable[str]) -> HoursRule:
    """Return the hours row for a role in an enterprise with these flags."""
    held = frozenset(flags)
    for rule in HOURS_RULES:
        if rule.role == role and (not rule.any_of or rule.any_of & held):
            return rule
    raise ValueError(f"no training hours rule for role {role!r}")


def required_hours(role: str, flags: Iterable[str], hired_on: date | None, year: int) -> int:
    """Return the training hours owed in `year`: initial in the year of hire, yearly after, none before."""
    rule = hours_rule(role, flags)
    if hired_on is None or year > hired_on.year:
        return rule.yearly_hours
    if year == hired_on.year:
        return rule.initial_hours
    return 0


def passes(score: int) -> bool:
    """Tell whether an exam score reaches the pass mark."""
    if not 0 <= score <= MAX_SCORE:
        raise ValueError(f"score {score} is outside 0..{MAX_SCORE}")
    return score >= PASS_MARK


def exam_status(attempts: Sequence[tuple[date, int]]) -> ExamStatus:
    """Replay exam attempts in date order through EXAM_TRANSITIONS."""
    state: str = "not_taken"
    last: tuple[date, int] | None = None
    for attempt in sorted(attempts, key=lambda a: a[0]):
        state, last = EXAM_TRANSITIONS[(state, passes(attempt[1]))], attempt
    return ExamStatus(state, last[1] if last else None, last[0] if last else None)


def next_hours_year(today: date) -> date:
    """Return the day the yearly hours count starts afresh (1 January of next year)."""
    return date(today.year + 1, 1, 1)
