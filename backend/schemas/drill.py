"""Argument schemas of the drill commands (docs/commands.md, "Drills")."""

from marshmallow import ValidationError, fields, validate, validates_schema

from ..field_messages import list_length
from ..rules.drill_rules import CHECK_IN_METHODS, DRILL_TYPE_KEYS
from .hazard_commands import ArgsSchema, photos, text

MAX_EXPECTED = 2000


class PlanArgs(ArgsSchema):
    """Officer or principal: a new drill in `planned` (expected people default to everyone at start)."""

    type = fields.String(required=True, validate=validate.OneOf(DRILL_TYPE_KEYS))
    scenario = text(2000)
    planned_on = fields.Date(required=True)
    expected_ids = fields.List(
        fields.UUID(), load_default=None, allow_none=True, validate=list_length(max=MAX_EXPECTED)
    )


class StartArgs(ArgsSchema):
    """Officer or principal: `planned` → `running`, started at the command's capture time."""


class CheckInArgs(ArgsSchema):
    """Officer or principal: a person reached the assembly point, ticked by id or scanned by badge QR."""

    method = fields.String(required=True, validate=validate.OneOf(CHECK_IN_METHODS))
    user_id = fields.UUID(load_default=None, allow_none=True)
    qr = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))

    @validates_schema
    def person_named(self, data, **kwargs):
        """Require user_id for a tick and the badge text for a QR scan."""
        if data.get("method") == "tick" and not data.get("user_id"):
            raise ValidationError("required for method tick", "user_id")
        if data.get("method") == "qr" and not data.get("qr"):
            raise ValidationError("required for method qr", "qr")


class EndArgs(ArgsSchema):
    """Officer or principal: `running` → `ended`, with the missing list and the evacuation time."""


class AddPhotosArgs(ArgsSchema):
    """Officer or principal: photos appended to a drill that is not cancelled."""

    photos = photos(1)


class EvaluateArgs(ArgsSchema):
    """Officer or principal: `ended` → `evaluated`, with problems found and improvements."""

    problems = text(5000)
    improvements = text(5000)


class CancelArgs(ArgsSchema):
    """Officer or principal: `planned` → `cancelled`, saying why."""

    reason = text(2000)
