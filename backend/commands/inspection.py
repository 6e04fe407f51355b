"""Handlers of the inspection commands (docs/commands.md, "Inspections"): checklists answered on the spot."""

from __future__ import annotations

import uuid
from typing import Any

from sync import Change, CommandContext, CommandSpec, Text
from sync.store import load_entity
from sync.wire import format_time, is_uuid

from ..models import Enterprise
from ..rules.inspection_rules import (
    KINDS,
    TRANSITIONS,
    checklist_for,
    decide,
    inspection_items,
    may_lead,
    quiz_passes,
    roles_leading_any,
)
from ..rules.regions import within
from ..schemas.inspection import FinishArgs, RecordItemArgs, RecordQuizArgs, StartArgs
from ..scopes import bureau_region
from . import hazard
from .common import current_data, document_change, load_args, reject, require

ENTITY = "inspection"
ENTERPRISE_REQUIRED = Text("执法检查须指明企业", "An enforcement inspection names its enterprise")
UNKNOWN_ITEM = Text("检查表中没有此项", "No such item in the inspection's checklist")
SELF_CHECK_INVALID = Text("自查任务不存在或不属于本企业", "No such self-check task for this enterprise")


def _target_enterprise(ctx: CommandContext) -> Enterprise | None:
    """Return the enterprise inspected; not_found for one the sender may not see or that does not exist."""
    named = ctx.command.args.get("enterprise_id")
    if ctx.actor.role == "bureau":
        if not is_uuid(named):
            return None  # the args check answers invalid
        enterprise = ctx.session.get(Enterprise, named)
        # Another region's enterprise answers as one that does not exist.
        if enterprise is None or not within(
            enterprise.region_code, bureau_region(ctx.session, ctx.actor) or ""
        ):
            raise reject("not_found")
        return enterprise
    if named is not None and named != ctx.actor.enterprise_id:
        raise reject("not_found")
    return ctx.session.get(Enterprise, ctx.actor.enterprise_id) if ctx.actor.enterprise_id else None


def _decide(ctx: CommandContext) -> str:
    decision = decide(ctx.command.type, ctx.actor.role, ctx.actor.id, ctx.current.data)
    if decision.code:
        raise reject(decision.code)
    return decision.next_state


def _saved(ctx: CommandContext, data: dict[str, Any], status: str, blobs=(), **details: Any) -> Change:
    return document_change(ctx, ENTITY, {**data, "status": status}, blobs=tuple(blobs), **details)


def _self_check_task(ctx: CommandContext, enterprise_id: str, args: dict[str, Any]) -> dict[str, Any] | None:
    """Return the open self-check task (from a bureau notice) a self_check inspection answers, if named."""
    if args["self_check_id"] is None:
        return None
    kind = args["kind"]
    stored = load_entity(ctx.session, "self_check", str(args["self_check_id"]))
    if kind != "self_check" or stored is None or stored.data.get("enterprise_id") != enterprise_id:
        raise reject("invalid", SELF_CHECK_INVALID, {"self_check_id": [SELF_CHECK_INVALID.en]})
    if stored.data.get("status") != "open":
        raise reject("conflict")
    return dict(stored.data)


def _self_check_change(ctx: CommandContext, task: dict[str, Any], **changes: Any) -> Change:
    task.update(changes)
    return document_change(ctx, "self_check", task, inspection_id=task["inspection_id"])


def start(ctx: CommandContext) -> Change | list[Change]:
    """Open an inspection of an enterprise with the items of its checklist, unanswered."""
    enterprise = _target_enterprise(ctx)
    kind = ctx.command.args.get("kind")
    require(may_lead(kind, ctx.actor.role) if kind in KINDS else ctx.actor.role in roles_leading_any())
    if ctx.current is not None:
        raise reject("conflict")
    args = load_args(StartArgs(), ctx.command.args)
    if enterprise is None:
        raise reject("invalid", ENTERPRISE_REQUIRED, {"enterprise_id": [ENTERPRISE_REQUIRED.en]})
    status = TRANSITIONS["inspection.start"][None]
    data = {
        "id": ctx.command.entity_id,
        "enterprise_id": enterprise.id,
        "kind": args["kind"],
        "led_by": ctx.actor.id,
        "location": args.get("location"),
        "started_at": format_time(ctx.command.captured_at),
        "finished_at": None,
        "status": status,
        "items": inspection_items(checklist_for(enterprise.industry, enterprise.flags or [])),
        "quiz": None,
        "summary": None,
        "history": [],
    }
    task = _self_check_task(ctx, enterprise.id, args)
    if task is None:
        return _saved(ctx, data, status, kind=args["kind"])
    data["self_check_id"] = task["id"]
    own = _saved(ctx, data, status, kind=args["kind"], self_check_id=task["id"])
    return [own, _self_check_change(ctx, task, inspection_id=data["id"])]


def record_item(ctx: CommandContext) -> Change:
    """Answer one checklist item (again, while in progress): pass, fail with a note, or na."""
    status = _decide(ctx)
    data = current_data(ctx)
    args = load_args(RecordItemArgs(), ctx.command.args)
    item = next((i for i in data["items"] if i["id"] == args["item_id"]), None)
    if item is None:
        raise reject("invalid", UNKNOWN_ITEM, {"item_id": [UNKNOWN_ITEM.en]})
    item.update(result=args["result"], note=args.get("note"), photos=args["photos"])
    details = {"item_id": item["id"], "result": args["result"]}
    return _saved(ctx, data, status, args["photos"], **details)


def record_quiz(ctx: CommandContext) -> Change:
    """Record the principal's score on the bureau's major-hazard criteria quiz (逢查必考)."""
    status = _decide(ctx)
    data = current_data(ctx)
    args = load_args(RecordQuizArgs(), ctx.command.args)
    passed = quiz_passes(args["score"])
    data["quiz"] = {"score": args["score"], "passed": passed, "note": args.get("note")}
    return _saved(ctx, data, status, score=args["score"], passed=passed)


def finish(ctx: CommandContext) -> list[Change]:
    """Finish the inspection; every failed item becomes a reported hazard linked to it."""
    status = _decide(ctx)
    data = current_data(ctx)
    args = load_args(FinishArgs(), ctx.command.args)
    hazards = []
    for item in data["items"]:
        if item.get("result") == "fail":
            hazard_id = str(uuid.uuid5(uuid.UUID(data["id"]), item["id"]))
            hazards.append(hazard.from_inspection_item(ctx, data, item, hazard_id))
            item["hazard_id"] = hazard_id
    data.update(summary=args["summary"], finished_at=format_time(ctx.command.captured_at))
    own = _saved(ctx, data, status, hazard_ids=[h.id for h in hazards])
    task = (
        load_entity(ctx.session, "self_check", data["self_check_id"]) if data.get("self_check_id") else None
    )
    if task is None:
        return [own, *hazards]
    done = _self_check_change(ctx, dict(task.data), status="done", inspection_id=data["id"])
    return [own, *hazards, done]


SPECS = (
    CommandSpec("inspection.start", ENTITY, start, creates=True, also_changes=("self_check",)),
    CommandSpec("inspection.record_item", ENTITY, record_item, blob_args=("photos",)),
    CommandSpec("inspection.record_quiz", ENTITY, record_quiz),
    CommandSpec("inspection.finish", ENTITY, finish, also_changes=("hazard", "self_check")),
)

ARGS = {
    "inspection.start": StartArgs,
    "inspection.record_item": RecordItemArgs,
    "inspection.record_quiz": RecordQuizArgs,
    "inspection.finish": FinishArgs,
}
