"""Handlers of the user commands: people created, updated, given new passwords, deactivated, reactivated."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sync import Change, CommandContext, CommandSpec, Text

from ..extensions import db
from ..models import Enterprise, User
from ..passwords import hash_password
from ..rules.people_rules import Person, user_decision
from ..rules.regions import within
from ..schemas.people import (
    DeactivateArgs,
    ReactivateArgs,
    ResetPasswordArgs,
    UserCreateArgs,
    UserUpdateArgs,
)
from ..scopes import bureau_region
from ..sessions import end_sessions_of
from .common import history_event, load_args, reject

USERNAME_TAKEN = Text("用户名已被使用", "This username is taken")
ENTERPRISE_REQUIRED = Text("请选择企业", "Name the enterprise of the new user")
NO_ENTERPRISE = Text("企业不存在", "No such enterprise")


def _actor(ctx: CommandContext) -> Person:
    return Person(ctx.actor.id, ctx.actor.role, ctx.actor.enterprise_id)


def _decide(ctx: CommandContext, target: Person, new_role: object = None) -> None:
    code = user_decision(ctx.command.type, _actor(ctx), target, new_role)
    if code:
        raise reject(code)


def _target(ctx: CommandContext, new_role: object = None) -> User:
    user = db.session.get(User, ctx.command.entity_id)
    _decide(ctx, Person(user.id, user.role, user.enterprise_id, user.active), new_role)
    return user


def _saved(user: User, ctx: CommandContext, **details: Any) -> Change:
    user.history = [*(user.history or []), history_event(ctx, **details)]
    db.session.flush()
    return Change(user.entity, user.id, user.scope, user.to_data())


def _requested_enterprise(ctx: CommandContext) -> Any:
    requested = ctx.command.args.get("enterprise_id")
    if isinstance(requested, str):
        return requested.lower()
    # The bureau must name one (invalid later); others default to their own, and junk is invalid later.
    return None if ctx.actor.role == "bureau" else ctx.actor.enterprise_id


def _may_reach(ctx: CommandContext, enterprise: Enterprise | None) -> bool:
    """Tell whether the enterprise exists and, for a bureau, lies in its region."""
    if enterprise is None:
        return False
    return ctx.actor.role != "bureau" or within(
        enterprise.region_code, bureau_region(ctx.session, ctx.actor) or ""
    )


def create(ctx: CommandContext) -> Change:
    """Create an active user of an enterprise with a first password."""
    enterprise_id = _requested_enterprise(ctx)
    new_role = ctx.command.args.get("role")
    _decide(ctx, Person(ctx.command.entity_id, None, enterprise_id), new_role)
    if ctx.current is not None or db.session.get(User, ctx.command.entity_id) is not None:
        raise reject("conflict")
    args = load_args(UserCreateArgs(), ctx.command.args)
    if enterprise_id is None:
        raise reject("invalid", ENTERPRISE_REQUIRED, {"enterprise_id": [ENTERPRISE_REQUIRED.en]})
    if not _may_reach(ctx, db.session.get(Enterprise, enterprise_id)):
        # Another region's enterprise answers as one that does not exist.
        raise reject("invalid", NO_ENTERPRISE, {"enterprise_id": [NO_ENTERPRISE.en]})
    if db.session.scalar(select(User.id).where(User.username == args["username"])) is not None:
        raise reject("invalid", USERNAME_TAKEN, {"username": [USERNAME_TAKEN.en]})
    user = User(
        id=ctx.command.entity_id,
        username=args["username"],
        display_name=args["display_name"],
        role=args["role"],
        enterprise_id=enterprise_id,
        employment_type=args["employment_type"],
        password_hash=hash_password(args["password"]),
        job=args.get("job"),
        phone=args.get("phone"),
        hired_on=args.get("hired_on"),
        active=True,
        created_at=ctx.received_at,
        history=[],
    )
    db.session.add(user)
    return _saved(user, ctx, username=user.username, role=user.role)


def update(ctx: CommandContext) -> Change:
    """Replace the given details of a person; nobody changes their own role."""
    user = _target(ctx, ctx.command.args.get("role"))
    args = load_args(UserUpdateArgs(), ctx.command.args)
    for name, value in args.items():
        setattr(user, name, value)
    return _saved(user, ctx, fields=sorted(args))


def reset_password(ctx: CommandContext) -> Change:
    """Give a person a new password and end every sign-in they have."""
    user = _target(ctx)
    args = load_args(ResetPasswordArgs(), ctx.command.args)
    user.password_hash = hash_password(args["password"])
    end_sessions_of(user.id, "password_reset")
    return _saved(user, ctx)


def deactivate(ctx: CommandContext) -> Change:
    """Stop a person from signing in and end their sign-ins; their records stay."""
    user = _target(ctx)
    args = load_args(DeactivateArgs(), ctx.command.args)
    user.active = False
    end_sessions_of(user.id, "deactivated")
    return _saved(user, ctx, reason=args["reason"])


def reactivate(ctx: CommandContext) -> Change:
    """Let a deactivated person sign in again."""
    user = _target(ctx)
    load_args(ReactivateArgs(), ctx.command.args)
    user.active = True
    return _saved(user, ctx)


SPECS = (
    CommandSpec("user.create", "user", create, creates=True, secret_args=("password",)),
    CommandSpec("user.update", "user", update),
    CommandSpec("user.reset_password", "user", reset_password, secret_args=("password",)),
    CommandSpec("user.deactivate", "user", deactivate),
    CommandSpec("user.reactivate", "user", reactivate),
)

ARGS = {
    "user.create": UserCreateArgs,
    "user.update": UserUpdateArgs,
    "user.reset_password": ResetPasswordArgs,
    "user.deactivate": DeactivateArgs,
    "user.reactivate": ReactivateArgs,
}
