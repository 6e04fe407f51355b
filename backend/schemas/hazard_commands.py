"""Argument schemas of the hazard commands (protocol.md, "Commands for hazards")."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..field_messages import list_length
from ..rules.hazard_rules import SEVERITIES
from ..rules.patterns import TEXT_END

SHA256 = validate.Regexp(r"^[0-9a-f]{64}$" + TEXT_END, error="must be a lowercase hex SHA-256")
MAX_PHOTOS = 20


def text(max_length: int, required: bool = True) -> fields.String:
    """A trimmed-meaningful string field with a length limit."""
    rules = [validate.Length(min=1 if required else 0, max=max_length)]
    return fields.String(required=required, validate=rules, allow_none=not required)


def photos(minimum: int) -> fields.List:
    """A list of photo hashes; required when at least one is needed (a default is never validated)."""
    if minimum:
        return fields.List(
            fields.String(validate=SHA256),
            required=True,
            validate=list_length(min=minimum, max=MAX_PHOTOS),
        )
    return fields.List(
        fields.String(validate=SHA256),
        load_default=list,
        validate=list_length(max=MAX_PHOTOS),
    )


class StrictBoolean(fields.Boolean):
    """JSON true or false only: 1 and 0 compare equal to True and False, so they are refused by type."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class ArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE


class ReportArgs(ArgsSchema):
    """Any enterprise user: a new hazard in `reported`."""

    title = text(200)
    # Required by protocol.md (it may be empty: a photo often says enough).
    description = fields.String(required=True, validate=validate.Length(max=5000))
    location = text(200)
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    category = text(64, required=False)
    criterion = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^[0-9]{1,2}(\.[0-9]{1,2}){0,2}$" + TEXT_END),
    )
    photos = photos(0)


class AssignArgs(ArgsSchema):
    """Officer or principal: `reported`/`assigned` → `assigned`; a major hazard needs a plan."""

    assignee_id = fields.UUID(required=True)
    due_date = fields.Date(required=True)
    plan = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class RectifyArgs(ArgsSchema):
    """Assignee or officer (from `assigned`); reporter or officer (`reported`, general) → `rectified`."""

    note = text(5000)
    photos = photos(1)


class VerifyArgs(ArgsSchema):
    """Officer or principal, not the rectifier: accepted → `closed`, else back to `assigned`."""

    accepted = StrictBoolean(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))

    @validates_schema
    def note_when_sent_back(self, data, **kwargs):
        """Require a note saying why when the rectification is not accepted."""
        if data.get("accepted") is False and not (data.get("note") or "").strip():
            raise ValidationError("required when not accepted", "note")


class DismissArgs(ArgsSchema):
    """Officer or principal: `reported` → `dismissed`."""

    reason = text(2000)
