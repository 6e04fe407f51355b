"""隐患排查治理台账: every hazard of an enterprise with its rectification and verification."""

from __future__ import annotations

from ..hazard_records import hazards_of
from ..models import Enterprise
from ..rules.major_hazard_criteria import CRITERIA_BY_ID
from .cells import People, day, label, local_time

TITLE = "隐患排查治理台账"
SEVERITIES_ZH = {"general": "一般隐患", "major": "重大事故隐患"}
STATUSES_ZH = {
    "reported": "已上报",
    "assigned": "整改中",
    "rectified": "待验收",
    "closed": "已销号",
    "dismissed": "不构成隐患",
}
COLUMNS = (
    ("隐患名称", 24),
    ("隐患描述", 30),
    ("地点", 20),
    ("类别", 12),
    ("等级", 14),
    ("判定依据", 10),
    ("来源", 10),
    ("状态", 10),
    ("报告人", 16),
    ("发现时间", 17),
    ("录入时间", 17),
    ("整改责任人", 16),
    ("整改期限", 12),
    ("整改方案", 30),
    ("整改情况", 30),
    ("整改人", 16),
    ("整改时间", 17),
    ("验收人", 16),
    ("验收结论", 10),
    ("验收意见", 24),
    ("验收时间", 17),
)
VERDICTS_ZH = {True: "合格", False: "退回整改"}


def criterion_cell(criterion: str | None) -> str:
    """Return the cited item of 令第10号, marked 待核实 while its text rests on one published copy."""
    if not criterion:
        return ""
    known = CRITERIA_BY_ID.get(criterion)
    return f"{criterion}（待核实）" if known is not None and not known.verified else criterion


def rows(session, enterprise: Enterprise, people: People) -> list[list]:
    """Return one row per hazard, oldest first."""
    hazards = hazards_of(session, enterprise.id)
    found = []
    for hazard in hazards:
        fix, check = hazard.rectification or {}, hazard.verification or {}
        found.append(
            [
                hazard.title,
                hazard.description,
                hazard.location,
                hazard.category or "",
                label(SEVERITIES_ZH, hazard.severity),
                criterion_cell(hazard.criterion),
                "检查发现" if hazard.data.get("inspection_id") else "随手拍",
                label(STATUSES_ZH, hazard.status),
                people.name(hazard.reported_by),
                local_time(hazard.captured_at),
                local_time(hazard.received_at),
                people.name(hazard.assignee_id),
                day(hazard.due_date),
                hazard.plan or "",
                fix.get("note") or "",
                people.name(fix.get("by")),
                local_time(fix.get("at")),
                people.name(check.get("by")),
                VERDICTS_ZH.get(check.get("accepted"), ""),
                check.get("note") or "",
                local_time(check.get("at")),
            ]
        )
    return found
