"""Handlers of the drill commands: plan, start, roll call by tick or badge QR, end, photos, evaluation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sync import Change, CommandContext, CommandSpec, Text
from sync.wire import format_time, parse_time

from ..badges import badge_user
from ..models import User
from ..rules.drill_rules import decide, evacuation_seconds, missing_ids
from ..schemas.drill import (
    AddPhotosArgs,
    CancelArgs,
    CheckInArgs,
    EndArgs,
    EvaluateArgs,
    PlanArgs,
    StartArgs,
)
from .common import current_data, document_change, load_args, reject

NOT_A_COLLEAGUE = Text("必须是本企业在职人员", "Must be an active user of this enterprise")
BAD_BADGE = Text("胸卡二维码无效", "This badge QR code is not valid")
ALREADY_CHECKED_IN = Text("此人已签到", "This person has already checked in")


def _decide(ctx: CommandContext) -> str:
    decision = decide(ctx.command.type, ctx.actor.role, ctx.current.data if ctx.current else None)
    if decision.code:
        raise reject(decision.code)
    return decision.next_state


def _active_user_ids(session, enterprise_id: str) -> list[str]:
    query = (
        select(User.id)
        .where(User.enterprise_id == enterprise_id, User.active.is_(True))
        .order_by(User.username)
    )
    return list(session.execute(query).scalars())


def _colleague(session, user_id: str | None, enterprise_id: str) -> bool:
    user = session.get(User, user_id) if user_id else None
    return user is not None and user.active and user.enterprise_id == enterprise_id


def _invalid(field: str, message: Text):
    return reject("invalid", message, {field: [message.en]})


def plan(ctx: CommandContext) -> Change:
    """Create a drill in `planned`."""
    status = _decide(ctx)
    args = load_args(PlanArgs(), ctx.command.args)
    expected = args["expected_ids"]
    if expected is not None:
        expected = list(dict.fromkeys(str(user_id) for user_id in expected))
        if not all(_colleague(ctx.session, u, ctx.actor.enterprise_id) for u in expected):
            raise _invalid("expected_ids", NOT_A_COLLEAGUE)
    data: dict[str, Any] = {
        "id": ctx.command.entity_id,
        "enterprise_id": ctx.actor.enterprise_id,
        "type": args["type"],
        "scenario": args["scenario"],
        "planned_on": args["planned_on"].isoformat(),
        "status": status,
        "started_at": None,
        "ended_at": None,
        # None until the drill starts: then every active person of the enterprise is expected.
        "expected_ids": expected,
        "participants": [],
        "missing_ids": [],
        "evacuation_seconds": None,
        "photos": [],
        "evaluation": None,
        "cancel_reason": None,
        "history": [],
    }
    return document_change(ctx, "drill", data, drill_type=args["type"], planned_on=data["planned_on"])


def start(ctx: CommandContext) -> Change:
    """Start a planned drill; fix who is expected at the assembly point."""
    status = _decide(ctx)
    load_args(StartArgs(), ctx.command.args)
    data = current_data(ctx)
    if data["expected_ids"] is None:
        data["expected_ids"] = _active_user_ids(ctx.session, data["enterprise_id"])
    data.update(status=status, started_at=format_time(ctx.command.captured_at))
    return document_change(ctx, "drill", data)


def _checked_in_user(ctx: CommandContext, args: dict[str, Any], enterprise_id: str) -> str:
    if args["method"] == "qr":
        user_id = badge_user(args["qr"])
        if user_id is None:
            raise _invalid("qr", BAD_BADGE)
        field = "qr"
    else:
        user_id, field = str(args["user_id"]), "user_id"
    if not _colleague(ctx.session, user_id, enterprise_id):
        raise _invalid(field, NOT_A_COLLEAGUE)
    return user_id


def check_in(ctx: CommandContext) -> Change:
    """Add a participant of a running drill, ticked by name or scanned by badge."""
    _decide(ctx)
    args = load_args(CheckInArgs(), ctx.command.args)
    data = current_data(ctx)
    user_id = _checked_in_user(ctx, args, data["enterprise_id"])
    if any(p["user_id"] == user_id for p in data["participants"]):
        raise reject("conflict", ALREADY_CHECKED_IN)
    at = format_time(ctx.command.captured_at)
    participant = {"user_id": user_id, "at": at, "method": args["method"], "by": ctx.actor.id}
    data["participants"].append(participant)
    return document_change(ctx, "drill", data, user_id=user_id, method=args["method"])


def end(ctx: CommandContext) -> Change:
    """End a running drill: who is missing, and how long the evacuation took."""
    status = _decide(ctx)
    load_args(EndArgs(), ctx.command.args)
    data = current_data(ctx)
    participants = data["participants"]
    data["missing_ids"] = missing_ids(data["expected_ids"], (p["user_id"] for p in participants))
    data["evacuation_seconds"] = evacuation_seconds(
        parse_time(data["started_at"]),
        ctx.command.captured_at,
        (parse_time(p["at"]) for p in participants),
    )
    data.update(status=status, ended_at=format_time(ctx.command.captured_at))
    return document_change(
        ctx, "drill", data, missing=len(data["missing_ids"]), seconds=data["evacuation_seconds"]
    )


def add_photos(ctx: CommandContext) -> Change:
    """Append photos to a drill that is not cancelled."""
    _decide(ctx)
    args = load_args(AddPhotosArgs(), ctx.command.args)
    data = current_data(ctx)
    data["photos"] = list(dict.fromkeys([*data["photos"], *args["photos"]]))
    return document_change(ctx, "drill", data, tuple(args["photos"]), photos=args["photos"])


def evaluate(ctx: CommandContext) -> Change:
    """Record the evaluation (problems found, improvements) of an ended drill."""
    status = _decide(ctx)
    args = load_args(EvaluateArgs(), ctx.command.args)
    data = current_data(ctx)
    at = format_time(ctx.command.captured_at)
    data["evaluation"] = {**args, "by": ctx.actor.id, "at": at}
    data["status"] = status
    return document_change(ctx, "drill", data)


def cancel(ctx: CommandContext) -> Change:
    """Cancel a planned drill, saying why."""
    status = _decide(ctx)
    args = load_args(CancelArgs(), ctx.command.args)
    data = current_data(ctx)
    data.update(status=status, cancel_reason=args["reason"])
    return document_change(ctx, "drill", data, reason=args["reason"])


SPECS = (
    CommandSpec("drill.plan", "drill", plan, creates=True),
    CommandSpec("drill.start", "drill", start),
    CommandSpec("drill.check_in", "drill", check_in),
    CommandSpec("drill.end", "drill", end),
    CommandSpec("drill.add_photos", "drill", add_photos, blob_args=("photos",)),
    CommandSpec("drill.evaluate", "drill", evaluate),
    CommandSpec("drill.cancel", "drill", cancel),
)

ARGS = {
    "drill.plan": PlanArgs,
    "drill.start": StartArgs,
    "drill.check_in": CheckInArgs,
    "drill.end": EndArgs,
    "drill.add_photos": AddPhotosArgs,
    "drill.evaluate": EvaluateArgs,
    "drill.cancel": CancelArgs,
}
