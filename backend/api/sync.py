"""Push and pull of protocol.md: parse the request, hand it to the sync engine, localise outcomes."""

from __future__ import annotations

import orjson
from flask import jsonify, request
from flask_jwt_extended import current_user, jwt_required

from sync import json_columns
from sync.push import MAX_BYTES, MAX_COMMANDS

from .. import metrics
from ..extensions import db
from ..fast_gzip import json_answer
from ..messages import localize, localize_fields
from ..openapi import ApiBlueprint
from ..schemas.sync import ErrorBody, PullAnswer, PullQuery, PushAnswer, PushBody
from ..sync_setup import COMMAND_TYPES, actor_of, sync_engine
from .errors import ApiError

blp = ApiBlueprint("sync", __name__, url_prefix="/api/v1/sync", description="Push commands, pull changes")

# Bodies past this are not even read; between 2 MiB and this, well-formed ones get 413, others 400.
READ_LIMIT = 8 * 1024 * 1024
# The limits the engine states in its own too_large answer: the ones a client should keep to.
TOO_LARGE_EXTRAS = {"max_commands": MAX_COMMANDS, "max_bytes": MAX_BYTES}


@blp.route("/push", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": PushBody}}})
@blp.alt_response(200, schema=PushAnswer, description="Each command's outcome")
@blp.alt_response(400, schema=ErrorBody, description="malformed")
@blp.alt_response(401, schema=ErrorBody, description="unauthorized / token_expired")
@blp.alt_response(409, schema=ErrorBody, description="client_owned_by_other_user, seq_mismatch, seq_gap")
@blp.alt_response(413, schema=ErrorBody, description="too_large")
@blp.alt_response(503, schema=ErrorBody, description="unavailable: retry after Retry-After seconds")
@jwt_required()
def push():
    """Apply commands in seq order, once each; answer each command's outcome."""
    raw = _read_body(READ_LIMIT)
    body = _parse_body(raw)
    # Refused characters (controls, lone surrogates) can only reach a parsed JSON string through a \u
    # escape: strict JSON refuses raw controls and UTF-8 cannot hold a lone surrogate. Without one, the
    # per-command text check has nothing to find.
    clean = b"\\u" not in raw
    answer = sync_engine().push(db.session, actor_of(current_user), body, len(raw), text_clean=clean)
    metrics.count_push(body, answer["outcomes"], COMMAND_TYPES)
    for outcome in answer["outcomes"]:
        if "message" in outcome:
            outcome["message"] = localize(outcome["message"])
        if outcome.get("fields"):
            outcome["fields"] = localize_fields(outcome["fields"])
    try:
        return json_answer(orjson.dumps(answer))
    except (TypeError, orjson.JSONEncodeError):
        return jsonify(answer)  # text orjson refuses (a lone surrogate): the repairing provider writes it


def _parse_body(raw: bytes):
    """Parse the push body as JSON columns are read: orjson, and json for what it refuses.

    orjson is strict where json is lenient (NaN, lone surrogate escapes, integers past 64 bits, nesting
    past 1,024): json then parses those, and the engine checks each command's args as before.
    """
    try:
        return json_columns.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: deeply nested arrays ("[[[[…") are malformed, not a server fault.
        raise ApiError(400, "malformed", fields={"_body": ["must be JSON"]}) from None


def _read_body(limit: int) -> bytes:
    """Read the body, chunked or not, and answer 413 as soon as it passes limit bytes."""
    size = request.content_length
    if size is not None and size > limit:
        raise ApiError(413, "too_large", **TOO_LARGE_EXTRAS)
    # A chunked body has no Content-Length: count while reading, never hold more than limit + 1 bytes.
    parts, held = [], 0
    while part := request.stream.read(min(64 * 1024, limit + 1 - held)):
        parts.append(part)
        held += len(part)
        if held > limit:
            raise ApiError(413, "too_large", **TOO_LARGE_EXTRAS)
    return b"".join(parts)


@blp.route("/pull", methods=["GET"])
@blp.doc(parameters=[{"in": "query", "schema": PullQuery}])
@blp.alt_response(200, schema=PullAnswer, description="A page of changes")
@blp.alt_response(409, schema=ErrorBody, description="client_owned_by_other_user")
@blp.alt_response(410, schema=ErrorBody, description="reset_required")
@jwt_required()
def pull():
    """Return changes since the cursor that the user may see, a page at a time."""
    limit = request.args.get("limit")
    # isascii: str.isdigit() also accepts "²", which int() refuses.
    if limit is not None and not (limit.isascii() and limit.isdigit()):
        raise ApiError(400, "invalid", fields={"limit": ["must be an integer 1..1000"]})
    page = sync_engine().pull_page(
        db.session,
        actor_of(current_user),
        request.args.get("cursor") or None,
        int(limit) if limit is not None else None,
        request.args.get("client_id") or None,
    )
    # The stored JSON text goes out as it is (Page.as_json), never decoded and re-encoded.
    return json_answer(page.as_json())
