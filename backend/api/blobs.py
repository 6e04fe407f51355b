"""Photos and other blobs of protocol.md: HEAD, PUT (whole or resumable), GET by sha256."""

from __future__ import annotations

from flask import Response, current_app, jsonify, redirect, request
from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required

from sync import blobs

from ..blob_setup import blob_store
from ..extensions import db
from ..openapi import ApiBlueprint
from ..sync_setup import actor_of, sync_engine
from .errors import ApiError, error_response

blp = ApiBlueprint("blobs", __name__, url_prefix="/api/v1/blobs", description="Photos by SHA-256")

CACHE_FOREVER = "private, max-age=31536000, immutable"
# An over-limit body up to this size is read and thrown away before the 413, so that a client that sends
# everything before reading (Python requests, urllib) gets the answer instead of a broken pipe.
DRAIN_LIMIT = 64 * 1024 * 1024
READ_SIZE = 64 * 1024
BUSY_RETRY_SECONDS = "5"


@blp.route("/<sha>")
class Blob(MethodView):
    """One blob, named by the SHA-256 of its bytes."""

    @jwt_required()
    def head(self, sha: str):
        """Answer 200 when stored; else 404, with Upload-Offset when this user's upload is part-way."""
        stored, offset = blobs.head(db.session, blob_store(), sha, current_user.id, _scopes())
        if stored:
            return Response(status=200)
        response, status = error_response(404, "not_found")
        if offset is not None:
            response.headers["Upload-Offset"] = str(offset)
        return response, status

    @jwt_required()
    def put(self, sha: str):
        """Store the bytes: whole (201/200), or a Content-Range chunk (202 until the last one)."""
        body = _read_body(blobs.MAX_BYTES)
        content_range = request.headers.get("Content-Range")
        if content_range is None:
            result = blobs.put_whole(db.session, blob_store(), sha, body, current_user.id, _scopes())
        else:
            result = blobs.put_chunk(
                db.session, blob_store(), sha, content_range, body, current_user.id, _scopes()
            )
        if isinstance(result, blobs.Progress):
            return jsonify(offset=result.offset), 202
        return jsonify(blobs.describe(result.blob)), 201 if result.created else 200

    @jwt_required()
    def get(self, sha: str):
        """Return the bytes (or ?variant=thumb, at most 320 px wide) to a user who may see them."""
        variant = request.args.get("variant") or None
        found = blobs.read(db.session, blob_store(), sha, current_user.id, _scopes(), variant)
        # Authorised: from here on, only how the bytes travel differs.
        if request.if_none_match.contains_weak(found.etag):
            response = Response(status=304)
        elif current_app.config["BLOB_SERVE"] == "redirect":
            return _redirect(found)
        else:
            stream = blobs.open_found(blob_store(), found)
            response = Response(stream, mimetype=found.media_type, direct_passthrough=True)
            response.content_length = stream.size
        response.set_etag(found.etag)
        response.headers["Cache-Control"] = CACHE_FOREVER
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def _redirect(found: blobs.Found) -> Response:
    """Send the reader to a presigned URL of the object, valid for BLOB_PRESIGN_SECONDS."""
    seconds = current_app.config["BLOB_PRESIGN_SECONDS"]
    url = blob_store().presigned_url(found.sha, found.variant, seconds, found.media_type)
    response = redirect(url, code=302)
    # The URL expires: neither the browser nor a proxy may keep the redirect.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.after_request
def _retry_after_when_busy(response: Response) -> Response:
    """Tell a client refused while every image decoder was busy when to come back."""
    if response.status_code == 503:
        response.headers.setdefault("Retry-After", BUSY_RETRY_SECONDS)
    return response


def _scopes() -> set[str]:
    """Return the sync scopes the signed-in user may read."""
    return sync_engine().scopes_for(db.session, actor_of(current_user))


def _read_body(limit: int) -> bytes:
    """Read at most limit bytes of the body; a longer one is 413, answered once the body is drained."""
    size = request.content_length
    if size is not None and size > limit:
        if size <= DRAIN_LIMIT:
            _drain(DRAIN_LIMIT)
        raise ApiError(413, "too_large")
    stream, parts, held = request.stream, [], 0
    while True:
        part = stream.read(min(READ_SIZE, limit + 1 - held))
        if not part:
            return b"".join(parts)
        parts.append(part)
        held += len(part)
        if held > limit:
            _drain(DRAIN_LIMIT - held)
            raise ApiError(413, "too_large")


def _drain(budget: int) -> None:
    """Read and drop the rest of the body, at most budget bytes (past that, the server closes)."""
    # The raw input: Flask's request.stream refuses to read past MAX_CONTENT_LENGTH.
    raw = request.environ["wsgi.input"]
    while budget > 0:
        part = raw.read(min(READ_SIZE, budget))
        if not part:
            return
        budget -= len(part)
