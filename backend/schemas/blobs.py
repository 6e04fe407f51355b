"""Answers of the blob calls (protocol.md, "Blobs"), published in the OpenAPI document."""

from marshmallow import Schema, fields

SHA256_PATTERN = "^[0-9a-f]{64}$"


class BlobOut(Schema):
    """A stored image: 201 when this upload stored it, 200 when it was stored before."""

    sha256 = fields.String(required=True, metadata={"pattern": SHA256_PATTERN})
    size = fields.Integer(required=True)
    media_type = fields.String(required=True, metadata={"enum": ["image/jpeg", "image/png", "image/webp"]})
    width = fields.Integer(required=True, allow_none=True)
    height = fields.Integer(required=True, allow_none=True)


class UploadProgress(Schema):
    """A resumable upload part-way: the bytes held so far."""

    offset = fields.Integer(required=True)
