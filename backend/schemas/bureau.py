"""Schemas of the bureau's online reading of an enterprise's records (published in OpenAPI)."""

from marshmallow import Schema, fields, validate

from ..bureau_records import DEFAULT_LIMIT, MAX_LIMIT, detail_entities
from ..sync_setup import ENTITY_TYPES

DETAIL_ENTITIES = detail_entities(ENTITY_TYPES)


class RecordsQuery(Schema):
    entity = fields.String(required=True, validate=validate.OneOf(DETAIL_ENTITIES))
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(
        load_default=None,
        validate=validate.Length(max=500),
        metadata={"description": "the previous page's next_cursor"},
    )


class RecordOut(Schema):
    entity = fields.String(metadata={"enum": list(DETAIL_ENTITIES)})
    id = fields.String()
    data = fields.Dict(metadata={"description": "the record's whole state, as sync's `data`"})


class RecordsPage(Schema):
    records = fields.List(fields.Nested(RecordOut))
    next_cursor = fields.String(allow_none=True, metadata={"description": "null on the last page"})
