"""A valid way to reach and send every registered command type, as data, for tests over all of them.

Each scenario is a list of steps (who, command type, entity key, args); its last step is the command
under test, the steps before it bring a fresh entity into the state that command needs. Entity keys
name a fresh id per run; "@A" is enterprise A. In args, "@id:<key>" is that fresh id, "@user:<name>"
a person's id, "@photo" a photo the step's sender holds, "@item" the first checklist item of
enterprise A, "@username" a fresh username, "@notification" a notification of worker-a1.
"""

from __future__ import annotations

REPORT = {"title": "平台积水", "description": "雨后积水", "location": "2号转炉平台", "severity": "general"}
ASSIGN = {"assignee_id": "@user:worker-a2", "due_date": "2030-06-30", "plan": "排水"}
RECTIFY = {"note": "已排水", "photos": ["@photo"]}
USER = {
    "username": "@username",
    "display_name": "王五",
    "role": "worker",
    "employment_type": "own",
    "password": "demo1234",
    "job": "电工",
    "phone": "13800000000",
}
CERTIFICATE = {
    "user_id": "@user:worker-a1",
    "operation": "电工作业",
    "number": "T1400001",
    "issued_on": "2025-01-05",
}
DRILL = {"type": "evacuation", "scenario": "煤气泄漏，全员疏散", "planned_on": "2026-11-29"}
POINT = {"id": "@id:point", "energy_type": "electrical", "location": "1号配电柜", "description": "主电源"}
EQUIPMENT = {"name": "3号行车", "code": "HC-03", "location": "炼钢跨", "points": [POINT]}
LOCK = {"point_id": "@id:point", "lock_number": "L-01", "tag": "检修中", "photos": ["@photo"]}
TRAINING = {
    "kind": "general",
    "topic": "煤气区域作业安全",
    "trainer": "李安全",
    "hours": 4,
    "scheduled_at": "2026-11-20T08:00:00Z",
    "location": "二楼培训室",
}
NOTICE = {"title": "警示通报", "body": "举一反三，开展自查", "kind": "accident", "target": {"all": True}}

HAZARD = [("officer-a", "hazard.report", "h", REPORT)]
ASSIGNED = [*HAZARD, ("officer-a", "hazard.assign", "h", ASSIGN)]
RECTIFIED = [*ASSIGNED, ("officer-a", "hazard.rectify", "h", RECTIFY)]
A_USER = [("officer-a", "user.create", "u", USER)]
DEACTIVATED = [*A_USER, ("officer-a", "user.deactivate", "u", {"reason": "离职"})]
A_CERTIFICATE = [("officer-a", "certificate.record", "c", CERTIFICATE)]
PLANNED = [("officer-a", "drill.plan", "d", DRILL)]
STARTED = [*PLANNED, ("officer-a", "drill.start", "d", {})]
ENDED = [*STARTED, ("officer-a", "drill.end", "d", {})]
REGISTERED = [("officer-a", "equipment.register", "e", EQUIPMENT)]
OPENED = [
    *REGISTERED,
    (
        "worker-a2",
        "lockout.open",
        "l",
        {"equipment_id": "@id:e", "work_type": "maintenance", "reason": "检修"},
    ),
]
LOCKED = [*OPENED, ("worker-a2", "lockout.apply_lock", "l", LOCK)]
VERIFIED = [
    *LOCKED,
    ("worker-a2", "lockout.verify_zero_energy", "l", {"photos": ["@photo"], "note": "试启动无动作"}),
]
CONFIRMED = [*VERIFIED, ("officer-a", "lockout.confirm", "l", {})]
RELEASE = {"people_clear": True, "tools_clear": True, "note": "人员撤离"}
RELEASED = [*CONFIRMED, ("worker-a2", "lockout.release", "l", RELEASE)]
SCHEDULED = [("officer-a", "training.schedule", "t", TRAINING)]
INSPECTING = [("principal-a", "inspection.start", "i", {"kind": "principal", "location": "炼钢车间"})]

SCENARIOS: dict[str, list[tuple[str, str, str, dict]]] = {
    "hazard.report": [("worker-a1", "hazard.report", "h", REPORT)],
    "hazard.assign": ASSIGNED,
    "hazard.rectify": RECTIFIED,
    "hazard.verify": [
        *RECTIFIED,
        ("principal-a", "hazard.verify", "h", {"accepted": True, "note": "复查合格"}),
    ],
    "hazard.dismiss": [*HAZARD, ("officer-a", "hazard.dismiss", "h", {"reason": "重复上报"})],
    "enterprise.register": [
        (
            "bureau",
            "enterprise.register",
            "n",
            {
                "uscc": "91110000100000000R",
                "name": "新企业",
                "industry": "machinery",
                "address": "县城",
                "region_code": "141122",
            },
        )
    ],
    "enterprise.update": [("bureau", "enterprise.update", "@A", {"name": "甲钢铁", "address": "交城县"})],
    "enterprise.confirm_ledger": [("principal-a", "enterprise.confirm_ledger", "@A", {"note": "已核对"})],
    "user.create": A_USER,
    "user.update": [*A_USER, ("officer-a", "user.update", "u", {"display_name": "王六", "job": "焊工"})],
    "user.reset_password": [*A_USER, ("officer-a", "user.reset_password", "u", {"password": "newpass123"})],
    "user.deactivate": DEACTIVATED,
    "user.reactivate": [*DEACTIVATED, ("officer-a", "user.reactivate", "u", {})],
    "certificate.record": A_CERTIFICATE,
    "certificate.review": [
        *A_CERTIFICATE,
        ("officer-a", "certificate.review", "c", {"reviewed_on": "2026-01-05"}),
    ],
    "certificate.renew": [
        *A_CERTIFICATE,
        ("officer-a", "certificate.renew", "c", {"issued_on": "2026-01-05", "number": "T1400002"}),
    ],
    "certificate.revoke": [*A_CERTIFICATE, ("officer-a", "certificate.revoke", "c", {"reason": "吊销"})],
    "drill.plan": PLANNED,
    "drill.start": STARTED,
    "drill.check_in": [
        *STARTED,
        ("officer-a", "drill.check_in", "d", {"method": "tick", "user_id": "@user:worker-a1"}),
    ],
    "drill.end": ENDED,
    "drill.add_photos": [*ENDED, ("officer-a", "drill.add_photos", "d", {"photos": ["@photo"]})],
    "drill.evaluate": [
        *ENDED,
        ("officer-a", "drill.evaluate", "d", {"problems": "集合慢", "improvements": "点名"}),
    ],
    "drill.cancel": [*PLANNED, ("officer-a", "drill.cancel", "d", {"reason": "停产"})],
    "equipment.register": REGISTERED,
    "equipment.update": [*REGISTERED, ("officer-a", "equipment.update", "e", EQUIPMENT)],
    "equipment.retire": [*REGISTERED, ("officer-a", "equipment.retire", "e", {})],
    "lockout.open": [
        *REGISTERED,
        ("worker-a2", "lockout.open", "l", OPENED[-1][3]),
    ],
    "lockout.apply_lock": LOCKED,
    "lockout.verify_zero_energy": VERIFIED,
    "lockout.confirm": CONFIRMED,
    "lockout.release": RELEASED,
    "lockout.remove_lock": [
        *RELEASED,
        ("worker-a2", "lockout.remove_lock", "l", {"point_id": "@id:point", "reason": "作业完成"}),
    ],
    "training.schedule": SCHEDULED,
    "training.sign_in": [*SCHEDULED, ("worker-a1", "training.sign_in", "t", {"code": "not-the-code"})],
    "training.tick": [*SCHEDULED, ("officer-a", "training.tick", "t", {"user_id": "@user:worker-a1"})],
    "training.score": [
        *SCHEDULED,
        ("officer-a", "training.tick", "t", {"user_id": "@user:worker-a1"}),
        ("officer-a", "training.score", "t", {"user_id": "@user:worker-a1", "score": 88}),
    ],
    "training.close": [*SCHEDULED, ("officer-a", "training.close", "t", {})],
    "training.cancel": [*SCHEDULED, ("officer-a", "training.cancel", "t", {"reason": "改期"})],
    "inspection.start": INSPECTING,
    "inspection.record_item": [
        *INSPECTING,
        (
            "principal-a",
            "inspection.record_item",
            "i",
            {"item_id": "@item", "result": "fail", "note": "不符合"},
        ),
    ],
    "inspection.record_quiz": [
        ("bureau", "inspection.start", "i", {"kind": "enforcement", "enterprise_id": "@A"}),
        ("bureau", "inspection.record_quiz", "i", {"score": 85, "note": "熟悉判定标准"}),
    ],
    "inspection.finish": [*INSPECTING, ("principal-a", "inspection.finish", "i", {"summary": "无问题"})],
    "notification.read": [("worker-a1", "notification.read", "@notification", {})],
    "notification.acknowledge": [("worker-a1", "notification.acknowledge", "@notification", {})],
    "settings.update": [
        (
            "worker-a1",
            "settings.update",
            "@user:worker-a1",
            {
                "push_enabled": True,
                "opt_out": ["digest_daily"],
                "quiet_hours": {"start": "22:00", "end": "07:00"},
            },
        )
    ],
    "notice.send": [("bureau", "notice.send", "n", NOTICE)],
}
# Types whose base command is refused by a rule the scenario cannot meet (a QR code made from a secret).
REJECTED_BASE = {"training.sign_in"}
