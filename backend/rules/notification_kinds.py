"""Notification kinds as data (label, critical, may opt out) and the quiet-hours rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any


@dataclass(frozen=True)
class NotificationKind:
    """One kind of notification: its labels, whether it is critical, whether a person may opt out."""

    zh: str
    en: str
    # Critical kinds ignore quiet hours and opt-out: an open major hazard past its deadline.
    critical: bool = False
    opt_out_allowed: bool = True


KINDS: dict[str, NotificationKind] = {
    "drill_due": NotificationKind("应急演练到期提醒", "Drill due"),
    "inspection_due": NotificationKind("检查到期提醒", "Inspection due"),
    "hazard_deadline": NotificationKind("隐患整改即将到期", "Hazard deadline approaching"),
    "hazard_overdue": NotificationKind("隐患整改已逾期", "Hazard rectification overdue"),
    "hazard_escalated": NotificationKind("逾期隐患升级通知", "Overdue hazard escalated"),
    # 安监总局令第16号 Art.14¶2: a major hazard is reported to the bureau when it is found, not once overdue.
    "major_hazard_reported": NotificationKind(
        "发现重大事故隐患", "Major hazard reported", critical=True, opt_out_allowed=False
    ),
    "major_hazard_overdue": NotificationKind(
        "重大事故隐患整改逾期", "Major hazard overdue", critical=True, opt_out_allowed=False
    ),
    # 预案管理办法 Art.33¶2: a metal smelter reports each plan drill to the county bureau.
    "drill_reported": NotificationKind("应急预案演练情况报送", "Plan drill reported"),
    "certificate_expiry": NotificationKind("特种作业操作证即将到期", "Certificate expiring"),
    "retraining_required": NotificationKind("需要重新培训", "Retraining required"),
    "training_tomorrow": NotificationKind("明日安全培训", "Training session tomorrow"),
    "digest_weekly": NotificationKind("每周安全摘要", "Weekly summary"),
    "digest_daily": NotificationKind("每日安全摘要", "Daily summary"),
    # Warning and accident notices from the bureau: everyone must see them, at a decent hour.
    "notice": NotificationKind("警示信息 / 事故通报", "Warning or accident notice", opt_out_allowed=False),
    # Workflow steps: the next person's job arrives when the step before it syncs (notify/workflow.py).
    "hazard_reported": NotificationKind("新隐患待指派", "New hazard to assign"),
    "hazard_assigned": NotificationKind("隐患整改任务", "Hazard assigned to you"),
    "hazard_rectified": NotificationKind("隐患整改待验收", "Rectification to verify"),
    "hazard_verified": NotificationKind("隐患整改已验收", "Rectification accepted"),
    "hazard_sent_back": NotificationKind("隐患整改被退回", "Rectification sent back"),
    "hazard_dismissed": NotificationKind("上报未列为隐患", "Report dismissed"),
    "lockout_confirm": NotificationKind("挂牌上锁待确认", "Lockout awaiting confirmation"),
    "drill_invited": NotificationKind("应急演练通知", "Drill invitation"),
    "training_invited": NotificationKind("安全培训通知", "Training invitation"),
}

OPT_OUT_KINDS = tuple(name for name, kind in KINDS.items() if kind.opt_out_allowed and not kind.critical)

DEFAULT_SETTINGS: dict[str, Any] = {"push_enabled": True, "opt_out": [], "quiet_hours": None}


def kinds_document() -> list[dict[str, Any]]:
    """Return the kinds as the PWA reads them (scripts/pwa_kinds.py writes pwa/src/inbox/kinds.json)."""
    return [
        {
            "kind": name,
            "zh": kind.zh,
            "en": kind.en,
            "critical": kind.critical,
            "opt_out": name in OPT_OUT_KINDS,
        }
        for name, kind in KINDS.items()
    ]


def is_critical(kind: str) -> bool:
    """Tell whether a kind is critical (unknown kinds are not)."""
    return kind in KINDS and KINDS[kind].critical


def parse_clock(text: str) -> time:
    """Read an "HH:MM" clock time."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def in_quiet_hours(settings: dict[str, Any] | None, moment_in_shanghai: datetime | time) -> bool:
    """Tell whether a Shanghai wall-clock moment falls in the person's quiet hours [start, end)."""
    window = (settings or {}).get("quiet_hours")
    if not window:
        return False
    start, end = parse_clock(window["start"]), parse_clock(window["end"])
    now = moment_in_shanghai if isinstance(moment_in_shanghai, time) else moment_in_shanghai.time()
    now = now.replace(second=0, microsecond=0, tzinfo=None)
    if start == end:
        return False
    if start < end:
        return start <= now < end
    # The window crosses midnight, like 22:00–07:00.
    return now >= start or now < end


def quiet_hours_end(settings: dict[str, Any], moment_in_shanghai: datetime) -> datetime:
    """Return the Shanghai moment the quiet hours around moment_in_shanghai end."""
    end = parse_clock(settings["quiet_hours"]["end"])
    candidate = datetime.combine(moment_in_shanghai.date(), end, tzinfo=moment_in_shanghai.tzinfo)
    if candidate <= moment_in_shanghai:
        candidate += timedelta(days=1)
    return candidate


def push_allowed(settings: dict[str, Any] | None, kind: str, critical: bool) -> bool:
    """Tell whether a push of this kind may be sent at all (quiet hours aside)."""
    settings = settings or DEFAULT_SETTINGS
    if not settings.get("push_enabled", True):
        return False
    return critical or kind not in settings.get("opt_out", [])
