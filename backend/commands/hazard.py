"""Handlers of the hazard commands: load, ask the rules, validate args, write, return the new state."""

from __future__ import annotations

from typing import Any

from sync import Change, CommandContext, CommandSpec, Text
from sync.store import load_entity
from sync.wire import format_time

from ..extensions import db
from ..models import User
from ..rules.hazard_rules import TRANSITIONS, decide, relations_of, state_after_verify
from ..schemas.hazard_commands import AssignArgs, DismissArgs, RectifyArgs, ReportArgs, VerifyArgs
from ..scopes import enterprise_scope
from .common import current_data, load_args, reject

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


def _saved(ctx: CommandContext, data: dict[str, Any], event: dict[str, Any], blobs=()) -> Change:
    data["history"] = [*(data.get("history") or []), event]
    return Change("hazard", data["id"], enterprise_scope(data["enterprise_id"]), data, blobs=tuple(blobs))


def new_hazard(hazard_id: str, enterprise_id: str, ctx: CommandContext, **fields: Any) -> dict[str, Any]:
    """Return a fresh hazard document in `reported`, every field protocol.md lists present."""
    return {
        "id": hazard_id,
        "enterprise_id": enterprise_id,
        "title": fields["title"],
        "description": fields.get("description") or "",
        "location": fields["location"],
        "category": fields.get("category"),
        "criterion": fields.get("criterion"),
        "severity": fields["severity"],
        "status": TRANSITIONS["hazard.report"][None],
        "photos": list(fields.get("photos") or []),
        "reported_by": ctx.actor.id,
        "captured_at": format_time(ctx.command.captured_at),
        "received_at": format_time(ctx.received_at),
        "assignee_id": None,
        "due_date": None,
        "plan": None,
        "rectification": None,
        "verification": None,
        "history": [],
        "inspection_id": fields.get("inspection_id"),
    }


def report(ctx: CommandContext) -> Change:
    """Create a hazard in `reported`."""
    _decide(ctx)
    if ctx.current is not None:
        raise reject("conflict")
    args = load_args(REPORT_ARGS, ctx.command.args)
    data = new_hazard(ctx.command.entity_id, ctx.actor.enterprise_id, ctx, **args)
    return _saved(ctx, data, _event(ctx), args["photos"])


def assign(ctx: CommandContext) -> Change:
    """Give a hazard to an assignee with a due date (and a plan for a major one)."""
    status = _decide(ctx)
    args = load_args(ASSIGN_ARGS, ctx.command.args)
    hazard = current_data(ctx)
    assignee_id = str(args["assignee_id"])
    assignee = db.session.get(User, assignee_id)
    if assignee is None or not assignee.active or assignee.enterprise_id != hazard["enterprise_id"]:
        raise reject("invalid", ASSIGNEE_INVALID, {"assignee_id": [ASSIGNEE_INVALID.en]})
    # An assign without a plan keeps the one recorded before: a re-assignment never erases a plan.
    plan = (args.get("plan") or "").strip() or hazard.get("plan")
    if hazard["severity"] == "major" and not plan:
        raise reject("invalid", PLAN_REQUIRED, {"plan": [PLAN_REQUIRED.en]})
    due_date = args["due_date"].isoformat()
    changes = _changes(hazard, assignee_id=assignee_id, due_date=due_date, plan=plan)
    hazard.update(status=status, assignee_id=assignee_id, due_date=due_date, plan=plan)
    event = _event(ctx, assignee_id=assignee_id, due_date=due_date, changes=changes)
    return _saved(ctx, hazard, event)


def _changes(hazard: dict[str, Any], **new_values: str | None) -> list[dict[str, str | None]]:
    """List each field whose value this command changes, old and new, for the history."""
    return [
        {"field": field, "from": hazard.get(field), "to": value}
        for field, value in new_values.items()
        if hazard.get(field) != value
    ]


def rectify(ctx: CommandContext) -> Change:
    """Record what was done, with photos after."""
    status = _decide(ctx)
    args = load_args(RECTIFY_ARGS, ctx.command.args)
    hazard = current_data(ctx)
    at = format_time(ctx.command.captured_at)
    hazard["status"] = status
    hazard["rectification"] = {"note": args["note"], "photos": args["photos"], "by": ctx.actor.id, "at": at}
    return _saved(ctx, hazard, _event(ctx, note=args["note"]), args["photos"])


def verify(ctx: CommandContext) -> Change:
    """Accept a rectification (closed) or send it back to the assignee."""
    hazard_state = ctx.current.data
    decision = decide(
        ctx.command.type, ctx.actor.role, relations_of(ctx.actor.id, hazard_state), hazard_state
    )
    if decision.code:
        raise reject(decision.code)
    args = load_args(VERIFY_ARGS, ctx.command.args)
    hazard = current_data(ctx)
    at = format_time(ctx.command.captured_at)
    hazard["status"] = state_after_verify(decision, args["accepted"])
    hazard["verification"] = {
        "accepted": args["accepted"],
        "note": args.get("note"),
        "by": ctx.actor.id,
        "at": at,
    }
    return _saved(ctx, hazard, _event(ctx, accepted=args["accepted"], note=args.get("note")))


def dismiss(ctx: CommandContext) -> Change:
    """Close a report that is not a hazard, saying why."""
    status = _decide(ctx)
    args = load_args(DISMISS_ARGS, ctx.command.args)
    hazard = current_data(ctx)
    hazard["status"] = status
    return _saved(ctx, hazard, _event(ctx, reason=args["reason"]))


def from_inspection_item(
    ctx: CommandContext, inspection: dict[str, Any], item: dict[str, Any], hazard_id: str
) -> Change:
    """Create a reported hazard from an inspection's failed item, linked to the inspection."""
    if load_entity(ctx.session, "hazard", hazard_id) is not None:
        raise reject("conflict")
    data = new_hazard(
        hazard_id,
        inspection["enterprise_id"],
        ctx,
        title=f"{item['id']} {item['text']}"[:200],
        description=item.get("note") or "",
        location=(inspection.get("location") or INSPECTION_LOCATION.zh)[:200],
        criterion=item["id"],
        severity="major" if item.get("major") else "general",
        photos=list(item.get("photos") or []),
        inspection_id=inspection["id"],
    )
    event = _event(ctx, inspection_id=inspection["id"], criterion=item["id"])
    return _saved(ctx, data, event, data["photos"])


# Each command's handler reads only the hazard it acts on (and the users table): decided in memory, batched.
SPECS = (
    CommandSpec("hazard.report", "hazard", report, creates=True, blob_args=("photos",), batched=True),
    CommandSpec("hazard.assign", "hazard", assign, batched=True),
    CommandSpec("hazard.rectify", "hazard", rectify, blob_args=("photos",), batched=True),
    CommandSpec("hazard.verify", "hazard", verify, batched=True),
    CommandSpec("hazard.dismiss", "hazard", dismiss, batched=True),
)

ARGS = {
    "hazard.report": ReportArgs,
    "hazard.assign": AssignArgs,
    "hazard.rectify": RectifyArgs,
    "hazard.verify": VerifyArgs,
    "hazard.dismiss": DismissArgs,
}
# One schema instance per command type: building a marshmallow schema costs more than loading with it.
REPORT_ARGS, ASSIGN_ARGS, RECTIFY_ARGS, VERIFY_ARGS, DISMISS_ARGS = (schema() for schema in ARGS.values())
