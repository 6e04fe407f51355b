"""What a person of an enterprise does next with each record type, read from what the server holds.

Each story takes the world, an enterprise key ("A"/"B"), `pick` (which record or person, modulo what
exists; one in four starts a new record) and `variant` (which of the allowed next steps, and
argument choices), and returns one command (who, type, entity id, args). The next step is usually
allowed; a device offline with a stale view, or a variant that breaks a rule, gets a rejection, which
must change nothing derived either.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

from backend.rules.certificates import APPLY_WITHIN_DAYS, REVIEW_EVERY_YEARS, VALIDITY_YEARS
from backend.rules.drill_rules import DRILL_TYPE_KEYS
from backend.rules.lockout_rules import ENERGY_TYPE_KEYS, WORK_TYPE_KEYS, active_locks
from backend.rules.roles import ENTERPRISE_FLAGS
from backend.rules.training_kinds import KIND_KEYS
from backend.rules.training_qr import code_for, window_of

from .derived_world import ACTORS, MANAGERS, World

Command = tuple[str, str, str, dict]
SCORES = (35, 59, 60, 79, 80, 88, 100)
OPEN_HAZARD = ("reported", "assigned", "rectified")
OPEN_DRILL = ("planned", "running", "ended")


def choose(items: list, pick: int):
    """Return the picked record, or None to start a new one (always when none, else one pick in four);
    half the picks take the first, so that records get to the end of their workflow."""
    if not items or pick % 4 == 3:
        return None
    return items[0] if pick % 2 == 0 else items[pick // 4 % len(items)]


def actor(key: str, pick: int) -> str:
    return ACTORS[key][pick % len(ACTORS[key])]


def manager(key: str, pick: int) -> str:
    return MANAGERS[key][pick % len(MANAGERS[key])]


def acting(w: World, key: str, user_id: str | None, fallback: str) -> str:
    """Return the username of a person who can push for the enterprise, else the fallback."""
    name = w.names.get(user_id or "")
    return name if name in ACTORS[key] else fallback


def day(w: World, days: int) -> str:
    return (w.today + timedelta(days=days)).isoformat()


def secret_of(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode()).digest()


def hazard(w: World, key: str, pick: int, variant: int) -> Command:
    """Report, assign (with a deadline around today), rectify, verify or send back, dismiss."""
    found = choose([h for h in w.records("hazard", key) if h["status"] in OPEN_HAZARD], pick)
    boss = manager(key, variant)
    if found is None:
        args = {"title": "平台积水", "description": "", "location": "2号转炉平台", "photos": []}
        severity = ("general", "major")[variant % 2]
        return actor(key, pick), "hazard.report", w.new_id(), {**args, "severity": severity}
    status, variant = found["status"], variant // 2
    if status == "reported" and variant % 3 == 1:
        return boss, "hazard.dismiss", found["id"], {"reason": "重复上报"}
    if status == "reported" and variant % 3 == 2 and found["severity"] == "general":
        who = acting(w, key, found.get("reported_by"), MANAGERS[key][-1])
        return who, "hazard.rectify", found["id"], {"note": "当场整改", "photos": [w.photos[who]]}
    if status in ("reported", "assigned") and (status == "reported" or variant % 3 == 2):
        assignee = w.members(key)[pick % len(w.members(key))]
        args = {"assignee_id": assignee, "due_date": day(w, variant % 21 - 7), "plan": "排水、围挡"}
        return boss, "hazard.assign", found["id"], args
    if status == "assigned":
        who = acting(w, key, found.get("assignee_id"), MANAGERS[key][-1])
        return who, "hazard.rectify", found["id"], {"note": "已整改", "photos": [w.photos[who]]}
    rectifier = (found.get("rectification") or {}).get("by")
    verifier = next((m for m in MANAGERS[key] if w.names.get(rectifier) != m), boss)
    return verifier, "hazard.verify", found["id"], {"accepted": variant % 4 != 3, "note": "复查"}


def drill(w: World, key: str, pick: int, variant: int) -> Command:
    """Plan, start, roll call by tick or badge QR, end, evaluate, add photos, cancel."""
    drills = w.records("drill", key)
    found = choose([d for d in drills if d["status"] in OPEN_DRILL], pick)
    boss = manager(key, variant)
    if found is None:  # each new drill of another type than the last
        kind = DRILL_TYPE_KEYS[(len(drills) + variant) % len(DRILL_TYPE_KEYS)]
        args = {"type": kind, "scenario": "煤气泄漏，全员疏散", "planned_on": day(w, variant % 9 - 4)}
        return boss, "drill.plan", w.new_id(), args
    status, variant = found["status"], variant // 2
    if status == "planned":
        if variant % 4 == 3:
            return boss, "drill.cancel", found["id"], {"reason": "停产"}
        return boss, "drill.start", found["id"], {}
    present = {p["user_id"] for p in found["participants"]}
    absent = [m for m in w.members(key) if m not in present]
    if status == "running" and variant % 4 != 3 and absent and len(present) < 2 + variant % 3:
        person = absent[(pick + variant) % len(absent)]
        badge = w.record("badge", person) if variant % 2 else None
        if badge:
            return boss, "drill.check_in", found["id"], {"method": "qr", "qr": badge["qr"]}
        return boss, "drill.check_in", found["id"], {"method": "tick", "user_id": person}
    if status == "running":
        return boss, "drill.end", found["id"], {}
    if status == "ended" and variant % 2 == 0:
        return boss, "drill.evaluate", found["id"], {"problems": "集合慢", "improvements": "点名"}
    return boss, "drill.add_photos", found["id"], {"photos": [w.photos[boss]]}


def equipment(w: World, key: str, pick: int, variant: int) -> Command:
    """Register equipment with its isolation points, replace its points, retire it."""
    found = choose([e for e in w.records("equipment", key) if e.get("active", True)], pick)
    boss = manager(key, variant)
    if found is None or variant % 3 != 2:
        points = [point(w, variant + i) for i in range(1 + variant % 2)]
        if found is None:
            args = {"name": "3号行车", "code": "HC-03", "location": "炼钢跨", "points": points}
            return boss, "equipment.register", w.new_id(), args
        # Keep the first point (it may be locked) and replace the others.
        args = {"name": "3号行车（改）", "points": [found["points"][0], *points[1:]]}
        args["points"] = [_point_args(p) for p in args["points"]]
        return boss, "equipment.update", found["id"], args
    return boss, "equipment.retire", found["id"], {}


def point(w: World, variant: int) -> dict:
    energy = ENERGY_TYPE_KEYS[variant % len(ENERGY_TYPE_KEYS)]
    return {"id": w.new_id(), "energy_type": energy, "location": "1号配电柜", "description": "主电源"}


def _point_args(stored: dict) -> dict:
    return {k: stored[k] for k in ("id", "energy_type", "location", "description") if stored.get(k)}


def lockout(w: World, key: str, pick: int, variant: int) -> Command:
    """Open on active equipment, lock every point, try out, confirm, release, remove the locks."""
    found = choose([x for x in w.records("lockout", key) if x["status"] != "released"], pick)
    who = actor(key, pick + variant)
    if found is None:
        machines = [e for e in w.records("equipment", key) if e.get("active", True)]
        if not machines:
            return equipment(w, key, 0, 0)
        machine = machines[variant % len(machines)]
        work = WORK_TYPE_KEYS[variant % len(WORK_TYPE_KEYS)]
        args = {"equipment_id": machine["id"], "work_type": work, "reason": "检修"}
        return who, "lockout.open", w.new_id(), args
    status = found["status"]
    if status == "applying":
        machine = w.record("equipment", found["equipment_id"]) or {"points": []}
        locked = {lock["point_id"] for lock in active_locks(found["locks"])}
        free = [p["id"] for p in machine["points"] if p["id"] not in locked] or [w.new_id()]
        args = {"point_id": free[0], "lock_number": f"L-{variant % 90:02d}", "tag": "检修中"}
        return who, "lockout.apply_lock", found["id"], {**args, "photos": [w.photos[who]]}
    if status == "locked":
        args = {"photos": [w.photos[who]], "note": "试启动无动作"}
        return who, "lockout.verify_zero_energy", found["id"], args
    if status == "verified":
        appliers = {w.names.get(lock["applied_by"]) for lock in found["locks"]}
        confirmer = next((a for a in ACTORS[key] if a not in appliers), who)
        return confirmer, "lockout.confirm", found["id"], {}
    if status == "safe_to_work":
        args = {"people_clear": True, "tools_clear": True, "note": ""}
        return who, "lockout.release", found["id"], args
    lock = active_locks(found["locks"])[0] if active_locks(found["locks"]) else found["locks"][0]
    remover = acting(w, key, lock["applied_by"], MANAGERS[key][-1]) if variant % 3 else MANAGERS[key][-1]
    args = {"point_id": lock["point_id"], "reason": "作业完成"}
    return remover, "lockout.remove_lock", found["id"], args


def training(w: World, key: str, pick: int, variant: int) -> Command:
    """Schedule around today, tick or QR-sign people in, score them, close, cancel."""
    sessions = w.records("training_session", key)
    found = choose([s for s in sessions if s["status"] != "cancelled"], pick)
    boss = manager(key, variant)
    if found is None:  # each new session of another kind than the last
        session_id = w.new_id()
        at = w.now + timedelta(hours=(variant % 15 - 7) * 17)
        args = {
            "kind": KIND_KEYS[(len(sessions) + variant) % len(KIND_KEYS)],
            "topic": "煤气区域作业安全",
            "trainer": "李安全",
            "hours": (0.5, 2, 4, 8, 24)[variant % 5],
            "scheduled_at": at.isoformat().replace("+00:00", "Z"),
            "qr_secret": base64.urlsafe_b64encode(secret_of(session_id)).rstrip(b"=").decode(),
        }
        if variant % 3 == 0:
            args["invitee_ids"] = w.members(key)[:2]
        return boss, "training.schedule", session_id, args
    attendees = [a["user_id"] for a in found.get("attendees") or []]
    variant //= 2
    if (found["status"] == "closed" or variant % 3 == 2) and attendees:
        args = {"user_id": attendees[pick % len(attendees)], "score": SCORES[variant % len(SCORES)]}
        return boss, "training.score", found["id"], args
    if found["status"] == "closed":
        return boss, "training.close", found["id"], {}  # a conflict: closed sessions stay closed
    absent = [m for m in w.members(key) if m not in attendees]
    if variant % 6 in (0, 3) and absent:
        person = absent[(pick + variant) % len(absent)]
        return boss, "training.tick", found["id"], {"user_id": person}
    if variant % 6 == 1:
        who = actor(key, pick + variant)
        code = code_for(found["id"], secret_of(found["id"]), window_of(w.now))
        return who, "training.sign_in", found["id"], {"code": code}
    if variant % 6 == 5 and not attendees:
        return boss, "training.cancel", found["id"], {"reason": "改期"}
    return boss, "training.close", found["id"], {}


def inspection(w: World, key: str, pick: int, variant: int) -> Command:
    """Principal inspections, self-checks (a bureau task answered), enforcement with a quiz; finish."""
    found = choose([i for i in w.records("inspection", key) if i["status"] == "in_progress"], pick)
    if found is None:
        kind = ("principal", "self_check", "enforcement")[variant % 3]
        if kind == "enforcement":
            args = {"kind": kind, "enterprise_id": w.enterprises[key]}
            return "bureau", "inspection.start", w.new_id(), args
        if kind == "principal" and "principal-a" in ACTORS[key]:
            return "principal-a", "inspection.start", w.new_id(), {"kind": kind, "location": "炼钢车间"}
        args = {"kind": "self_check", "location": "抛光车间"}
        tasks = [t for t in w.records("self_check", key) if t["status"] == "open"]
        if tasks and variant % 2:
            args["self_check_id"] = tasks[0]["id"]
        return manager(key, variant), "inspection.start", w.new_id(), args
    leader = w.names.get(found["led_by"], "bureau")
    variant //= 2
    if variant % 3 == 2:
        return leader, "inspection.finish", found["id"], {"summary": "检查完毕"}
    if variant % 3 == 1 and found["kind"] == "enforcement":
        return "bureau", "inspection.record_quiz", found["id"], {"score": SCORES[variant % 7]}
    item = found["items"][(pick + variant) % len(found["items"])]
    result = ("pass", "fail", "na")[variant % 3]
    args = {"item_id": item["id"], "result": result, "note": "不符合" if result == "fail" else None}
    return leader, "inspection.record_item", found["id"], args


def certificate(w: World, key: str, pick: int, variant: int) -> Command:
    """Record (mostly weeks before a review window, renewal window or expiry: time changes their
    state), review, renew, revoke."""
    found = choose([c for c in w.records("certificate", key) if c["status"] != "revoked"], pick)
    boss = manager(key, variant)
    step = variant // 2 % 6
    if found is None or step >= 3:
        holders = w.members(key, active=None)
        args = {
            "user_id": holders[(pick + variant) % len(holders)],
            "operation": "电工作业",
            "number": f"T{variant:07d}",
            "issued_on": day(w, -certificate_age(variant)),
        }
        return boss, "certificate.record", w.new_id(), args
    if step == 0:
        return boss, "certificate.review", found["id"], {"reviewed_on": day(w, -(variant % 30))}
    if step == 1:
        args = {"issued_on": day(w, -(variant % 60)), "number": f"R{variant:07d}"}
        return boss, "certificate.renew", found["id"], args
    return boss, "certificate.revoke", found["id"], {"reason": "吊销"}


def certificate_age(variant: int) -> int:
    """Return a certificate's age in days: up to 45 days short of a state change, or any up to 7 years."""
    edges = (
        REVIEW_EVERY_YEARS * 365 - APPLY_WITHIN_DAYS,
        VALIDITY_YEARS * 365 - APPLY_WITHIN_DAYS,
        VALIDITY_YEARS * 365,
    )
    if variant % 4 == 3:
        return variant * 97 % 2555
    return edges[variant % 4] - variant % 45


def people(w: World, key: str, pick: int, variant: int) -> Command:
    """Hire, change role or hire date, deactivate, reactivate; confirm or change the ledger."""
    boss = manager(key, variant)
    step = variant % 7
    active, inactive = w.created_people(key, True), w.created_people(key, False)
    variant //= 7
    if step == 1 and active:
        role = ("worker", "officer")[variant % 2]
        args = {"role": role, "hired_on": day(w, -(variant * 41 % 900)), "job": "电工"}
        return boss, "user.update", active[pick % len(active)], args
    if step == 2 and active:
        return boss, "user.deactivate", active[pick % len(active)], {"reason": "离职"}
    if step == 3 and inactive:
        return boss, "user.reactivate", inactive[pick % len(inactive)], {}
    if step == 4:
        return ("bureau", boss)[variant % 2], "enterprise.confirm_ledger", w.enterprises[key], {"note": ""}
    if step == 5:
        flags = [f for i, f in enumerate(ENTERPRISE_FLAGS) if (variant + pick) >> (i % 5) & 1]
        return "bureau", "enterprise.update", w.enterprises[key], {"flags": flags[:4]}
    user_id = w.new_id()
    args = {
        "username": f"sim-{user_id[:8]}",
        "display_name": "王五",
        "role": ("worker", "worker", "officer")[variant % 3],
        "employment_type": ("own", "dispatched", "contractor")[variant % 3],
        "password": "demo1234",
        "hired_on": day(w, -(variant * 53 % 700)) if variant % 2 else None,
    }
    return boss, "user.create", user_id, args


def notice(w: World, key: str, pick: int, variant: int) -> Command:
    """The bureau's notice to all or flagged enterprises, asking for self-checks by a date."""
    target = {"all": True} if variant % 2 else {"flags": ["dust_explosion", "gas"][: 1 + pick % 2]}
    args = {"title": "警示通报", "body": "举一反三，开展自查", "kind": "accident", "target": target}
    if variant % 3:
        args["self_check_due"] = day(w, variant % 20)
    return "bureau", "notice.send", w.new_id(), args


STORIES = {
    "hazard": hazard,
    "drill": drill,
    "equipment": equipment,
    "lockout": lockout,
    "training": training,
    "inspection": inspection,
    "certificate": certificate,
    "people": people,
    "notice": notice,
}
