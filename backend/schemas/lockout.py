"""Argument schemas of the equipment and lockout commands (docs/commands.md, "Lockout-tagout")."""

from marshmallow import ValidationError, fields, validate, validates, validates_schema

from ..field_messages import list_length
from ..rules.lockout_rules import ENERGY_TYPE_KEYS, WORK_TYPE_KEYS
from .hazard_commands import ArgsSchema, StrictBoolean, photos, text

MAX_POINTS = 100


class PointArgs(ArgsSchema):
    """One energy-isolation point of a piece of equipment."""

    id = fields.UUID(required=True)
    energy_type = fields.String(required=True, validate=validate.OneOf(ENERGY_TYPE_KEYS))
    location = text(200)
    description = text(2000, required=False)


class RegisterEquipmentArgs(ArgsSchema):
    """Officer or principal: new equipment with its energy-isolation points (≥ 1)."""

    name = text(200)
    code = text(64, required=False)
    location = text(200, required=False)
    points = fields.List(fields.Nested(PointArgs), required=True, validate=list_length(min=1, max=MAX_POINTS))

    @validates("points")
    def points_unique(self, points, **kwargs):
        """Refuse two points with one id."""
        # Nested errors are reported on their own; a point whose id did not load is skipped here.
        ids = [point["id"] for point in points if point.get("id") is not None]
        if len(set(ids)) != len(ids):
            raise ValidationError("point ids must be unique")


class UpdateEquipmentArgs(RegisterEquipmentArgs):
    """Officer or principal: equipment replaced; a point with an active lock may not be dropped."""


class RetireEquipmentArgs(ArgsSchema):
    """Officer or principal: `active` false, once no lockout on it is still open."""


class OpenLockoutArgs(ArgsSchema):
    """Any person of the enterprise: a new lockout in `applying` on active equipment."""

    equipment_id = fields.UUID(required=True)
    work_type = fields.String(required=True, validate=validate.OneOf(WORK_TYPE_KEYS))
    reason = text(2000)


class ApplyLockArgs(ArgsSchema):
    """Any person of the enterprise: a lock and tag on a point; the last point locked → `locked`."""

    point_id = fields.UUID(required=True)
    lock_number = text(64)
    tag = text(200)
    photos = photos(1)


class VerifyZeroEnergyArgs(ArgsSchema):
    """Any person of the enterprise: the try-out with photos, `locked` → `verified`."""

    photos = photos(1)
    note = text(2000)


class ConfirmArgs(ArgsSchema):
    """Any person of the enterprise who applied none of its locks: `verified` → `safe_to_work`."""


class ReleaseArgs(ArgsSchema):
    """Any person of the enterprise: people and tools clear, `safe_to_work` → `releasing`."""

    people_clear = StrictBoolean(required=True)
    tools_clear = StrictBoolean(required=True)
    # Required by docs/commands.md, and may be empty: the two confirmations often say enough.
    note = fields.String(required=True, validate=validate.Length(max=2000))

    @validates_schema
    def everyone_clear(self, data, **kwargs):
        """Refuse a release unless people and tools are both confirmed clear."""
        for name in ("people_clear", "tools_clear"):
            if data.get(name) is False:
                raise ValidationError("must be true before release", name)


class RemoveLockArgs(ArgsSchema):
    """The lock's applier, or an officer giving a reason: lock removed; the last one → `released`."""

    point_id = fields.UUID(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
