"""Kinds of safety training as data: labels, and the cadence obligations a session of the kind fulfils."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrainingKind:
    """One kind of training session; `fulfils` names keys of cadence_table's rules."""

    key: str
    label_zh: str
    label_en: str
    fulfils: tuple[str, ...] = ()
    note: str = ""


# Hours of every kind count towards a person's yearly hours (training_requirements); only the kinds below
# with `fulfils` also mark an enterprise-level cadence obligation as done.
TRAINING_KINDS: tuple[TrainingKind, ...] = (
    TrainingKind("three_level_plant", "三级安全教育（厂级）", "Three-level training: plant"),
    TrainingKind("three_level_workshop", "三级安全教育（车间级）", "Three-level training: workshop"),
    TrainingKind("three_level_team", "三级安全教育（班组级）", "Three-level training: team"),
    TrainingKind(
        "principal_manager",
        "主要负责人和安全生产管理人员培训",
        "Principal and safety manager training",
    ),
    TrainingKind(
        "special_operation_refresher",
        "特种作业人员复审培训",
        "Special-operation refresher",
        note="the 8 h refresher before a certificate review (安监总局令第30号)",
    ),
    TrainingKind(
        "contractor_induction",
        "外包、派遣、灵活用工人员入场教育",
        "Contractor and dispatched worker induction",
    ),
    TrainingKind(
        "confined_space_annual",
        "有限空间作业年度专项培训",
        "Confined-space annual training",
        fulfils=("confined_space_training",),
    ),
    TrainingKind("general", "其他安全培训", "Other safety training"),
)

KINDS_BY_KEY: dict[str, TrainingKind] = {kind.key: kind for kind in TRAINING_KINDS}
KIND_KEYS: tuple[str, ...] = tuple(KINDS_BY_KEY)


def training_kind(key: str) -> TrainingKind:
    """Return a training kind by key (KeyError when unknown)."""
    return KINDS_BY_KEY[key]


def kinds_fulfilling(obligation_key: str) -> tuple[str, ...]:
    """Return the kinds whose sessions fulfil a cadence obligation."""
    return tuple(kind.key for kind in TRAINING_KINDS if obligation_key in kind.fulfils)
