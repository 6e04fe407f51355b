"""Refuses, before any /api view runs, a request whose text (query, path, JSON, stored headers) is unclean."""

from __future__ import annotations

from flask import Flask, request

from sync.text_hygiene import INVALID_TEXT, refused_fields

from .errors import ApiError

# The push checks its commands' args itself: one unclean command is rejected, the rest still apply.
OWN_BODY_CHECK = frozenset({"sync.push"})
# Headers a view stores (a push subscription keeps the browser's User-Agent).
STORED_HEADERS = ("User-Agent",)


def register_text_guard(app: Flask) -> None:
    """Answer 400 `invalid`, naming the fields, to an /api request carrying refused text."""

    @app.before_request
    def refuse_unclean_text():
        if not request.path.startswith("/api"):
            return
        fields = {}
        fields.update(refused_fields(request.view_args or {}))
        for name, value in request.args.items(multi=True):
            fields.update(refused_fields({name: value}))
        for header in STORED_HEADERS:
            fields.update(refused_fields({header: request.headers.get(header, "")}))
        if request.is_json and request.endpoint not in OWN_BODY_CHECK:
            fields.update(refused_fields(_json_body()))
        if fields:
            raise ApiError(400, "invalid", INVALID_TEXT, fields=fields)


def _json_body():
    """Return the parsed JSON body, or None when unreadable: the view answers that as malformed."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None
