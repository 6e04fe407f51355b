"""Argument schemas of the inspection commands (docs/commands.md, "Inspections")."""

from marshmallow import ValidationError, fields, validate, validates_schema

from ..rules.inspection_rules import KINDS, QUIZ_MAX_SCORE, RESULTS
from .hazard_commands import ArgsSchema, photos, text


class StartArgs(ArgsSchema):
    """Principal (principal kind), officer/principal (self_check), bureau (enforcement): `in_progress`."""

    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    enterprise_id = fields.UUID(load_default=None, allow_none=True)
    location = text(200, required=False)
    self_check_id = fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "self_check kind: the open 举一反三 task of the enterprise this answers"},
    )


class RecordItemArgs(ArgsSchema):
    """The leader: a checklist item answered pass, fail (with a note) or na, while in progress."""

    item_id = fields.String(required=True, validate=validate.Length(min=1, max=16))
    result = fields.String(required=True, validate=validate.OneOf(RESULTS))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    photos = photos(0)

    @validates_schema
    def note_when_failed(self, data, **kwargs):
        """Require a note saying what was found when an item fails."""
        if data.get("result") == "fail" and not (data.get("note") or "").strip():
            raise ValidationError("required when the item fails", "note")


class RecordQuizArgs(ArgsSchema):
    """Bureau, enforcement only: 逢查必考, the principal's quiz score on the major-hazard criteria."""

    score = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=QUIZ_MAX_SCORE))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class FinishArgs(ArgsSchema):
    """The leader: `finished`; every failed item becomes a reported hazard linked to the inspection."""

    summary = fields.String(required=True, validate=validate.Length(max=5000))
