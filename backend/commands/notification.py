"""Handlers of the notification commands (docs/commands.md, "Notifications"): inbox, settings, notices."""

from __future__ import annotations

from typing import Any

from sync import Change, CommandContext, CommandSpec, Text
from sync.wire import format_time

from ..models import Enterprise, NoticeFanout
from ..notify.fanout_trigger import request_fan_out
from ..notify.inbox import NOTIFICATION, SETTINGS, notify_office
from ..notify.notice_fanout import NOTICE, SELF_CHECK, headline
from ..notify.notice_receipts import NOTICE_RECEIPT, record_reading
from ..rules.notification_kinds import DEFAULT_SETTINGS
from ..schemas.notification import AcknowledgeArgs, NoticeSendArgs, ReadArgs, SettingsArgs
from ..scopes import bureau_region, enterprises_in, region_scope, user_scope
from .common import current_data, history_event, load_args, reject, require

OUTSIDE_REGION = Text("所选企业不在本辖区内", "An enterprise named is not in your region")


def _mine(ctx: CommandContext) -> dict[str, Any]:
    """Return the notification if the sender is its recipient; forbidden otherwise."""
    data = current_data(ctx)
    require(data.get("user_id") == ctx.actor.id)
    return data


def _notification_saved(ctx: CommandContext, data: dict[str, Any], first_read: bool) -> list[Change]:
    data["history"] = [*data.get("history", []), history_event(ctx)]
    own = Change(NOTIFICATION, data["id"], user_scope(data["user_id"]), data)
    if not data.get("notice_id"):
        return [own]
    at = ctx.command.captured_at
    receipt = record_reading(
        ctx.session,
        data["notice_id"],
        ctx.actor.id,
        at if first_read else None,
        at if data.get("acknowledged_at") else None,
    )
    return [own, receipt] if receipt else [own]


def read(ctx: CommandContext) -> list[Change]:
    """Mark a notification read; a notice's receipt follows (one row each, whatever the notice's size)."""
    data = _mine(ctx)
    load_args(ReadArgs(), ctx.command.args)
    if data.get("read_at"):
        raise reject("conflict")
    data["read_at"] = format_time(ctx.command.captured_at)
    return _notification_saved(ctx, data, first_read=True)


def acknowledge(ctx: CommandContext) -> list[Change]:
    """Acknowledge a notification (reading it too); a notice's receipt follows."""
    data = _mine(ctx)
    load_args(AcknowledgeArgs(), ctx.command.args)
    if data.get("acknowledged_at"):
        raise reject("conflict")
    at = format_time(ctx.command.captured_at)
    first_read = not data.get("read_at")
    data["read_at"] = data.get("read_at") or at
    data["acknowledged_at"] = at
    return _notification_saved(ctx, data, first_read=first_read)


def update_settings(ctx: CommandContext) -> Change:
    """Change one's own push settings (entity id = one's user id), created on first use."""
    require(ctx.command.entity_id == ctx.actor.id)
    args = load_args(SettingsArgs(), ctx.command.args)
    data = current_data(ctx) or {
        "id": ctx.actor.id,
        "user_id": ctx.actor.id,
        **DEFAULT_SETTINGS,
        "history": [],
    }
    data.update(args)
    data["history"] = [*data.get("history", []), history_event(ctx, **args)]
    return Change(SETTINGS, ctx.actor.id, user_scope(ctx.actor.id), data)


def send_notice(ctx: CommandContext) -> Change:
    """Record a bureau notice and its pending fan-out; the job brings it to every targeted person and office.

    Constant work whatever the target: the notice, one fan-out row, the bureau's own office message.
    """
    require(ctx.actor.role == "bureau")
    region = bureau_region(ctx.session, ctx.actor)
    require(region is not None)
    if ctx.current is not None:
        raise reject("conflict")
    args = load_args(NoticeSendArgs(), ctx.command.args)
    notice_id = ctx.command.entity_id
    target = _target(ctx.session, args["target"], region)
    notice = {
        "id": notice_id,
        "kind": args["kind"],
        "title": args["title"],
        "body": args["body"],
        "target": target,
        "self_check_due": args["self_check_due"].isoformat() if args["self_check_due"] else None,
        "sent_by": ctx.actor.id,
        "region_code": region,
        "sent_at": format_time(ctx.command.captured_at),
        "fanout": {"status": "pending"},
        "history": [history_event(ctx)],
    }
    fanout_target = {**target, "region": region}
    ctx.session.add(NoticeFanout(notice_id=notice_id, target=fanout_target, created_at=ctx.received_at))
    title, url, lines = headline(notice)
    key = f"notice:{notice_id}"
    notify_office(ctx.session, None, key, title, lines, url, now=ctx.received_at, regions=(region,))
    request_fan_out(ctx.session)
    return Change(NOTICE, notice_id, region_scope(region), notice)


def _target(session, given: dict[str, Any], region: str) -> dict[str, Any]:
    """Return the notice's target as stored; named enterprises must all lie in the sender's region."""
    if given.get("all"):
        return {"all": True}
    if given.get("flags"):
        return {"flags": given["flags"]}
    named = sorted({str(e) for e in given["enterprise_ids"]})
    found = set(session.scalars(enterprises_in(region).where(Enterprise.id.in_(named))))
    if found != set(named):
        # An enterprise of another region answers exactly as one that does not exist.
        raise reject("invalid", OUTSIDE_REGION, {"target": [OUTSIDE_REGION.en]})
    return {"enterprise_ids": named}


SPECS = (
    CommandSpec("notification.read", NOTIFICATION, read, also_changes=(NOTICE_RECEIPT,)),
    CommandSpec("notification.acknowledge", NOTIFICATION, acknowledge, also_changes=(NOTICE_RECEIPT,)),
    CommandSpec("settings.update", SETTINGS, update_settings, creates=True),
    # Its fan-out job (notify/notice_fanout.py) writes the inbox entries, self-checks and receipts.
    CommandSpec(
        "notice.send",
        NOTICE,
        send_notice,
        creates=True,
        also_changes=(NOTIFICATION, SELF_CHECK, NOTICE_RECEIPT),
    ),
)

ARGS = {
    "notification.read": ReadArgs,
    "notification.acknowledge": AcknowledgeArgs,
    "settings.update": SettingsArgs,
    "notice.send": NoticeSendArgs,
}
