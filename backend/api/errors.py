"""JSON errors with stable codes for every failure under /api: never an HTML page."""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from sync import SyncError, Text
from sync.faults import RETRY_AFTER_SECONDS, is_transient

from .. import gunicorn_errors
from ..messages import localize, localize_fields

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "malformed",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    414: "uri_too_long",
    415: "unsupported_media",
    422: "invalid",
    429: "too_many_attempts",
}


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Longest request target (path and query) an /api call may have; gunicorn refuses request lines past
# its own limit just above this with the same JSON 414 (backend/gunicorn_errors.py).
MAX_TARGET_LENGTH = gunicorn_errors.MAX_TARGET_LENGTH


class ApiError(Exception):
    """An error a view raises: status, stable code, optional message and extra fields."""

    def __init__(self, status: int, code: str, message=None, **extra):
        super().__init__(code)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def error_response(status: int, code: str, message=None, **extra):
    """Build the {code, message, ...} answer."""
    if extra.get("fields"):
        extra["fields"] = localize_fields(extra["fields"])
    body = {"code": code, "message": localize(message, code), **extra}
    return jsonify(body), status


def register_error_handlers(app: Flask) -> None:
    """Answer errors as JSON under /api; leave the PWA's pages to the PWA."""

    @app.before_request
    def refuse_long_targets():
        if request.path.startswith("/api") and len(request.full_path) > MAX_TARGET_LENGTH:
            return error_response(414, "uri_too_long", max_length=MAX_TARGET_LENGTH)
        return None

    @app.errorhandler(ApiError)
    def on_api_error(error: ApiError):
        return error_response(error.status, error.code, error.message, **error.extra)

    @app.errorhandler(SyncError)
    def on_sync_error(error: SyncError):
        return error_response(error.status, error.code, error.message, **error.extra)

    @app.errorhandler(HTTPException)
    def on_http_error(error: HTTPException):
        if not request.path.startswith("/api"):
            return error
        status = error.code or 500
        routed_to_api = request.url_rule is not None and not (request.endpoint or "").startswith("pwa.")
        allowed = _api_methods(request.path) if status in (404, 405) and not routed_to_api else []
        if allowed:
            # The PWA's catch-all GET route turns wrong-method requests to /api paths into 404s,
            # and would add GET to a 405's Allow header: name only the API's own methods.
            response, _ = error_response(405, "method_not_allowed")
            response.headers["Allow"] = ", ".join(allowed)
            return response, 405
        code = HTTP_CODES.get(status, "internal_error" if status >= 500 else "malformed")
        extra = {}
        messages = getattr(error, "data", {}).get("messages") if hasattr(error, "data") else None
        if status in (400, 422) and messages:
            # webargs puts field errors under their location ("json", "query"); a list there is a
            # body it could not parse at all.
            extra["fields"] = flatten_fields(messages)
            parsed = all(isinstance(loc, dict) for loc in messages.values())
            status, code = 400, "invalid" if parsed else "malformed"
        return error_response(status, code, **extra)

    @app.errorhandler(Exception)
    def on_unexpected(error: Exception):
        log.exception("unhandled error on %s", request.path)
        if not request.path.startswith("/api"):
            return "服务器内部错误，请稍后再试", 500
        return error_response(500, "internal_error")

    @app.errorhandler(SQLAlchemyError)
    def on_database_error(error: SQLAlchemyError):
        if not is_transient(error):
            return on_unexpected(error)
        return answer_unavailable(error)


def flatten_fields(messages) -> dict[str, list[str]]:
    """Turn webargs' messages by location into `{"keys.auth": ["..."]}`: dotted field path → strings."""
    flat: dict[str, list[str]] = {}
    for found in messages.values():
        if not isinstance(found, dict):  # a body webargs could not parse at all
            flat.setdefault("_body", []).extend(_texts(found))
            continue
        for name, value in found.items():
            _flatten_into(flat, str(name), value)
    return flat


def _flatten_into(flat: dict[str, list[str]], path: str, value) -> None:
    """Put a message tree's strings under their dotted paths, as the push's `fields` name them."""
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten_into(flat, f"{path}.{key}", inner)
    else:
        flat.setdefault(path, []).extend(_texts(value))


def _texts(value) -> list[str]:
    """Return the strings of a message list (nested lists folded)."""
    if isinstance(value, list | tuple):
        return [t for item in value for t in _texts(item)]
    return [str(value)]


def _api_methods(path: str) -> list[str]:
    """Return the methods an /api path answers to, ignoring the PWA's catch-all route."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in METHODS:
        try:
            endpoint, _ = adapter.match(path, method=method)
        except HTTPException:
            continue
        if not endpoint.startswith("pwa."):
            allowed.append(method)
    return allowed


UNAVAILABLE = Text("服务器繁忙，请稍后重试", "The server is busy; try again shortly")


def answer_unavailable(error: Exception):
    """Answer a transient database failure 503 with Retry-After: the client retries, nothing was written."""
    log.warning("transient database error on %s: %s", request.path, error)
    if request.path.startswith("/api"):
        response, _ = error_response(503, "unavailable", UNAVAILABLE)
    else:
        response = current_app.make_response(("服务器繁忙，请稍后再试", 503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response, 503
