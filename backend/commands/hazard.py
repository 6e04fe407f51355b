"""Handlers of the hazard commands: load, ask the rules, validate args, write, return the new state."""

from __future__ import annotations

from typing import Any

from sync import Change, CommandContext, CommandSpec, Text
from sync.wire import format_time

from ..extensions import db
from ..models import Hazard, User
from ..rules.hazard_rules import TRANSITIONS, decide, relations_of, state_after_verify
from ..schemas.hazard_commands import AssignArgs, DismissArgs, RectifyArgs, ReportArgs, VerifyArgs
from .common import load_args, reject

PLAN_REQUIRED = Text("重大事故隐患必须填写整改方案", "A major hazard needs a plan")
INSPECTION_LOCATION = Text("见检查记录", "See the inspection record")
ASSIGNEE_INVALID = Text(
    "整改人必须是本企业在职人员", "The assignee must be an active user of this enterprise"
)


def _decide(ctx: CommandContext) -> str:
    hazard = ctx.current.data if ctx.current else None
    decision = decide(ctx.command.type, ctx.actor.role, relations_of(ctx.actor.id, hazard), hazard)
    if decision.code:
        raise reject(decision.code)
    return decision.next_state


def _event(ctx: CommandContext, **details: Any) -> dict[str, Any]:
    return {
        "type": ctx.command.type,
        "by": ctx.actor.id,
        "at": format_time(ctx.command.captured_at),
        "received_at": format_time(ctx.received_at),
        **details,
    }


def _saved(hazard: Hazard, ctx: CommandContext, event: dict[str, Any], blobs=()) -> Change:
    hazard.history = [*(hazard.history or []), event]
    db.session.flush()
    return Change("hazard", hazard.id, hazard.scope, hazard.to_data(), blobs=tuple(blobs))


def report(ctx: CommandContext) -> Change:
    """Create a hazard in `reported`."""
    status = _decide(ctx)
    if ctx.current is not None:
        raise reject("conflict")
    args = load_args(ReportArgs(), ctx.command.args)
    hazard = Hazard(
        id=ctx.command.entity_id,
        enterprise_id=ctx.actor.enterprise_id,
        title=args["title"],
        description=args["description"],
        location=args["location"],
        category=args.get("category"),
        criterion=args.get("criterion"),
        severity=args["severity"],
        status=status,
        photos=args["photos"],
        reported_by=ctx.actor.id,
        captured_at=ctx.command.captured_at,
        received_at=ctx.received_at,
        history=[],
    )
    db.session.add(hazard)
    return _saved(hazard, ctx, _event(ctx), args["photos"])


def assign(ctx: CommandContext) -> Change:
    """Give a hazard to an assignee with a due date (and a plan for a major one)."""
    status = _decide(ctx)
    args = load_args(AssignArgs(), ctx.command.args)
    hazard = db.session.get(Hazard, ctx.command.entity_id)
    assignee_id = str(args["assignee_id"])
    assignee = db.session.get(User, assignee_id)
    if assignee is None or not assignee.active or assignee.enterprise_id != hazard.enterprise_id:
        raise reject("invalid", ASSIGNEE_INVALID, {"assignee_id": [ASSIGNEE_INVALID.en]})
    # An assign without a plan keeps the one recorded before: a re-assignment never erases a plan.
    plan = (args.get("plan") or "").strip() or hazard.plan
    if hazard.severity == "major" and not plan:
        raise reject("invalid", PLAN_REQUIRED, {"plan": [PLAN_REQUIRED.en]})
    due_date = args["due_date"].isoformat()
    changes = _changes(hazard, assignee_id=assignee_id, due_date=due_date, plan=plan)
    hazard.status, hazard.assignee_id, hazard.due_date, hazard.plan = (
        status,
        assignee_id,
        args["due_date"],
        plan,
    )
    event = _event(ctx, assignee_id=assignee_id, due_date=due_date, changes=changes)
    return _saved(hazard, ctx, event)


def _changes(hazard: Hazard, **new_values: str | None) -> list[dict[str, str | None]]:
    """List each field whose value this command changes, old and new, for the history."""
    old_values = hazard.to_data()
    return [
        {"field": field, "from": old_values[field], "to": value}
        for field, value in new_values.items()
        if old_values[field] != value
    ]


def rectify(ctx: CommandContext) -> Change:
    """Record what was done, with photos after."""
    status = _decide(ctx)
    args = load_args(RectifyArgs(), ctx.command.args)
    hazard = db.session.get(Hazard, ctx.command.entity_id)
    at = format_time(ctx.command.captured_at)
    hazard.status = status
    hazard.rectification = {"note": args["note"], "photos": args["photos"], "by": ctx.actor.id, "at": at}
    return _saved(hazard, ctx, _event(ctx, note=args["note"]), args["photos"])


def verify(ctx: CommandContext) -> Change:
    """Accept a rectification (closed) or send it back to the assignee."""
    hazard_state = ctx.current.data
    decision = decide(
        ctx.command.type, ctx.actor.role, relations_of(ctx.actor.id, hazard_state), hazard_state
    )
    if decision.code:
        raise reject(decision.code)
    args = load_args(VerifyArgs(), ctx.command.args)
    hazard = db.session.get(Hazard, ctx.command.entity_id)
    at = format_time(ctx.command.captured_at)
    hazard.status = state_after_verify(decision, args["accepted"])
    hazard.verification = {
        "accepted": args["accepted"],
        "note": args.get("note"),
        "by": ctx.actor.id,
        "at": at,
    }
    return _saved(hazard, ctx, _event(ctx, accepted=args["accepted"], note=args.get("note")))


def dismiss(ctx: CommandContext) -> Change:
    """Close a report that is not a hazard, saying why."""
    status = _decide(ctx)
    args = load_args(DismissArgs(), ctx.command.args)
    hazard = db.session.get(Hazard, ctx.command.entity_id)
    hazard.status = status
    return _saved(hazard, ctx, _event(ctx, reason=args["reason"]))


def from_inspection_item(
    ctx: CommandContext, inspection: dict[str, Any], item: dict[str, Any], hazard_id: str
) -> Change:
    """Create a reported hazard from an inspection's failed item, linked to the inspection."""
    if db.session.get(Hazard, hazard_id) is not None:
        raise reject("conflict")
    hazard = Hazard(
        id=hazard_id,
        enterprise_id=inspection["enterprise_id"],
        title=f"{item['id']} {item['text']}"[:200],
        description=item.get("note") or "",
        location=(inspection.get("location") or INSPECTION_LOCATION.zh)[:200],
        category=None,
        criterion=item["id"],
        severity="major" if item.get("major") else "general",
        status=TRANSITIONS["hazard.report"][None],
        photos=list(item.get("photos") or []),
        reported_by=ctx.actor.id,
        captured_at=ctx.command.captured_at,
        received_at=ctx.received_at,
        history=[],
        inspection_id=inspection["id"],
    )
    db.session.add(hazard)
    event = _event(ctx, inspection_id=inspection["id"], criterion=item["id"])
    return _saved(hazard, ctx, event, hazard.photos)


SPECS = (
    CommandSpec("hazard.report", "hazard", report, creates=True, blob_args=("photos",)),
    CommandSpec("hazard.assign", "hazard", assign),
    CommandSpec("hazard.rectify", "hazard", rectify, blob_args=("photos",)),
    CommandSpec("hazard.verify", "hazard", verify),
    CommandSpec("hazard.dismiss", "hazard", dismiss),
)

ARGS = {
    "hazard.report": ReportArgs,
    "hazard.assign": AssignArgs,
    "hazard.rectify": RectifyArgs,
    "hazard.verify": VerifyArgs,
    "hazard.dismiss": DismissArgs,
}
