"""Every record type as a story of commands (who, type, entity key, args), as the demo enterprise A lives it.

A record's steps run in order; step i of every record is pushed before step i+1 of any (pushes are per
person, so a story told by three people is three devices taking turns). Args follow docs/commands.md and
tests/api/command_scenarios.py. "@id:<key>" is the record's fresh id of that key.
"""

from __future__ import annotations

import random
import uuid

DRILL_TYPES = ("evacuation", "fire", "gas_leak", "confined_space_rescue", "onsite_procedure")
ROLL_CALL = ("worker-a1", "worker-a2", "contractor-a", "officer-a", "principal-a")
PLACES = ("一号熔炼车间", "二号除尘器", "煤气加压站", "原料仓库", "受限空间入口", "配电室", "行车轨道")
PROBLEMS = ("泄爆片锈蚀", "防护栏缺失", "警示标识脱落", "气体报警仪未校验", "灭火器过期", "通道堆放杂物")
# Of every 10 records: 4 hazards, 1 drill, 2 lockouts, 2 trainings, 1 inspection.
MIX = (
    "hazard",
    "hazard",
    "hazard",
    "hazard",
    "drill",
    "lockout",
    "lockout",
    "training",
    "training",
    "inspection",
)
Step = tuple[str, str, str, dict]


def hazard(rng: random.Random, ids: dict[str, str], photos: dict[str, str], **_) -> list[Step]:
    """Report, assign, rectify with a photo, verify: a hazard with its whole history."""
    place, problem = rng.choice(PLACES), rng.choice(PROBLEMS)
    report = {
        "title": f"{place}{problem}",
        "description": f"巡检发现{place}{problem}，编号 {rng.randint(1, 999)}，需尽快处理。",
        "location": f"{place} {rng.randint(1, 40)} 号位",
        "severity": rng.choice(("general", "general", "general", "major")),
        "category": rng.choice(("设备设施", "作业环境", "安全管理")),
        "photos": [],
    }
    assign = {"assignee_id": ids["worker-a2"], "due_date": "2030-06-30", "plan": "立即整改，设置围挡"}
    return [
        ("worker-a1", "hazard.report", "h", report),
        ("officer-a", "hazard.assign", "h", assign),
        ("officer-a", "hazard.rectify", "h", {"note": "已整改", "photos": [photos["officer-a"]]}),
        ("principal-a", "hazard.verify", "h", {"accepted": True, "note": "复查合格"}),
    ]


def drill(rng: random.Random, ids: dict[str, str], **_) -> list[Step]:
    """Plan, start, a roll call of five, end."""
    plan = {"type": rng.choice(DRILL_TYPES), "scenario": "煤气泄漏，全员疏散", "planned_on": "2026-11-29"}
    calls = [
        ("officer-a", "drill.check_in", "d", {"method": "tick", "user_id": ids[name]}) for name in ROLL_CALL
    ]
    return [
        ("officer-a", "drill.plan", "d", plan),
        ("officer-a", "drill.start", "d", {}),
        *calls,
        ("officer-a", "drill.end", "d", {}),
    ]


def lockout(photos: dict[str, str], **_) -> list[Step]:
    """Its equipment registered, then open, lock, try out, confirm, release, remove the lock."""
    point = {"id": "@id:point", "energy_type": "electrical", "location": "1号配电柜", "description": "主电源"}
    equipment = {"name": "3号行车", "code": "HC-03", "location": "炼钢跨", "points": [point]}
    lock = {"point_id": "@id:point", "lock_number": "L-01", "tag": "检修中", "photos": [photos["worker-a2"]]}
    tryout = {"photos": [photos["worker-a2"]], "note": "试启动无动作"}
    release = {"people_clear": True, "tools_clear": True, "note": "人员撤离"}
    opening = {"equipment_id": "@id:e", "work_type": "maintenance", "reason": "检修"}
    return [
        ("officer-a", "equipment.register", "e", equipment),
        ("worker-a2", "lockout.open", "l", opening),
        ("worker-a2", "lockout.apply_lock", "l", lock),
        ("worker-a2", "lockout.verify_zero_energy", "l", tryout),
        ("officer-a", "lockout.confirm", "l", {}),
        ("worker-a2", "lockout.release", "l", release),
        ("worker-a2", "lockout.remove_lock", "l", {"point_id": "@id:point"}),
    ]


def training(rng: random.Random, ids: dict[str, str], **_) -> list[Step]:
    """Schedule, four attendees ticked, two scored, close."""
    schedule = {
        "kind": "general",
        "topic": "煤气区域作业安全",
        "trainer": "李安全",
        "hours": 4,
        "scheduled_at": "2026-11-20T08:00:00Z",
        "location": "二楼培训室",
    }
    people = ROLL_CALL[:4]
    ticks = [("officer-a", "training.tick", "t", {"user_id": ids[name]}) for name in people]
    scores = [
        ("officer-a", "training.score", "t", {"user_id": ids[name], "score": rng.randint(60, 100)})
        for name in people[:2]
    ]
    return [
        ("officer-a", "training.schedule", "t", schedule),
        *ticks,
        *scores,
        ("officer-a", "training.close", "t", {}),
    ]


def inspection(items: list[str], **_) -> list[Step]:
    """A principal's inspection: three items passed, finished."""
    answers = [
        ("principal-a", "inspection.record_item", "i", {"item_id": item, "result": "pass"})
        for item in items[:3]
    ]
    return [
        ("principal-a", "inspection.start", "i", {"kind": "principal", "location": "炼钢车间"}),
        *answers,
        ("principal-a", "inspection.finish", "i", {"summary": "无问题"}),
    ]


TELLERS = {
    "hazard": hazard,
    "drill": drill,
    "lockout": lockout,
    "training": training,
    "inspection": inspection,
}


def stories(count: int, seed: int, **context) -> list[list[Step]]:
    """Return count records' stories in the mix, each with its own fresh ids substituted."""
    rng = random.Random(seed)
    told = []
    for n in range(count):
        steps = TELLERS[MIX[n % len(MIX)]](rng=rng, **context)
        fresh: dict[str, str] = {}
        told.append(
            [
                (who, kind, fresh.setdefault(key, str(uuid.uuid4())), _fill(args, fresh))
                for who, kind, key, args in steps
            ]
        )
    return told


def _fill(value, fresh: dict[str, str]):
    """Replace "@id:<key>" by the record's fresh id of that key, in nested args."""
    if isinstance(value, str) and value.startswith("@id:"):
        return fresh.setdefault(value[4:], str(uuid.uuid4()))
    if isinstance(value, dict):
        return {k: _fill(v, fresh) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, fresh) for v in value]
    return value


def waves(told: list[list[Step]]) -> list[list[Step]]:
    """Group the stories' steps by index: wave i holds step i of every record that has one."""
    longest = max((len(steps) for steps in told), default=0)
    return [[steps[i] for steps in told if i < len(steps)] for i in range(longest)]
