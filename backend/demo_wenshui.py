"""Demo records of 文水县示范特钢有限公司 (enterprise C, 文水县 141121): hazards and an overdue drill.

The neighbouring county's enterprise gives 文水县's bureau a summary with something in it, and lets every
screen show that 交城县's bureau sees none of it. Same story format as demo_data and demo_records.
"""

HAZARDS = [
    {
        "reporter": "worker-c1",
        "days_ago": 5,
        "args": {
            "title": "电弧炉水冷元件出水温度报警失效",
            "description": "1号电弧炉炉壁水冷块出水温度无显示，与电极断电联锁未投用",
            "location": "炼钢车间 1号电弧炉",
            "severity": "major",
            "category": "监测报警",
            "criterion": "4.4",
            "photos": ["@photo"],
        },
        "story": [
            (
                4,
                "officer-c",
                "hazard.assign",
                {
                    "assignee": "worker-c1",
                    "due_in_days": -1,
                    "plan": "停炉检修测温元件，恢复报警与电极断电联锁",
                },
            ),
        ],
    },
    {
        "reporter": "worker-c1",
        "days_ago": 2,
        "args": {
            "title": "连铸区安全通道堆放废钢",
            "description": "连铸区东侧安全通道被废钢料筐占用",
            "location": "连铸区东侧",
            "severity": "general",
            "category": "作业环境",
            "photos": [],
        },
        "story": [],
    },
]

STORIES = [
    # C (metal smelting, 6-monthly evacuation drills): the last one ended ten months ago → overdue.
    {
        "key": "drill-c-evacuation",
        "steps": [
            (
                305,
                "officer-c",
                "drill.plan",
                {
                    "type": "evacuation",
                    "scenario": "电弧炉漏钢，炼钢车间全员撤离至南门集合点",
                    "planned_on": "@day:-300",
                    "expected_ids": ["@user:worker-c1"],
                },
            ),
            (300, "officer-c", "drill.start", {}),
            (300, "officer-c", "drill.check_in", {"method": "tick", "user_id": "@user:worker-c1"}),
            (300, "officer-c", "drill.end", {}),
        ],
    },
]
