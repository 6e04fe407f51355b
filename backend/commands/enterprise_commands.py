"""Handlers of the enterprise commands: the bureau registers and updates; the ledger is confirmed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sync import Change, CommandContext, CommandSpec, Text

from ..extensions import db
from ..models import Enterprise
from ..rules.people_rules import Person, enterprise_decision, local_day
from ..rules.regions import within
from ..schemas.people import ConfirmLedgerArgs, EnterpriseRegisterArgs, EnterpriseUpdateArgs
from ..scopes import bureau_region
from .common import history_event, load_args, reject

OUTSIDE_REGION = Text("该县（区）不在本局辖区内", "That county is not in your region")
USCC_TAKEN = Text("该统一社会信用代码已登记", "This unified social credit code is already registered")


def _decide(ctx: CommandContext, enterprise_id: str | None) -> None:
    actor = Person(ctx.actor.id, ctx.actor.role, ctx.actor.enterprise_id)
    code = enterprise_decision(ctx.command.type, actor, enterprise_id)
    if code:
        raise reject(code)


def _check_uscc_free(uscc: str, enterprise_id: str) -> None:
    holder = db.session.scalar(select(Enterprise.id).where(Enterprise.uscc == uscc))
    if holder is not None and holder != enterprise_id:
        raise reject("invalid", USCC_TAKEN, {"uscc": [USCC_TAKEN.en]})


def _assign(enterprise: Enterprise, values: dict[str, Any]) -> None:
    for name, value in values.items():
        try:
            setattr(enterprise, name, value)
        except ValueError as error:  # the model's own validators: USCC check character, known flags
            raise reject("invalid", fields={name: [str(error)]}) from None


def _saved(enterprise: Enterprise, ctx: CommandContext, **details: Any) -> Change:
    enterprise.history = [*(enterprise.history or []), history_event(ctx, **details)]
    db.session.flush()
    return Change(enterprise.entity, enterprise.id, enterprise.scope, enterprise.to_data())


def register(ctx: CommandContext) -> Change:
    """Register a new enterprise under the bureau's supervision."""
    _decide(ctx, None)
    if ctx.current is not None or db.session.get(Enterprise, ctx.command.entity_id) is not None:
        raise reject("conflict")
    args = load_args(EnterpriseRegisterArgs(), ctx.command.args)
    region = bureau_region(ctx.session, ctx.actor)
    if region is None or not within(args["region_code"], region):
        raise reject("invalid", OUTSIDE_REGION, {"region_code": [OUTSIDE_REGION.en]})
    _check_uscc_free(args["uscc"], ctx.command.entity_id)
    enterprise = Enterprise(id=ctx.command.entity_id, created_at=ctx.received_at, history=[])
    _assign(enterprise, args)
    db.session.add(enterprise)
    return _saved(enterprise, ctx, uscc=args["uscc"])


def update(ctx: CommandContext) -> Change:
    """Replace the given profile fields; the update also counts as the ledger being brought up to date."""
    _decide(ctx, ctx.command.entity_id)
    args = load_args(EnterpriseUpdateArgs(), ctx.command.args)
    enterprise = db.session.get(Enterprise, ctx.command.entity_id)
    if "uscc" in args:
        _check_uscc_free(args["uscc"], enterprise.id)
    _assign(enterprise, args)
    enterprise.ledger_confirmed_on = local_day(ctx.true_captured_at())
    return _saved(enterprise, ctx, fields=sorted(args))


def confirm_ledger(ctx: CommandContext) -> Change:
    """Record that the enterprise's ledger (台账) was confirmed up to date on the day."""
    _decide(ctx, ctx.command.entity_id)
    args = load_args(ConfirmLedgerArgs(), ctx.command.args)
    enterprise = db.session.get(Enterprise, ctx.command.entity_id)
    enterprise.ledger_confirmed_on = local_day(ctx.true_captured_at())
    return _saved(enterprise, ctx, note=args["note"])


SPECS = (
    CommandSpec("enterprise.register", "enterprise", register, creates=True),
    CommandSpec("enterprise.update", "enterprise", update),
    CommandSpec("enterprise.confirm_ledger", "enterprise", confirm_ledger),
)

ARGS = {
    "enterprise.register": EnterpriseRegisterArgs,
    "enterprise.update": EnterpriseUpdateArgs,
    "enterprise.confirm_ledger": ConfirmLedgerArgs,
}
