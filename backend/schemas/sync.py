"""Schemas of push and pull, published in the OpenAPI document (the engine checks bodies itself)."""

from marshmallow import Schema, fields, validate

from ..sync_setup import ENTITY_TYPES
from .errors import ErrorBody  # noqa: F401  (the views document their errors with it)


class PushCommand(Schema):
    seq = fields.Integer(required=True, metadata={"description": "1, 2, 3… per client_id, no gaps"})
    id = fields.UUID(required=True)
    type = fields.String(required=True, metadata={"example": "hazard.report"})
    entity_id = fields.UUID(required=True)
    captured_at = fields.DateTime(required=True, metadata={"description": "device clock, RFC 3339 UTC"})
    args = fields.Dict(required=True)


class PushBody(Schema):
    client_id = fields.UUID(required=True)
    sent_at = fields.DateTime(required=True)
    commands = fields.List(fields.Nested(PushCommand), required=True)


class Outcome(Schema):
    seq = fields.Integer()
    id = fields.UUID()
    status = fields.String(metadata={"enum": ["applied", "rejected"]})
    entity_id = fields.UUID()
    version = fields.Integer(metadata={"description": "when applied"})
    code = fields.String(
        metadata={
            "enum": [
                "invalid",
                "forbidden",
                "conflict",
                "not_found",
                "unknown_type",
                "server_error",
                "outcome_expired",
            ]
        }
    )
    message = fields.String()
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "field → messages, for invalid"},
    )
    replayed = fields.Boolean()


class Blocked(Schema):
    seq = fields.Integer()
    code = fields.String(metadata={"enum": ["blob_missing"]})
    missing = fields.List(fields.String())


class PushAnswer(Schema):
    last_seq = fields.Integer()
    outcomes = fields.List(fields.Nested(Outcome))
    blocked = fields.Nested(Blocked, allow_none=True)


class PullQuery(Schema):
    cursor = fields.String(metadata={"description": "opaque; omit to start from the beginning"})
    limit = fields.Integer(validate=validate.Range(1, 1000), metadata={"description": "default 500"})
    client_id = fields.UUID()


class EntityChange(Schema):
    entity = fields.String(metadata={"enum": list(ENTITY_TYPES)})
    id = fields.UUID()
    version = fields.Integer()
    deleted = fields.Boolean()
    data = fields.Dict()


class PullAnswer(Schema):
    changes = fields.List(fields.Nested(EntityChange))
    cursor = fields.String()
    more = fields.Boolean()
    last_seq = fields.Integer(allow_none=True)
