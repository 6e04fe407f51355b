"""Handlers of the lockout-tagout commands (and, aggregated here, the equipment commands)."""

from __future__ import annotations

import uuid
from typing import Any

from sync import Change, CommandContext, CommandSpec, Text
from sync.wire import format_time, is_uuid

from ..records import record
from ..rules.lockout_rules import (
    decide,
    lock_on,
    needs_removal_reason,
    relations_of,
    status_after_apply,
    status_after_remove,
)
from ..schemas.lockout import (
    ApplyLockArgs,
    ConfirmArgs,
    OpenLockoutArgs,
    ReleaseArgs,
    RemoveLockArgs,
    VerifyZeroEnergyArgs,
)
from . import equipment_commands
from .common import current_data, document_change, load_args, reject

NO_EQUIPMENT = Text("设备不存在或已停用", "No such active equipment in this enterprise")
NO_POINT = Text("该设备没有此隔离点", "The equipment has no such isolation point")
NO_LOCK = Text("此隔离点没有锁", "No lock on this point")
POINT_LOCKED = Text("此隔离点已挂锁", "This point is already locked")
LOCK_REMOVED = Text("此锁已摘除", "This lock was already removed")
REASON_REQUIRED = Text("摘除他人的锁必须说明原因", "Removing someone else's lock needs a reason")


def _point_arg(ctx: CommandContext) -> str | None:
    value = ctx.command.args.get("point_id")
    return str(uuid.UUID(value)) if is_uuid(value) else None


def _decide(ctx: CommandContext, point_id: str | None = None) -> str:
    lockout = ctx.current.data if ctx.current else None
    relations = relations_of(ctx.actor.id, lockout, point_id)
    decision = decide(ctx.command.type, ctx.actor.role, relations, lockout)
    if decision.code:
        raise reject(decision.code)
    return decision.next_state


def _invalid(field: str, message: Text):
    return reject("invalid", message, {field: [message.en]})


def _equipment(ctx: CommandContext, equipment_id: str, enterprise_id: str) -> dict[str, Any] | None:
    equipment = record(ctx.session, "equipment", equipment_id)
    return equipment if equipment and equipment["enterprise_id"] == enterprise_id else None


def open_lockout(ctx: CommandContext) -> Change:
    """Open a lockout on active equipment of the person's enterprise."""
    status = _decide(ctx)
    args = load_args(OpenLockoutArgs(), ctx.command.args)
    equipment_id = str(args["equipment_id"])
    equipment = _equipment(ctx, equipment_id, ctx.actor.enterprise_id)
    if equipment is None or not equipment["active"]:
        raise _invalid("equipment_id", NO_EQUIPMENT)
    data = {
        "id": ctx.command.entity_id,
        "enterprise_id": ctx.actor.enterprise_id,
        "equipment_id": equipment_id,
        "work_type": args["work_type"],
        "reason": args["reason"],
        "status": status,
        "opened_by": ctx.actor.id,
        "locks": [],
        "tryout": None,
        "confirmation": None,
        "release": None,
        "history": [],
    }
    return document_change(ctx, "lockout", data, equipment_id=equipment_id)


def apply_lock(ctx: CommandContext) -> Change:
    """Hang a lock and tag on one isolation point; the last point locked makes the lockout `locked`."""
    status = _decide(ctx)
    args = load_args(ApplyLockArgs(), ctx.command.args)
    data = current_data(ctx)
    equipment = _equipment(ctx, data["equipment_id"], data["enterprise_id"]) or {"points": []}
    point_ids = [point["id"] for point in equipment["points"]]
    point_id = str(args["point_id"])
    if point_id not in point_ids:
        raise _invalid("point_id", NO_POINT)
    lock = lock_on(data, point_id)
    if lock and not lock["removed_at"]:
        raise reject("conflict", POINT_LOCKED)
    data["locks"].append(
        {
            "point_id": point_id,
            "lock_number": args["lock_number"],
            "tag": args["tag"],
            "applied_by": ctx.actor.id,
            "applied_at": format_time(ctx.command.captured_at),
            "photos": args["photos"],
            "removed_by": None,
            "removed_at": None,
            "removal_reason": None,
        }
    )
    data["status"] = status_after_apply(data["locks"], point_ids, status)
    details = {"point_id": point_id, "lock_number": args["lock_number"]}
    return document_change(ctx, "lockout", data, tuple(args["photos"]), **details)


def verify_zero_energy(ctx: CommandContext) -> Change:
    """Record the try-out that proves zero energy, with photos."""
    status = _decide(ctx)
    args = load_args(VerifyZeroEnergyArgs(), ctx.command.args)
    data = current_data(ctx)
    at = format_time(ctx.command.captured_at)
    data["tryout"] = {"by": ctx.actor.id, "at": at, "photos": args["photos"], "note": args["note"]}
    data["status"] = status
    return document_change(ctx, "lockout", data, tuple(args["photos"]))


def confirm(ctx: CommandContext) -> Change:
    """Confirm, as a second person who applied none of the locks, that work may start."""
    status = _decide(ctx)
    load_args(ConfirmArgs(), ctx.command.args)
    data = current_data(ctx)
    data["confirmation"] = {"by": ctx.actor.id, "at": format_time(ctx.command.captured_at)}
    data["status"] = status
    return document_change(ctx, "lockout", data)


def release(ctx: CommandContext) -> Change:
    """Start the release once people and tools are confirmed clear."""
    status = _decide(ctx)
    args = load_args(ReleaseArgs(), ctx.command.args)
    data = current_data(ctx)
    data["release"] = {"by": ctx.actor.id, "at": format_time(ctx.command.captured_at), **args}
    data["status"] = status
    return document_change(ctx, "lockout", data)


def remove_lock(ctx: CommandContext) -> Change:
    """Take one lock off: its applier, or an officer giving a reason; the last one releases."""
    point_id = _point_arg(ctx)
    status = _decide(ctx, point_id)
    data = current_data(ctx)
    lock = lock_on(data, point_id)
    if lock and lock["removed_at"]:
        raise reject("conflict", LOCK_REMOVED)
    args = load_args(RemoveLockArgs(), ctx.command.args)
    if lock is None:
        raise _invalid("point_id", NO_LOCK)
    reason = (args["reason"] or "").strip() or None
    if reason is None and needs_removal_reason(relations_of(ctx.actor.id, data, point_id)):
        raise _invalid("reason", REASON_REQUIRED)
    lock.update(
        removed_by=ctx.actor.id,
        removed_at=format_time(ctx.command.captured_at),
        removal_reason=reason,
    )
    data["status"] = status_after_remove(data["locks"], status)
    return document_change(ctx, "lockout", data, point_id=point_id, reason=reason)


SPECS = (
    *equipment_commands.SPECS,
    CommandSpec("lockout.open", "lockout", open_lockout, creates=True),
    CommandSpec("lockout.apply_lock", "lockout", apply_lock, blob_args=("photos",)),
    CommandSpec("lockout.verify_zero_energy", "lockout", verify_zero_energy, blob_args=("photos",)),
    CommandSpec("lockout.confirm", "lockout", confirm),
    CommandSpec("lockout.release", "lockout", release),
    CommandSpec("lockout.remove_lock", "lockout", remove_lock),
)

ARGS = {
    **equipment_commands.ARGS,
    "lockout.open": OpenLockoutArgs,
    "lockout.apply_lock": ApplyLockArgs,
    "lockout.verify_zero_energy": VerifyZeroEnergyArgs,
    "lockout.confirm": ConfirmArgs,
    "lockout.release": ReleaseArgs,
    "lockout.remove_lock": RemoveLockArgs,
}
