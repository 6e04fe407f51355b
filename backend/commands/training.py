"""Handlers of the training commands (docs/commands.md, "Training attendance"): sessions, sign-in, scores."""

from __future__ import annotations

import secrets
from typing import Any

from sync import Change, CommandContext, CommandSpec, Text
from sync.wire import format_time

from ..models import User
from ..records import record
from ..rules.roles import ENTERPRISE_ROLES
from ..rules.training_qr import SECRET_BYTES, check_code, decode_secret, encode_secret
from ..rules.training_rules import attendee, decide, passes
from ..schemas.training import CancelArgs, CloseArgs, ScheduleArgs, ScoreArgs, SignInArgs, TickArgs
from ..scopes import managers_scope
from .common import current_data, document_change, load_args, reject

ENTITY = "training_session"
KEY_ENTITY = "training_key"
CODE_INVALID = Text("签到码无效或已过期，请重新扫码", "The sign-in code is wrong or expired: scan again")
NOT_A_COLLEAGUE = Text("必须是本企业在职人员", "Must be an active person of this enterprise")
NOT_AN_ATTENDEE = Text("此人未签到本次培训", "This person has not signed in to the session")


def _decide(ctx: CommandContext) -> str:
    decision = decide(ctx.command.type, ctx.actor.role, ctx.current.data if ctx.current else None)
    if decision.code:
        raise reject(decision.code)
    return decision.next_state


def _colleague(ctx: CommandContext, user_id: str, enterprise_id: str) -> bool:
    user = ctx.session.get(User, user_id)
    return bool(
        user and user.active and user.enterprise_id == enterprise_id and user.role in ENTERPRISE_ROLES
    )


def _saved(ctx: CommandContext, data: dict[str, Any], status: str, **details: Any) -> Change:
    return document_change(ctx, ENTITY, {**data, "status": status}, **details)


def _signed_in(ctx: CommandContext, data: dict[str, Any], user_id: str, method: str) -> dict[str, Any]:
    entry = {
        "user_id": user_id,
        "at": format_time(ctx.command.captured_at),
        "method": method,
        "by": ctx.actor.id,
        "scores": [],
    }
    return {**data, "attendees": [*data.get("attendees", []), entry]}


def schedule(ctx: CommandContext) -> list[Change]:
    """Create a session in `scheduled` and the key its sign-in codes are made with."""
    status = _decide(ctx)
    if ctx.current is not None:
        raise reject("conflict")
    args = load_args(ScheduleArgs(), ctx.command.args)
    enterprise_id = ctx.actor.enterprise_id
    invitees = list(dict.fromkeys(str(i) for i in args["invitee_ids"]))
    strangers = [i for i in invitees if not _colleague(ctx, i, enterprise_id)]
    if strangers:
        raise reject(
            "invalid", NOT_A_COLLEAGUE, {"invitee_ids": [f"{NOT_A_COLLEAGUE.en}: {', '.join(strangers)}"]}
        )
    secret = args["qr_secret"]
    secret = encode_secret(decode_secret(secret) if secret else secrets.token_bytes(SECRET_BYTES))
    session_id = ctx.command.entity_id
    data = {
        "id": session_id,
        "enterprise_id": enterprise_id,
        "kind": args["kind"],
        "topic": args["topic"],
        "trainer": args["trainer"],
        "hours": args["hours"],
        "scheduled_at": format_time(args["scheduled_at"]),
        "location": args.get("location"),
        "invitee_ids": invitees,
        "status": status,
        "attendees": [],
        "history": [],
    }
    key = Change(
        KEY_ENTITY, session_id, managers_scope(enterprise_id), {"session_id": session_id, "secret": secret}
    )
    return [_saved(ctx, data, status, kind=args["kind"]), key]


def sign_in(ctx: CommandContext) -> Change:
    """Sign the sender in with the session's QR code, checked at the device's corrected capture time."""
    status = _decide(ctx)
    data = current_data(ctx)
    if attendee(data, ctx.actor.id):
        raise reject("conflict")
    args = load_args(SignInArgs(), ctx.command.args)
    key = record(ctx.session, KEY_ENTITY, data["id"]) or {}
    secret = decode_secret(key.get("secret", "")) or b""
    if not secret or not check_code(args["code"], data["id"], secret, ctx.true_captured_at()):
        raise reject("invalid", CODE_INVALID, {"code": [CODE_INVALID.en]})
    return _saved(ctx, _signed_in(ctx, data, ctx.actor.id, "qr"), status, user_id=ctx.actor.id, method="qr")


def tick(ctx: CommandContext) -> Change:
    """Mark a person of the enterprise present without a scan."""
    status = _decide(ctx)
    data = current_data(ctx)
    args = load_args(TickArgs(), ctx.command.args)
    user_id = str(args["user_id"])
    if attendee(data, user_id):
        raise reject("conflict")
    if not _colleague(ctx, user_id, data["enterprise_id"]):
        raise reject("invalid", NOT_A_COLLEAGUE, {"user_id": [NOT_A_COLLEAGUE.en]})
    return _saved(ctx, _signed_in(ctx, data, user_id, "tick"), status, user_id=user_id, method="tick")


def score(ctx: CommandContext) -> Change:
    """Record an attendee's exam attempt; passed at the pass mark."""
    status = _decide(ctx)
    data = current_data(ctx)
    args = load_args(ScoreArgs(), ctx.command.args)
    user_id = str(args["user_id"])
    entry = attendee(data, user_id)
    if entry is None:
        raise reject("invalid", NOT_AN_ATTENDEE, {"user_id": [NOT_AN_ATTENDEE.en]})
    passed = passes(args["score"])
    attempt = {
        "score": args["score"],
        "passed": passed,
        "at": format_time(ctx.command.captured_at),
        "by": ctx.actor.id,
    }
    entry["scores"] = [*entry.get("scores", []), attempt]
    return _saved(ctx, data, status, user_id=user_id, score=args["score"], passed=passed)


def close(ctx: CommandContext) -> Change:
    """End sign-in: `scheduled` → `closed`."""
    status = _decide(ctx)
    load_args(CloseArgs(), ctx.command.args)
    return _saved(ctx, current_data(ctx), status)


def cancel(ctx: CommandContext) -> Change:
    """Call off a session nobody signed in to, saying why."""
    status = _decide(ctx)
    args = load_args(CancelArgs(), ctx.command.args)
    return _saved(ctx, current_data(ctx), status, reason=args["reason"])


SPECS = (
    CommandSpec(
        "training.schedule",
        ENTITY,
        schedule,
        creates=True,
        secret_args=("qr_secret",),
        also_changes=(KEY_ENTITY,),
    ),
    CommandSpec("training.sign_in", ENTITY, sign_in),
    CommandSpec("training.tick", ENTITY, tick),
    CommandSpec("training.score", ENTITY, score),
    CommandSpec("training.close", ENTITY, close),
    CommandSpec("training.cancel", ENTITY, cancel),
)

ARGS = {
    "training.schedule": ScheduleArgs,
    "training.sign_in": SignInArgs,
    "training.tick": TickArgs,
    "training.score": ScoreArgs,
    "training.close": CloseArgs,
    "training.cancel": CancelArgs,
}
