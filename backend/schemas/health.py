"""Schema of the health check's answer, published in the OpenAPI document."""

from marshmallow import Schema, fields


class PartHealth(Schema):
    status = fields.String(
        metadata={"enum": ["ok", "error", "not configured", "unknown"], "description": "this part's state"}
    )
    ms = fields.Float(metadata={"description": "how long the probe took, in milliseconds"})
    error = fields.String(metadata={"description": "when status is error: what failed, in one line"})


class HealthChecks(Schema):
    database = fields.Nested(PartHealth)
    redis = fields.Nested(PartHealth, metadata={"description": "not configured without REDIS_URL"})
    storage = fields.Nested(PartHealth, metadata={"description": "the blob store (BLOB_STORE)"})


class HealthAnswer(Schema):
    status = fields.String(metadata={"enum": ["ok", "error"]})
    checks = fields.Nested(HealthChecks)
