"""Demo records beyond hazards, as data: stories of commands for every other record type.

Each story makes one entity: `steps` are (days ago, who, command type, args), received `late_hours`
(default none) after capture. In args,
"@user:<name>" is a person's id, "@entity:<story key>" another story's entity, "@point:<story key>:<n>"
the n-th isolation point of an equipment story, "@item:<n>" the n-th checklist item of this inspection
("@item:*": one command for each item not answered yet),
"@enterprise:<key>" an enterprise, "@day:<n>" the date n days from today, "@time:<n>" the time n days
from now, "@photo" a generated photo; "@new" a fresh UUID."""

PHOTO = "@photo"

CERTIFICATES = [
    # Issued almost six years ago: expires within 60 days, so it is due for renewal.
    {
        "key": "cert-a2-electrical",
        "steps": [
            (
                3,
                "officer-a",
                "certificate.record",
                {
                    "user_id": "@user:worker-a2",
                    "operation": "电工作业（低压电工）",
                    "number": "T140000198804120031",
                    "issued_on": "@day:-2160",
                },
            )
        ],
    },
    {
        "key": "cert-a1-welding",
        "steps": [
            (
                3,
                "officer-a",
                "certificate.record",
                {
                    "user_id": "@user:worker-a1",
                    "operation": "焊接与热切割作业",
                    "number": "T140000199102030052",
                    "issued_on": "@day:-400",
                },
            )
        ],
    },
]

DRILLS = [
    # A (metal smelting, 6-monthly evacuation drills): the last one ended eight months ago → overdue.
    {
        "key": "drill-a-evacuation",
        "steps": [
            (
                250,
                "officer-a",
                "drill.plan",
                {
                    "type": "evacuation",
                    "scenario": "转炉区域钢水喷溅，全员撤离至东门集合点",
                    "planned_on": "@day:-243",
                    "expected_ids": ["@user:worker-a1", "@user:worker-a2", "@user:contractor-a"],
                },
            ),
            (243, "officer-a", "drill.start", {}),
            (243, "officer-a", "drill.check_in", {"method": "tick", "user_id": "@user:worker-a1"}),
            (243, "officer-a", "drill.check_in", {"method": "tick", "user_id": "@user:worker-a2"}),
            (243, "officer-a", "drill.end", {}),
            (
                242,
                "officer-a",
                "drill.evaluate",
                {"problems": "劳务派遣人员未到集合点", "improvements": "派遣人员纳入班组点名"},
            ),
        ],
    },
    {
        "key": "drill-a-molten-metal",
        "steps": [
            (
                2,
                "officer-a",
                "drill.plan",
                {"type": "molten_metal", "scenario": "钢包倾翻熔融金属喷溅", "planned_on": "@day:10"},
            )
        ],
    },
    # B: an evacuation drill evaluated three weeks ago → ok.
    {
        "key": "drill-b-evacuation",
        "steps": [
            (
                25,
                "officer-b",
                "drill.plan",
                {
                    "type": "evacuation",
                    "scenario": "抛光车间粉尘爆炸预警，人员疏散",
                    "planned_on": "@day:-21",
                    "expected_ids": ["@user:worker-b1"],
                },
            ),
            (21, "officer-b", "drill.start", {}),
            (21, "officer-b", "drill.check_in", {"method": "tick", "user_id": "@user:worker-b1"}),
            (21, "officer-b", "drill.end", {}),
            (20, "officer-b", "drill.evaluate", {"problems": "无", "improvements": "保持每年两次"}),
        ],
    },
]

EQUIPMENT = [
    {
        "key": "press-hydraulic",
        "steps": [
            (
                30,
                "officer-a",
                "equipment.register",
                {
                    "name": "2号转炉液压站",
                    "code": "ZL-02-YY",
                    "location": "炼钢车间 2号转炉",
                    "points": [
                        {"id": "@new", "energy_type": "electrical", "location": "液压站配电柜 QF3"},
                        {"id": "@new", "energy_type": "hydraulic", "location": "主油路截止阀 V1"},
                    ],
                },
            )
        ],
    },
]


def _lockout(key: str, days: int, reason: str, released: bool, late_hours: int = 0) -> dict:
    press = "@entity:press-hydraulic"
    opened = {"equipment_id": press, "work_type": "maintenance", "reason": reason}
    steps = [
        (days, "worker-a2", "lockout.open", opened),
        *(
            (
                days,
                "worker-a2",
                "lockout.apply_lock",
                {
                    "point_id": f"@point:press-hydraulic:{n}",
                    "lock_number": f"L-0{n + 1}",
                    "tag": "检修中 禁止合闸",
                    "photos": [PHOTO],
                },
            )
            for n in (0, 1)
        ),
        (
            days,
            "worker-a2",
            "lockout.verify_zero_energy",
            {"photos": [PHOTO], "note": "试启动无动作，压力表归零"},
        ),
        (days, "officer-a", "lockout.confirm", {}),
    ]
    if released:
        steps += [
            (days, "worker-a2", "lockout.release", {"people_clear": True, "tools_clear": True, "note": ""}),
            *(
                (days, "worker-a2", "lockout.remove_lock", {"point_id": f"@point:press-hydraulic:{n}"})
                for n in (0, 1)
            ),
        ]
    return {"key": key, "steps": steps, "late_hours": late_hours}


LOCKOUTS = [
    _lockout("lockout-a-released", 6, "更换液压泵密封", released=True),
    # Still safe_to_work: an active lockout, opened on a phone that synced a day and a half later.
    _lockout("lockout-a-active", 2, "检修主油路截止阀", released=False, late_hours=36),
]

TRAININGS = [
    {
        "key": "training-a-gas",
        "steps": [
            (
                12,
                "officer-a",
                "training.schedule",
                {
                    "kind": "general",
                    "topic": "煤气区域作业安全与CO报警",
                    "trainer": "李安全",
                    "hours": 4,
                    "scheduled_at": "@time:-10",
                    "location": "二楼培训室",
                },
            ),
            (10, "officer-a", "training.tick", {"user_id": "@user:worker-a1"}),
            (10, "officer-a", "training.tick", {"user_id": "@user:contractor-a"}),
            (10, "officer-a", "training.score", {"user_id": "@user:worker-a1", "score": 65}),
            (10, "officer-a", "training.score", {"user_id": "@user:contractor-a", "score": 55}),
            (9, "officer-a", "training.score", {"user_id": "@user:worker-a1", "score": 88}),
            (9, "officer-a", "training.close", {}),
        ],
    },
    {
        "key": "training-a-confined-space",
        "steps": [
            (
                42,
                "officer-a",
                "training.schedule",
                {
                    "kind": "confined_space_annual",
                    "topic": "有限空间作业审批、监护、进入与救援",
                    "trainer": "县应急管理局 讲师",
                    "hours": 8,
                    "scheduled_at": "@time:-40",
                    "location": "二楼培训室",
                },
            ),
            (40, "officer-a", "training.tick", {"user_id": "@user:worker-a2"}),
            (40, "officer-a", "training.tick", {"user_id": "@user:officer-a"}),
            (40, "principal-a", "training.score", {"user_id": "@user:worker-a2", "score": 92}),
            (40, "principal-a", "training.score", {"user_id": "@user:officer-a", "score": 95}),
            (40, "officer-a", "training.close", {}),
        ],
    },
    {
        "key": "training-a-tomorrow",
        "steps": [
            (
                1,
                "officer-a",
                "training.schedule",
                {
                    "kind": "three_level_team",
                    "topic": "班组级安全教育：炼钢一班",
                    "trainer": "王建国",
                    "hours": 8,
                    "scheduled_at": "@time:1",
                    "invitee_ids": ["@user:worker-a1", "@user:contractor-a"],
                },
            )
        ],
    },
]

INSPECTIONS = [
    {
        "key": "inspection-a-principal",
        "steps": [
            (5, "principal-a", "inspection.start", {"kind": "principal", "location": "炼钢车间"}),
            (5, "principal-a", "inspection.record_item", {"item_id": "@item:0", "result": "pass"}),
            (
                5,
                "principal-a",
                "inspection.record_item",
                {
                    "item_id": "@item:1",
                    "result": "fail",
                    "note": "现场检查不符合要求，需整改",
                    "photos": [PHOTO],
                },
            ),
            # Every item is answered before the finish, as the PWA requires.
            (5, "principal-a", "inspection.record_item", {"item_id": "@item:*", "result": "pass"}),
            (5, "principal-a", "inspection.finish", {"summary": "发现一处不符合项，已转隐患整改"}),
        ],
    },
    {
        "key": "inspection-b-enforcement",
        "steps": [
            (8, "bureau", "inspection.start", {"kind": "enforcement", "enterprise_id": "@enterprise:B"}),
            (8, "bureau", "inspection.record_item", {"item_id": "@item:0", "result": "pass"}),
            (
                8,
                "bureau",
                "inspection.record_quiz",
                {"score": 85, "note": "主要负责人熟悉粉尘涉爆重大隐患判定标准"},
            ),
            (8, "bureau", "inspection.record_item", {"item_id": "@item:*", "result": "pass"}),
            (8, "bureau", "inspection.finish", {"summary": "逢查必考：合格；台账齐全"}),
        ],
    },
]

STORIES = [*CERTIFICATES, *DRILLS, *EQUIPMENT, *LOCKOUTS, *TRAININGS, *INSPECTIONS]
