"""Argument schemas of the notification commands and the delivery log (docs/commands.md, "Notifications")."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..rules.notification_kinds import KINDS, OPT_OUT_KINDS
from ..rules.patterns import TEXT_END
from ..rules.roles import ENTERPRISE_FLAGS
from .hazard_commands import ArgsSchema, StrictBoolean, text

CLOCK = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$" + TEXT_END, error="must be HH:MM")
NOTICE_KINDS = ("warning", "accident")


class ReadArgs(ArgsSchema):
    """The recipient: `read_at` set (again: conflict); a notice's receipt updated."""


class AcknowledgeArgs(ArgsSchema):
    """The recipient: `acknowledged_at` set (and `read_at` if unset; again: conflict)."""


class QuietHours(Schema):
    start = fields.String(required=True, validate=CLOCK)
    end = fields.String(required=True, validate=CLOCK)


class SettingsArgs(ArgsSchema):
    """The person (entity id = own user id): push on/off, opted-out kinds, quiet hours; made on first use."""

    push_enabled = StrictBoolean()
    opt_out = fields.List(fields.String(validate=validate.OneOf(KINDS)))
    quiet_hours = fields.Nested(QuietHours, allow_none=True)

    @validates_schema
    def only_optional_kinds(self, data, **kwargs):
        """Refuse opting out of critical kinds and notices."""
        refused = [kind for kind in data.get("opt_out", []) if kind in KINDS and kind not in OPT_OUT_KINDS]
        if refused:
            raise ValidationError(f"may not opt out of: {', '.join(refused)}", "opt_out")


# A notice to chosen enterprises names at most this many (more: send to all, or by flags).
MAX_NOTICE_ENTERPRISES = 500


class NoticeTarget(Schema):
    """Within the sender's region: every enterprise, those with any of the flags, or the ones named."""

    all = StrictBoolean(load_default=False)
    flags = fields.List(fields.String(validate=validate.OneOf(ENTERPRISE_FLAGS)), load_default=None)
    enterprise_ids = fields.List(
        fields.UUID(), load_default=None, validate=validate.Length(max=MAX_NOTICE_ENTERPRISES)
    )

    @validates_schema
    def one_target(self, data, **kwargs):
        """Require exactly one of all: true, a non-empty flags list, a non-empty enterprise_ids list."""
        given = [bool(data.get("all")), bool(data.get("flags")), bool(data.get("enterprise_ids"))]
        if sum(given) != 1:
            raise ValidationError('give {"all": true}, {"flags": [...]} or {"enterprise_ids": [...]}', "all")


class NoticeSendArgs(ArgsSchema):
    """Bureau: a warning (警示信息) or accident notice (事故通报) to all, flagged or named enterprises of
    its region (a named enterprise outside it: invalid, nothing sent)."""

    title = text(200)
    body = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    kind = fields.String(required=True, validate=validate.OneOf(NOTICE_KINDS))
    target = fields.Nested(NoticeTarget, required=True)
    self_check_due = fields.Date(load_default=None, allow_none=True)


class DeliveryQuery(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    enterprise_id = fields.UUID(load_default=None)


class DeliveryOut(Schema):
    id = fields.Integer()
    notification_key = fields.String()
    channel = fields.String()
    target = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    enterprise_id = fields.String(allow_none=True)
    user_id = fields.String(allow_none=True)
    kind = fields.String(allow_none=True)
    title = fields.String(allow_none=True)


class RecipientQuery(Schema):
    enterprise_id = fields.UUID(required=True)
    after = fields.UUID(load_default=None, metadata={"description": "the last user_id of the previous page"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class RecipientOut(Schema):
    user_id = fields.String()
    display_name = fields.String()
    enterprise_id = fields.String()
    read_at = fields.DateTime(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)


class RecipientPage(Schema):
    items = fields.List(fields.Nested(RecipientOut))
    next = fields.String(allow_none=True, metadata={"description": "pass as `after` for the next page"})
