"""The one error body every /api failure answers with, as errors.py builds it (published in OpenAPI)."""

from marshmallow import Schema, fields


def _count(description: str) -> fields.Integer:
    return fields.Integer(metadata={"description": description})


class ErrorBody(Schema):
    """`{code, message, ...}`: a stable snake_case code, a localised message, and extras some codes carry."""

    code = fields.String(
        required=True,
        metadata={"description": "stable snake_case code, e.g. invalid, too_large", "pattern": "^[a-z_]+$"},
    )
    message = fields.String(required=True, metadata={"description": "localised (Accept-Language)"})
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "malformed / invalid: field name → what is wrong with it"},
    )
    seq = _count("seq_mismatch: the seq that was used by another command")
    expected = _count("seq_gap: the seq the server expects next")
    offset = _count("offset_mismatch: bytes of the resumable upload the server holds")
    max_commands = _count("too_large (push): most commands in one push")
    max_bytes = _count("too_large: most bytes the request may have")
    max_length = _count("uri_too_long: most characters in the request target")
    retry_after = _count("too_many_attempts, unavailable: seconds to wait (also the Retry-After header)")
    status = fields.String(metadata={"description": "unavailable (health check): error"})
    checks = fields.Dict(
        metadata={"description": "unavailable (health check): each part's {status, ms, error}"}
    )
