"""Handlers of the certificate commands: special-operation certificates recorded, reviewed, renewed."""

from __future__ import annotations

from datetime import date

from sync import Change, CommandContext, CommandSpec, Text

from ..extensions import db
from ..models import User
from ..rules.certificates import default_expiry, default_review
from ..rules.people_rules import Person, certificate_decision
from ..schemas.people import (
    CertificateRecordArgs,
    CertificateRenewArgs,
    CertificateReviewArgs,
    CertificateRevokeArgs,
)
from .common import current_data, document_change, load_args, reject

HOLDER_INVALID = Text("持证人必须是本企业人员", "The holder must be a person of this enterprise")
REVIEW_BEFORE_ISSUE = Text("复审日期不能早于发证日期", "The review date cannot be before the issue date")


def _decide(ctx: CommandContext) -> str:
    actor = Person(ctx.actor.id, ctx.actor.role, ctx.actor.enterprise_id)
    status = ctx.current.data.get("status") if ctx.current else None
    code, next_status = certificate_decision(ctx.command.type, actor, status)
    if code:
        raise reject(code)
    return next_status


def record(ctx: CommandContext) -> Change:
    """Record a person's special-operation certificate, with default expiry and review dates."""
    status = _decide(ctx)
    args = load_args(CertificateRecordArgs(), ctx.command.args)
    holder = db.session.get(User, str(args["user_id"]))
    if holder is None or holder.enterprise_id != ctx.actor.enterprise_id:
        raise reject("invalid", HOLDER_INVALID, {"user_id": [HOLDER_INVALID.en]})
    issued: date = args["issued_on"]
    extended = args["reviews_extended"]
    data = {
        "id": ctx.command.entity_id,
        "enterprise_id": ctx.actor.enterprise_id,
        "user_id": holder.id,
        "operation": args["operation"],
        "number": args["number"],
        "issued_on": issued.isoformat(),
        "review_due_on": (args["review_due_on"] or default_review(issued, extended)).isoformat(),
        "expires_on": (args["expires_on"] or default_expiry(issued)).isoformat(),
        "reviewed_on": None,
        "reviews_extended": extended,
        "status": status,
        "history": [],
    }
    return document_change(ctx, "certificate", data, user_id=holder.id, number=args["number"])


def review(ctx: CommandContext) -> Change:
    """Record a review (复审); the next one falls three years after it (six where extended, Art.21)."""
    _decide(ctx)
    args = load_args(CertificateReviewArgs(), ctx.command.args)
    data = current_data(ctx)
    reviewed: date = args["reviewed_on"]
    if reviewed < date.fromisoformat(data["issued_on"]):
        raise reject("invalid", REVIEW_BEFORE_ISSUE, {"reviewed_on": [REVIEW_BEFORE_ISSUE.en]})
    data["reviewed_on"] = reviewed.isoformat()
    if "reviews_extended" in args:
        data["reviews_extended"] = args["reviews_extended"]
    data["review_due_on"] = default_review(reviewed, bool(data.get("reviews_extended"))).isoformat()
    return document_change(ctx, "certificate", data, reviewed_on=data["reviewed_on"])


def renew(ctx: CommandContext) -> Change:
    """Record a renewed certificate: new number, issue date and validity; reviews count from the new issue."""
    _decide(ctx)
    args = load_args(CertificateRenewArgs(), ctx.command.args)
    data = current_data(ctx)
    issued: date = args["issued_on"]
    data.update(
        number=args["number"],
        issued_on=issued.isoformat(),
        expires_on=(args["expires_on"] or default_expiry(issued)).isoformat(),
        review_due_on=default_review(issued, bool(data.get("reviews_extended"))).isoformat(),
        reviewed_on=None,
    )
    return document_change(ctx, "certificate", data, number=args["number"], issued_on=data["issued_on"])


def revoke(ctx: CommandContext) -> Change:
    """Revoke a certificate, saying why."""
    status = _decide(ctx)
    args = load_args(CertificateRevokeArgs(), ctx.command.args)
    data = current_data(ctx)
    data["status"] = status
    return document_change(ctx, "certificate", data, reason=args["reason"])


SPECS = (
    CommandSpec("certificate.record", "certificate", record, creates=True),
    CommandSpec("certificate.review", "certificate", review),
    CommandSpec("certificate.renew", "certificate", renew),
    CommandSpec("certificate.revoke", "certificate", revoke),
)

ARGS = {
    "certificate.record": CertificateRecordArgs,
    "certificate.review": CertificateReviewArgs,
    "certificate.renew": CertificateRenewArgs,
    "certificate.revoke": CertificateRevokeArgs,
}
