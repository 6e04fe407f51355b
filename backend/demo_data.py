"""The demo enterprises, people and hazards of protocol.md's "Demo data", as data."""

PASSWORD = "demo1234"

ENTERPRISES = [
    {
        "key": "A",
        "uscc": "91350100M000100Y43",
        "name": "交城县示范钢铁有限公司",
        "industry": "metallurgy",
        "flags": ["metal_smelting", "gas", "confined_space", "confined_space_toxic", "labour_intensive"],
        "standardisation_grade": 2,
        "address": "交城县夏家营镇工业园区",
        "region_code": "141122",  # 交城县
    },
    {
        "key": "B",
        "uscc": "91512081MA62K0260E",
        "name": "交城县示范铝粉制品有限公司",
        "industry": "nonferrous",  # 铝粉: 有色金属压延加工 (GB/T 4754 大类 32)
        "flags": ["dust_explosion"],
        "standardisation_grade": 3,
        "address": "交城县天宁镇",
        "region_code": "141122",
    },
    # 文水县, the neighbouring county: its bureau sees this one, and nothing of 交城县 (and the reverse).
    {
        "key": "C",
        "uscc": "91141121MA0HX2K343",
        "name": "文水县示范特钢有限公司",
        "industry": "metallurgy",  # 电弧炉炼钢: 黑色金属冶炼和压延加工业 (GB/T 4754 大类 31)
        "flags": ["metal_smelting", "confined_space"],
        "standardisation_grade": 3,
        "address": "文水县开栅镇工业园区",
        "region_code": "141121",  # 文水县
    },
]

USERS = [
    # Bureaus by region node (GB/T 2260): two counties of 吕梁市, and the city over both.
    {
        "username": "bureau",
        "display_name": "交城县应急管理局 执法员",
        "role": "bureau",
        "enterprise": None,
        "region_code": "141122",
    },
    {
        "username": "bureau-wenshui",
        "display_name": "文水县应急管理局 执法员",
        "role": "bureau",
        "enterprise": None,
        "region_code": "141121",
    },
    {
        "username": "bureau-lvliang",
        "display_name": "吕梁市应急管理局 执法员",
        "role": "bureau",
        "enterprise": None,
        "region_code": "141100",
    },
    {
        "username": "principal-a",
        "display_name": "王建国（主要负责人）",
        "role": "principal",
        "enterprise": "A",
    },
    {"username": "officer-a", "display_name": "李安全（安全管理员）", "role": "officer", "enterprise": "A"},
    {"username": "worker-a1", "display_name": "张师傅（炼钢一班）", "role": "worker", "enterprise": "A"},
    {"username": "worker-a2", "display_name": "刘师傅（维修班）", "role": "worker", "enterprise": "A"},
    {
        "username": "contractor-a",
        "display_name": "赵师傅（劳务派遣）",
        "role": "worker",
        "enterprise": "A",
        "employment_type": "dispatched",
    },
    {"username": "officer-b", "display_name": "陈安全（安全管理员）", "role": "officer", "enterprise": "B"},
    {"username": "worker-b1", "display_name": "周师傅（抛光车间）", "role": "worker", "enterprise": "B"},
    {"username": "officer-c", "display_name": "武安全（安全管理员）", "role": "officer", "enterprise": "C"},
    {"username": "worker-c1", "display_name": "郭师傅（熔炼工段）", "role": "worker", "enterprise": "C"},
]

# Each hazard is a story of commands: (days ago, who, command type, args). "@photo" makes a photo.
HAZARDS = [
    {
        "reporter": "worker-a1",
        "days_ago": 2,
        "args": {
            "title": "转炉平台积水",
            "description": "2号转炉喷溅区地面有积水，约2平方米",
            "location": "炼钢车间 2号转炉平台",
            "severity": "major",
            "category": "作业环境",
            "criterion": "4.2",
            "photos": ["@photo"],
        },
        "story": [
            (
                2,
                "officer-a",
                "hazard.assign",
                {"assignee": "worker-a2", "due_in_days": -1, "plan": "立即排水、设置围挡，检修漏水管线"},
            ),
        ],
    },
    {
        "reporter": "worker-a2",
        "days_ago": 6,
        "args": {
            "title": "煤气柜区域CO报警器失效",
            "description": "3号固定式CO报警器无显示",
            "location": "煤气柜区域",
            "severity": "major",
            "category": "监测报警",
            "criterion": "14",
            "photos": ["@photo"],
        },
        "story": [
            (
                5,
                "principal-a",
                "hazard.assign",
                {
                    "assignee": "officer-a",
                    "due_in_days": 3,
                    "plan": "更换报警器并联调联锁，期间人工巡检每2小时一次",
                },
            ),
            (4, "officer-a", "hazard.rectify", {"note": "已更换报警器并完成标定", "photos": ["@photo"]}),
        ],
    },
    {
        "reporter": "contractor-a",
        "days_ago": 10,
        "args": {
            "title": "皮带机防护罩缺失",
            "description": "原料皮带机尾轮防护罩脱落",
            "location": "原料车间 1号皮带",
            "severity": "general",
            "category": "机械防护",
            "photos": ["@photo"],
        },
        "story": [
            (9, "officer-a", "hazard.assign", {"assignee": "worker-a2", "due_in_days": 4}),
            (8, "worker-a2", "hazard.rectify", {"note": "已重新安装防护罩并紧固", "photos": ["@photo"]}),
            (7, "officer-a", "hazard.verify", {"accepted": True, "note": "复查合格"}),
        ],
    },
    {
        "reporter": "worker-a1",
        "days_ago": 1,
        "args": {
            "title": "消防通道堆放杂物",
            "description": "轧钢车间东侧消防通道堆放废旧托盘",
            "location": "轧钢车间东侧",
            "severity": "general",
            "category": "消防",
            "photos": ["@photo"],
        },
        "story": [],
    },
    {
        "reporter": "worker-a1",
        "days_ago": 3,
        "args": {
            "title": "配电箱门未关闭",
            "description": "",
            "location": "维修间",
            "severity": "general",
            "photos": [],
        },
        "story": [(3, "worker-a1", "hazard.rectify", {"note": "已关闭并上锁", "photos": ["@photo"]})],
    },
    {
        "reporter": "worker-b1",
        "days_ago": 20,
        "args": {
            "title": "除尘器泄爆口被遮挡",
            "description": "布袋除尘器泄爆口前堆放物料",
            "location": "抛光车间 除尘器",
            "severity": "major",
            "category": "粉尘防爆",
            "criterion": "11",
            "photos": ["@photo"],
        },
        "story": [
            (
                19,
                "officer-b",
                "hazard.assign",
                {"assignee": "worker-b1", "due_in_days": 5, "plan": "清理泄爆口前物料，划定禁放区"},
            ),
        ],
    },
    {
        "reporter": "worker-b1",
        "days_ago": 4,
        "args": {
            "title": "抛光工位积尘",
            "description": "工位地面积尘较厚",
            "location": "抛光车间 3号工位",
            "severity": "general",
            "photos": [],
        },
        "story": [(3, "officer-b", "hazard.dismiss", {"reason": "已由班组当班清扫，非隐患"})],
    },
]
