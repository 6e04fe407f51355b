"""应急演练记录: every drill of an enterprise with its roll call and evaluation."""

from __future__ import annotations

from ..models import Enterprise
from ..records import records_of
from ..rules.drill_rules import DRILL_TYPES
from .cells import People, day, label, local_time

TITLE = "应急演练记录"
TYPES_ZH = {drill_type.key: drill_type.label_zh for drill_type in DRILL_TYPES}
STATUSES_ZH = {
    "planned": "计划中",
    "running": "进行中",
    "ended": "已结束",
    "evaluated": "已评估",
    "cancelled": "已取消",
}
COLUMNS = (
    ("演练类型", 18),
    ("演练场景", 30),
    ("计划日期", 12),
    ("状态", 10),
    ("开始时间", 17),
    ("结束时间", 17),
    ("应到人数", 10),
    ("实到人数", 10),
    ("未到人员", 24),
    ("疏散用时（秒）", 14),
    ("发现问题", 30),
    ("改进措施", 30),
    ("评估人", 16),
    ("取消原因", 20),
)


def rows(session, enterprise: Enterprise, people: People) -> list[list]:
    """Return one row per drill, by planned day then start."""
    drills = records_of(session, "drill", enterprise.id)
    drills.sort(key=lambda d: (d.get("planned_on") or "", d.get("started_at") or "", d["id"]))
    found = []
    for drill in drills:
        evaluation = drill.get("evaluation") or {}
        participants = drill.get("participants") or []
        expected = drill.get("expected_ids") or []
        found.append(
            [
                label(TYPES_ZH, drill.get("type")),
                drill.get("scenario") or "",
                day(drill.get("planned_on")),
                label(STATUSES_ZH, drill.get("status")),
                local_time(drill.get("started_at")),
                local_time(drill.get("ended_at")),
                len(expected) if expected else None,
                len(participants) if drill.get("started_at") else None,
                people.names(drill.get("missing_ids")),
                drill.get("evacuation_seconds"),
                evaluation.get("problems") or "",
                evaluation.get("improvements") or "",
                people.name(evaluation.get("by")),
                drill.get("cancel_reason") or "",
            ]
        )
    return found
