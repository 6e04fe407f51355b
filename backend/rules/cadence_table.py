"""The enterprise cadence table of domain.md as data: intervals, flag overrides, deadlines, sources."""

from __future__ import annotations

from dataclasses import dataclass

WHO = ("enterprise", "principal", "bureau")

# How many days before a due date an obligation turns `due_soon`, by the length of its interval: a monthly
# inspection warned a month ahead would never be `ok`, a yearly drill warned a week ahead is warned too late.
# Read as (interval of at most N months, days); longer intervals use DUE_SOON_DAYS_OTHERWISE.
DUE_SOON_DAYS: tuple[tuple[int, int], ...] = ((1, 7), (3, 14))
DUE_SOON_DAYS_OTHERWISE = 30

# A major hazard's rectification deadline comes from its own plan (notice §(十二); 令第10号), not from this
# table; callers warn with this many days before it through cadence.state_of.
MAJOR_HAZARD_DUE_SOON_DAYS = 7
# The bureau's overview lists at most this many open major hazards (oldest first) beside their exact
# count: the list is a signal to act on, and the `due` document must not grow with a backlog.
MAJOR_HAZARD_LIST_LIMIT = 100


@dataclass(frozen=True)
class Override:
    """A different interval for enterprises carrying any of the given flags."""

    any_of: frozenset[str]
    interval_months: int


@dataclass(frozen=True)
class IntervalRule:
    """An obligation repeated every so many months after it was last done."""

    key: str
    label_zh: str
    label_en: str
    interval_months: int
    who: tuple[str, ...]
    source: str
    overrides: tuple[Override, ...] = ()
    applies_when: frozenset[str] = frozenset()  # any of these flags; empty means every enterprise
    note: str = ""
    verified: bool = True
    due_soon_days: int | None = None  # None: chosen from DUE_SOON_DAYS by the interval


@dataclass(frozen=True)
class DeadlineRule:
    """A report per calendar period, due on a fixed day of the month after the period ends."""

    key: str
    label_zh: str
    label_en: str
    period_months: int  # periods start on 1 January; 3 is a quarter, 12 a year
    deadline_day: int  # day of the month after the period; clamped to the month's last day
    who: tuple[str, ...]
    source: str
    applies_when: frozenset[str] = frozenset()
    note: str = ""
    verified: bool = True
    due_soon_days: int | None = None


HIGH_OCCUPANCY = frozenset({"metal_smelting", "labour_intensive", "factory_in_factory"})

INTERVAL_RULES: tuple[IntervalRule, ...] = (
    IntervalRule(
        key="evacuation_drill",
        label_zh="疏散逃生演练",
        label_en="Evacuation drill",
        interval_months=12,
        overrides=(Override(HIGH_OCCUPANCY, 6),),
        who=("enterprise",),
        source="notice §(七); 生产安全事故应急条例 Art.8",
    ),
    IntervalRule(
        key="comprehensive_drill",
        label_zh="综合或专项应急预案演练",
        label_en="Comprehensive or specialised emergency drill",
        interval_months=12,
        # Art.33¶2: metal smelting (with mines, hazardous goods and crowded venues, which have no flag
        # here) drills at least every half year and reports each drill to the county bureau.
        overrides=(Override(frozenset({"metal_smelting"}), 6),),
        who=("enterprise",),
        source="生产安全事故应急预案管理办法 Art.33¶1–2; 生产安全事故应急条例 Art.8¶2",
        note="metal smelting: every 6 months, each drill reported to the county bureau",
    ),
    IntervalRule(
        key="onsite_procedure_drill",
        label_zh="现场处置方案演练",
        label_en="On-site procedure drill",
        interval_months=6,
        who=("enterprise",),
        source="生产安全事故应急预案管理办法 Art.33",
    ),
    IntervalRule(
        key="principal_inspection",
        label_zh="主要负责人带队检查",
        label_en="Principal-led inspection",
        interval_months=3,
        overrides=(Override(frozenset({"metal_smelting"}), 1),),
        who=("principal",),
        source="notice §(二)",
    ),
    IntervalRule(
        key="ledger_update",
        label_zh="企业台账更新",
        label_en="Enterprise ledger update",
        interval_months=6,
        who=("bureau", "enterprise"),
        source="notice §(一)",
        note="the bureau refreshes its ledger of enterprises; the enterprise confirms its profile",
    ),
    IntervalRule(
        key="confined_space_training",
        label_zh="有限空间作业专项安全培训",
        label_en="Confined-space special training",
        interval_months=12,
        applies_when=frozenset({"confined_space"}),
        who=("enterprise",),
        source="应急管理部令第13号 (2024)",
        note="for approvers, attendants, entrants and rescuers",
    ),
)

DEADLINE_RULES: tuple[DeadlineRule, ...] = (
    DeadlineRule(
        key="hazard_statistics_quarterly",
        label_zh="隐患排查治理季度统计分析",
        label_en="Quarterly hazard statistics",
        period_months=3,
        deadline_day=15,
        who=("enterprise",),
        source="安监总局令第16号",
        verified=False,
    ),
    DeadlineRule(
        key="hazard_statistics_yearly",
        label_zh="隐患排查治理年度统计分析",
        label_en="Yearly hazard statistics",
        period_months=12,
        deadline_day=31,
        who=("enterprise",),
        source="安监总局令第16号",
        verified=False,
    ),
)

CADENCE_RULES: tuple[IntervalRule | DeadlineRule, ...] = INTERVAL_RULES + DEADLINE_RULES
