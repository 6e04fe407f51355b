"""安全培训记录: one row per attendee of every training session, with the latest exam score."""

from __future__ import annotations

from ..models import Enterprise
from ..records import records_of
from ..rules.training_kinds import TRAINING_KINDS
from .cells import YES_NO, People, label, local_time

TITLE = "安全培训记录"
KINDS_ZH = {kind.key: kind.label_zh for kind in TRAINING_KINDS}
STATUSES_ZH = {"scheduled": "进行中", "closed": "已结束", "cancelled": "已取消"}
METHODS_ZH = {"qr": "扫码签到", "tick": "管理员勾选"}
COLUMNS = (
    ("培训主题", 24),
    ("培训类型", 24),
    ("授课人", 12),
    ("学时", 8),
    ("培训时间", 17),
    ("地点", 16),
    ("状态", 10),
    ("姓名", 18),
    ("用工类型", 12),
    ("签到方式", 12),
    ("签到时间", 17),
    ("考试次数", 10),
    ("成绩", 8),
    ("是否合格", 10),
)


def rows(session, enterprise: Enterprise, people: People) -> list[list]:
    """Return one row per attendee (a session nobody attended: one row without a name), by session time."""
    sessions = records_of(session, "training_session", enterprise.id)
    sessions.sort(key=lambda s: (s.get("scheduled_at") or "", s["id"]))
    found = []
    for held in sessions:
        head = [
            held.get("topic") or "",
            label(KINDS_ZH, held.get("kind")),
            held.get("trainer") or "",
            held.get("hours"),
            local_time(held.get("scheduled_at")),
            held.get("location") or "",
            label(STATUSES_ZH, held.get("status")),
        ]
        attendees = held.get("attendees") or []
        if not attendees:
            found.append([*head, "", "", "", None, None, None, ""])
        for attendee in attendees:
            scores = attendee.get("scores") or []
            last = scores[-1] if scores else {}
            found.append(
                [
                    *head,
                    people.name(attendee.get("user_id")),
                    people.employment(attendee.get("user_id")),
                    label(METHODS_ZH, attendee.get("method")),
                    local_time(attendee.get("at")),
                    len(scores),
                    last.get("score"),
                    YES_NO[last.get("passed")],
                ]
            )
    return found
