"""Argument schemas of the training commands (docs/commands.md, "Training attendance")."""

from marshmallow import ValidationError, fields, validate, validates

from ..field_messages import list_length
from ..rules.training_kinds import KIND_KEYS
from ..rules.training_qr import SECRET_BYTES, decode_secret
from ..rules.training_requirements import MAX_SCORE
from ..rules.training_rules import MAX_HOURS, MIN_HOURS
from .hazard_commands import ArgsSchema, text

MAX_INVITEES = 500


class ScheduleArgs(ArgsSchema):
    """Officer or principal: a new session in `scheduled`, and its sign-in key for the managers."""

    kind = fields.String(required=True, validate=validate.OneOf(KIND_KEYS))
    topic = text(200)
    trainer = text(100)
    hours = fields.Float(required=True, validate=validate.Range(min=MIN_HOURS, max=MAX_HOURS))
    scheduled_at = fields.AwareDateTime(required=True, format="iso")
    location = text(200, required=False)
    invitee_ids = fields.List(fields.UUID(), load_default=list, validate=list_length(max=MAX_INVITEES))
    # 32 random bytes, base64url; the server makes one when the client does not.
    qr_secret = fields.String(load_default=None, allow_none=True)

    @validates("qr_secret")
    def secret_is_32_bytes(self, value, **kwargs):
        """Require base64url text of exactly 32 bytes."""
        if value is not None and len(decode_secret(value) or b"") != SECRET_BYTES:
            raise ValidationError(f"must be {SECRET_BYTES} random bytes, base64url")


class SignInArgs(ArgsSchema):
    """Any person of the enterprise, for themself: signed in by the session's scanned QR code."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=200))


class TickArgs(ArgsSchema):
    """Officer or principal: a person of the enterprise ticked as present."""

    user_id = fields.UUID(required=True)


class ScoreArgs(ArgsSchema):
    """Officer or principal: an attendee's exam score (0–100), passed at the pass mark."""

    user_id = fields.UUID(required=True)
    score = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=MAX_SCORE))


class CloseArgs(ArgsSchema):
    """Officer or principal: `scheduled` → `closed` (scores may still be recorded)."""


class CancelArgs(ArgsSchema):
    """Officer or principal: `scheduled` → `cancelled`, only before anyone signed in."""

    reason = text(2000)
