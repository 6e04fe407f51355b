"""Handlers of the equipment commands: register, update and retire equipment with its isolation points."""

from __future__ import annotations

from typing import Any

from sync import Change, CommandContext, CommandSpec, Text

from ..records import records_of
from ..rules.lockout_rules import ACTIVE_STATUSES, decide_equipment, has_active_lockout, locked_point_ids
from ..schemas.lockout import RegisterEquipmentArgs, RetireEquipmentArgs, UpdateEquipmentArgs
from .common import current_data, document_change, load_args, reject

POINT_LOCKED = Text("有隔离点仍挂锁，不能删除", "A point that carries an active lock cannot be removed")
LOCKOUT_OPEN = Text("设备仍有未解除的挂牌上锁", "A lockout on this equipment is not yet released")
RETIRED = Text("设备已停用", "This equipment is already retired")


def _decide(ctx: CommandContext) -> None:
    decision = decide_equipment(ctx.command.type, ctx.actor.role)
    if decision.code:
        raise reject(decision.code)


def _described(args: dict[str, Any]) -> dict[str, Any]:
    points = [
        {
            "id": str(point["id"]),
            "energy_type": point["energy_type"],
            "location": point["location"],
            "description": point.get("description"),
        }
        for point in args["points"]
    ]
    return {
        "name": args["name"],
        "code": args.get("code"),
        "location": args.get("location"),
        "points": points,
    }


def register(ctx: CommandContext) -> Change:
    """Create equipment with its energy-isolation points."""
    _decide(ctx)
    if ctx.current is not None:
        raise reject("conflict")
    args = load_args(RegisterEquipmentArgs(), ctx.command.args)
    data = {
        "id": ctx.command.entity_id,
        "enterprise_id": ctx.actor.enterprise_id,
        **_described(args),
        "active": True,
        "history": [],
    }
    return document_change(ctx, "equipment", data)


def open_lockouts(session, enterprise_id: str) -> list[dict]:
    """Return the enterprise's lockouts not yet released, read by the status index (not its history)."""
    return records_of(session, "lockout", enterprise_id, statuses=ACTIVE_STATUSES)


def update(ctx: CommandContext) -> Change:
    """Replace the equipment's description and points, keeping every point that is locked out."""
    _decide(ctx)
    args = load_args(UpdateEquipmentArgs(), ctx.command.args)
    data = current_data(ctx)
    described = _described(args)
    lockouts = open_lockouts(ctx.session, data["enterprise_id"])
    kept = {point["id"] for point in described["points"]}
    if locked_point_ids(lockouts, data["id"]) - kept:
        raise reject("conflict", POINT_LOCKED)
    data.update(described)
    return document_change(ctx, "equipment", data)


def retire(ctx: CommandContext) -> Change:
    """Take equipment out of use once no lockout on it is open."""
    _decide(ctx)
    data = current_data(ctx)
    if not data["active"]:
        raise reject("conflict", RETIRED)
    if has_active_lockout(open_lockouts(ctx.session, data["enterprise_id"]), data["id"]):
        raise reject("conflict", LOCKOUT_OPEN)
    load_args(RetireEquipmentArgs(), ctx.command.args)
    data["active"] = False
    return document_change(ctx, "equipment", data)


SPECS = (
    CommandSpec("equipment.register", "equipment", register, creates=True),
    CommandSpec("equipment.update", "equipment", update),
    CommandSpec("equipment.retire", "equipment", retire),
)

ARGS = {
    "equipment.register": RegisterEquipmentArgs,
    "equipment.update": UpdateEquipmentArgs,
    "equipment.retire": RetireEquipmentArgs,
}
