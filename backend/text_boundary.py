"""Where text meets the app: unclean text in requests is refused, stored unclean text answered safely."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider

from sync.text_hygiene import INVALID_TEXT, refused_fields, repaired

from .api.errors import ApiError

# The push checks its commands' args itself: one unclean command is rejected, the rest still apply.
OWN_BODY_CHECK = frozenset({"sync.push"})
# Headers a view stores (a push subscription keeps the browser's User-Agent).
STORED_HEADERS = ("User-Agent",)


class RepairingJSONProvider(DefaultJSONProvider):
    """Flask's JSON, in UTF-8 rather than escapes, with lone surrogates written as U+FFFD."""

    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialise obj; a stored lone surrogate (unencodable as UTF-8) becomes U+FFFD instead of a 500."""
        return repaired(super().dumps(obj, **kwargs))


def init_text_boundary(app: Flask) -> None:
    """Answer JSON through the repairing provider; refuse /api requests carrying refused text."""
    app.json = RepairingJSONProvider(app)
    app.before_request(refuse_unclean_text)


def refuse_unclean_text() -> None:
    """Raise 400 `invalid` naming the fields when an /api path, query, body or stored header is unclean."""
    if not request.path.startswith("/api"):
        return
    fields = refused_fields(request.view_args or {})
    for name, value in request.args.items(multi=True):
        fields.update(refused_fields({name: value}))
    for header in STORED_HEADERS:
        fields.update(refused_fields({header: request.headers.get(header, "")}))
    if request.is_json and request.endpoint not in OWN_BODY_CHECK:
        fields.update(refused_fields(_json_body()))
    if fields:
        raise ApiError(400, "invalid", INVALID_TEXT, fields=fields)


def _json_body() -> Any:
    """Return the parsed JSON body, or None when unreadable (the view answers that as malformed)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        # The views' own parser (webargs) would fail on it the same way, with a 500.
        raise ApiError(400, "malformed", fields={"_body": ["nested too deeply"]}) from None
