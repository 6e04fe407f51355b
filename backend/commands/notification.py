"""Handlers of the notification commands (docs/commands.md, "Notifications"): inbox, settings, notices."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from sync import Change, CommandContext, CommandSpec
from sync.store import load_entity
from sync.wire import format_time

from ..models import Enterprise, User
from ..notify.inbox import NOTIFICATION, SETTINGS, notification_changes, notify_office
from ..rules.notification_kinds import DEFAULT_SETTINGS
from ..rules.roles import ENTERPRISE_ROLES
from ..schemas.notification import AcknowledgeArgs, NoticeSendArgs, ReadArgs, SettingsArgs
from ..scopes import BUREAU_SCOPE, enterprise_scope, user_scope
from .common import current_data, history_event, load_args, reject, require

NOTICE = "notice"
SELF_CHECK = "self_check"
NOTICE_LABELS = {"warning": "警示信息", "accident": "事故通报"}


def _mine(ctx: CommandContext) -> dict[str, Any]:
    """Return the notification if the sender is its recipient; forbidden otherwise."""
    data = current_data(ctx)
    require(data.get("user_id") == ctx.actor.id)
    return data


def _notification_saved(ctx: CommandContext, data: dict[str, Any]) -> list[Change]:
    data["history"] = [*data.get("history", []), history_event(ctx)]
    own = Change(NOTIFICATION, data["id"], user_scope(data["user_id"]), data)
    receipt = _receipt(ctx, data)
    return [own, receipt] if receipt else [own]


def read(ctx: CommandContext) -> list[Change]:
    """Mark a notification read; a notice's receipt follows."""
    data = _mine(ctx)
    load_args(ReadArgs(), ctx.command.args)
    if data.get("read_at"):
        raise reject("conflict")
    data["read_at"] = format_time(ctx.command.captured_at)
    return _notification_saved(ctx, data)


def acknowledge(ctx: CommandContext) -> list[Change]:
    """Acknowledge a notification (reading it too); a notice's receipt follows."""
    data = _mine(ctx)
    load_args(AcknowledgeArgs(), ctx.command.args)
    if data.get("acknowledged_at"):
        raise reject("conflict")
    at = format_time(ctx.command.captured_at)
    data["read_at"] = data.get("read_at") or at
    data["acknowledged_at"] = at
    return _notification_saved(ctx, data)


def _receipt(ctx: CommandContext, notification: dict[str, Any]) -> Change | None:
    """Return the notice with this recipient's read and acknowledged times, when it came from a notice."""
    notice_id = notification.get("notice_id")
    stored = load_entity(ctx.session, NOTICE, notice_id, lock=True) if notice_id else None
    if stored is None:
        return None
    notice = dict(stored.data)
    receipts = {**notice.get("receipts", {})}
    mine = {**receipts.get(ctx.actor.id, {"enterprise_id": ctx.actor.enterprise_id})}
    mine.update(read_at=notification["read_at"], acknowledged_at=notification["acknowledged_at"])
    receipts[ctx.actor.id] = mine
    notice.update(receipts=receipts, counts=receipt_counts(receipts))
    return Change(NOTICE, notice["id"], stored.scope, notice)


def receipt_counts(receipts: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Count a notice's recipients, and how many read and acknowledged it."""
    return {
        "recipients": len(receipts),
        "read": sum(1 for r in receipts.values() if r.get("read_at")),
        "acknowledged": sum(1 for r in receipts.values() if r.get("acknowledged_at")),
    }


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


def _matching_enterprises(ctx: CommandContext, target: dict[str, Any]) -> list[Enterprise]:
    enterprises = ctx.session.scalars(select(Enterprise).order_by(Enterprise.name)).all()
    if target.get("all"):
        return list(enterprises)
    wanted = set(target["flags"])
    return [e for e in enterprises if wanted & set(e.flags or [])]


def send_notice(ctx: CommandContext) -> list[Change]:
    """Send a bureau notice to the matching enterprises' people and offices; ask for self-checks."""
    require(ctx.actor.role == "bureau")
    if ctx.current is not None:
        raise reject("conflict")
    args = load_args(NoticeSendArgs(), ctx.command.args)
    notice_id = ctx.command.entity_id
    enterprises = _matching_enterprises(ctx, args["target"])
    ids = [e.id for e in enterprises]
    people = ctx.session.execute(
        select(User.id, User.enterprise_id).where(
            User.enterprise_id.in_(ids), User.active.is_(True), User.role.in_(ENTERPRISE_ROLES)
        )
    ).all()
    due = args["self_check_due"].isoformat() if args["self_check_due"] else None
    label = NOTICE_LABELS[args["kind"]]
    title, url = f"【{label}】{args['title']}", f"/notices/{notice_id}"
    notifications = notification_changes(
        ctx.session,
        [p.id for p in people],
        "notice",
        title,
        args["body"],
        url,
        source={"entity": NOTICE, "id": notice_id},
        notice_id=notice_id,
        topic=f"notice:{notice_id}",
        now=ctx.received_at,
    )
    enterprise_of = dict(people)
    receipts = {
        n.data["user_id"]: {
            "enterprise_id": enterprise_of[n.data["user_id"]],
            "read_at": None,
            "acknowledged_at": None,
        }
        for n in notifications
    }
    lines = [*args["body"].splitlines()]
    if due:
        lines.append(f"请于 {due} 前完成举一反三自查。")
    for owner in [*ids, None]:
        notify_office(ctx.session, owner, f"notice:{notice_id}", title, lines, url, now=ctx.received_at)
    notice = {
        "id": notice_id,
        "kind": args["kind"],
        "title": args["title"],
        "body": args["body"],
        "target": {"all": True} if args["target"].get("all") else {"flags": args["target"]["flags"]},
        "self_check_due": due,
        "sent_by": ctx.actor.id,
        "sent_at": format_time(ctx.command.captured_at),
        "enterprise_ids": ids,
        "receipts": receipts,
        "counts": receipt_counts(receipts),
        "history": [history_event(ctx, enterprises=len(ids), recipients=len(receipts))],
    }
    own = Change(NOTICE, notice_id, BUREAU_SCOPE, notice)
    tasks = [_self_check(ctx, notice, enterprise_id) for enterprise_id in ids] if due else []
    return [own, *notifications, *tasks]


def _self_check(ctx: CommandContext, notice: dict[str, Any], enterprise_id: str) -> Change:
    """Build the self-check task (举一反三) a notice asks of one enterprise."""
    task_id = str(uuid.uuid5(uuid.UUID(notice["id"]), enterprise_id))
    data = {
        "id": task_id,
        "notice_id": notice["id"],
        "enterprise_id": enterprise_id,
        "title": notice["title"],
        "due_on": notice["self_check_due"],
        "status": "open",
        "inspection_id": None,
        "history": [history_event(ctx)],
    }
    return Change(SELF_CHECK, task_id, enterprise_scope(enterprise_id), data)


SPECS = (
    CommandSpec("notification.read", NOTIFICATION, read, also_changes=(NOTICE,)),
    CommandSpec("notification.acknowledge", NOTIFICATION, acknowledge, also_changes=(NOTICE,)),
    CommandSpec("settings.update", SETTINGS, update_settings, creates=True),
    CommandSpec("notice.send", NOTICE, send_notice, creates=True, also_changes=(NOTIFICATION, SELF_CHECK)),
)

ARGS = {
    "notification.read": ReadArgs,
    "notification.acknowledge": AcknowledgeArgs,
    "settings.update": SettingsArgs,
    "notice.send": NoticeSendArgs,
}
