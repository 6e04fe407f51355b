"""Which error statuses each /api operation answers, as data: the OpenAPI document lists them all."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Answer:
    """One documented status: the codes it carries and the headers that come with it."""

    description: str
    headers: dict[str, str] = field(default_factory=dict)


RETRY_AFTER = {"Retry-After": "seconds to wait before trying again"}

# Any /api request: refused text (text_boundary.py), a request line past the limit (errors.py).
EVERY_OPERATION = {
    400: Answer("invalid: refused text (NUL, control characters, lone surrogates) in a parameter"),
    414: Answer("uri_too_long: the request target is longer than max_length characters"),
}

# Any operation that reads the database (all but NO_DATABASE): busy or unreachable.
WITH_DATABASE = {
    503: Answer("unavailable: the database is busy or unreachable; try again later", RETRY_AFTER),
}
NO_DATABASE = {"push.public_key:get"}

# Operations behind a bearer token (found from their jwt_required guard).
SIGNED_IN = {
    401: Answer("unauthorized (no, bad or revoked token, or deactivated user), token_expired"),
}

# Operations that read a request body (query arguments add their own 400).
WITH_BODY = {
    400: Answer("malformed (not JSON) or invalid; `fields` names each wrong field"),
    413: Answer("too_large: the body is larger than the server reads"),
}

# "<blueprint>.<endpoint>:<method>" → statuses that operation adds.
BY_OPERATION = {
    "auth.login:post": {
        401: Answer("bad_credentials"),
        429: Answer("too_many_attempts: this username from this address failed too often", RETRY_AFTER),
    },
    "sync.pull:get": {
        400: Answer("invalid: limit is not 1..1000, or client_id is not a UUID"),
    },
    "blobs.Blob:head": {
        404: Answer("not_found; Upload-Offset tells how much of this user's resumable upload is held"),
    },
    "blobs.Blob:get": {
        304: Answer("not modified (If-None-Match)"),
        400: Answer("invalid: unknown variant"),
        404: Answer("not_found: no such blob, or not visible to this user"),
        503: Answer("unavailable (database) or busy (making a thumbnail); try again later", RETRY_AFTER),
    },
    "blobs.Blob:put": {
        400: Answer("hash_mismatch, or malformed Content-Range"),
        409: Answer(
            "offset_mismatch: `offset` says where the upload continues; too_many_partial_uploads: "
            "this user's unfinished uploads hold too much"
        ),
        413: Answer("too_large: larger than max_bytes; image_too_large: more pixels than a phone photo"),
        415: Answer("unsupported_media: not a JPEG, PNG or WebP image"),
        503: Answer("unavailable (database) or busy (image decoders); try again later", RETRY_AFTER),
    },
    "exports.export:get": {
        403: Answer("forbidden: workers cannot export"),
        404: Answer("not_found: no such ledger, or no such enterprise for this user"),
    },
    "office_channels.list_office_channels:get": {403: Answer("forbidden: officers, principals, bureau")},
    "office_channels.put_office_channel:put": {403: Answer("forbidden: officers, principals, bureau")},
    "deliveries.list_deliveries:get": {403: Answer("forbidden: officers, principals, bureau")},
    "bureau.list_records:get": {
        400: Answer("invalid: unknown entity, limit not 1..200, or a cursor not of this list"),
        403: Answer("forbidden: bureaus only"),
        404: Answer("not_found: no such enterprise in this bureau's region"),
    },
    "bureau.get_record:get": {
        400: Answer("invalid: unknown entity"),
        403: Answer("forbidden: bureaus only"),
        404: Answer("not_found: no such enterprise in this bureau's region, or no such record of it"),
    },
    "notices.list_recipients:get": {
        403: Answer("forbidden: the bureau, or the enterprise's own officers and principals"),
        404: Answer("not_found: no such notice"),
    },
}

SHA_PARAMETER = {
    "in": "path",
    "name": "sha",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    "description": "SHA-256 of the bytes, lowercase hex",
}
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")

# What a view's own decorators cannot say (raw bodies and headers): merged into its operation.
OPERATION_DOCS = {
    "blobs.Blob:head": {
        "parameters": [SHA_PARAMETER],
        "responses": {"200": {"description": "stored, and visible to this user"}},
    },
    "blobs.Blob:get": {
        "parameters": [
            SHA_PARAMETER,
            {
                "in": "query",
                "name": "variant",
                "required": False,
                "schema": {"type": "string", "enum": ["thumb"]},
            },
        ],
        "responses": {
            "200": {
                "description": "the bytes (a JPEG thumbnail for variant=thumb)",
                "content": {
                    media: {"schema": {"type": "string", "format": "binary"}} for media in IMAGE_TYPES
                },
            }
        },
    },
    "blobs.Blob:put": {
        "parameters": [
            SHA_PARAMETER,
            {
                "in": "header",
                "name": "Content-Range",
                "required": False,
                "schema": {"type": "string", "pattern": "^bytes [0-9]{1,12}-[0-9]{1,12}/[0-9]{1,12}$"},
                "description": "a resumable upload's chunk; absent for a whole upload",
            },
        ],
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        },
        "responses": {
            "200": {"description": "stored before", "content": {"application/json": {"schema": "BlobOut"}}},
            "201": {"description": "stored now", "content": {"application/json": {"schema": "BlobOut"}}},
            "202": {
                "description": "chunk held; upload continues",
                "content": {"application/json": {"schema": "UploadProgress"}},
            },
        },
    },
}
