"""What each simulated person does next in the hazard workflow, judged from the device's synced state."""

from __future__ import annotations

from datetime import date, timedelta

from tests.protocol.client import uuid7

from .device import Device

TAG = "[chaos]"
REPORTS_PER_WORKER = 2
STEP_COMMANDS = 2
MANAGER_ROLES = ("officer", "principal")
# Shares of choices: how often a person acts outside their own share, fixes on the spot, sends back.
STRAY = 0.25
ON_THE_SPOT = 0.3
PHOTO_IN_REPORT = 0.3
DISMISS = 0.1
ACCEPT = 0.7


def run_hazards(device: Device) -> list[dict]:
    """Hazards of this run (by title tag) the device holds, oldest first."""
    return sorted(
        (h for h in device.entities("hazard") if h["title"].startswith(TAG)), key=lambda h: h["captured_at"]
    )


def _fresh(device: Device, hazard: dict) -> bool:
    """Tell whether the hazard changed since this device last acted on it."""
    version = device.store[f"hazard/{hazard['id']}"]["version"]
    return device.state["acted"].get(hazard["id"], 0) < version


def step(device: Device, managers: list[str], budget: int) -> int:
    """Enqueue at most a few commands for this person's role; return how many."""
    room = min(STEP_COMMANDS, budget - device.state["spent"])
    if room <= 0:
        return 0
    if device.user["role"] in MANAGER_ROLES:
        return _manage(device, managers, room)
    return _work(device, room)


def _work(device: Device, room: int) -> int:
    rng, me, made = device.rng, device.user["id"], 0
    reports = sum(1 for c in device.state["commands"] if c["type"] == "hazard.report")
    if reports < REPORTS_PER_WORKER and rng.random() < 0.6:
        args = {
            "title": f"{TAG} {device.username} #{reports + 1}",
            "description": "故障注入测试上报",
            "location": "一号车间",
            "severity": rng.choice(("general", "general", "major")),
            "photos": [device.new_photo()] if rng.random() < PHOTO_IN_REPORT else [],
        }
        device.enqueue("hazard.report", uuid7(), args)
        made += 1
    for hazard in run_hazards(device):
        if made >= room or not _fresh(device, hazard):
            continue
        mine_assigned = hazard["status"] == "assigned" and hazard["assignee_id"] == me
        on_the_spot = (
            hazard["status"] == "reported"
            and hazard["severity"] == "general"
            and hazard["reported_by"] == me
            and rng.random() < ON_THE_SPOT
        )
        if mine_assigned or on_the_spot:
            args = {"note": "已整改：更换防护罩", "photos": [device.new_photo()]}
            device.enqueue("hazard.rectify", hazard["id"], args, _version(device, hazard))
            made += 1
    return made


def _manage(device: Device, managers: list[str], room: int) -> int:
    rng, me, made = device.rng, device.user["id"], 0
    workers = [u["id"] for u in device.entities("user") if u["role"] == "worker" and u.get("active", True)]
    for hazard in run_hazards(device):
        if made >= room or not _fresh(device, hazard):
            continue
        mine = managers[int(hazard["id"][-6:], 16) % len(managers)] == me or rng.random() < STRAY
        version = _version(device, hazard)
        if hazard["status"] == "reported" and mine:
            if rng.random() < DISMISS:
                device.enqueue("hazard.dismiss", hazard["id"], {"reason": "不构成隐患"}, version)
            else:
                args = {"assignee_id": rng.choice(workers), "due_date": _due(), "plan": "停机整改，更换部件"}
                device.enqueue("hazard.assign", hazard["id"], args, version)
            made += 1
        elif hazard["status"] == "rectified" and mine and (hazard["rectification"] or {}).get("by") != me:
            accepted = rng.random() < ACCEPT
            args = {"accepted": accepted, "note": None if accepted else "整改不到位，重新整改"}
            device.enqueue("hazard.verify", hazard["id"], args, version)
            made += 1
    return made


def _version(device: Device, hazard: dict) -> int:
    return device.store[f"hazard/{hazard['id']}"]["version"]


def _due() -> str:
    return (date.today() + timedelta(days=7)).isoformat()
