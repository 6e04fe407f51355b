"""JSON answers that cannot fail on text stored before the boundary refused it (lone surrogates)."""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider

from sync.text_hygiene import repaired


class RepairingJSONProvider(DefaultJSONProvider):
    """Flask's JSON, in UTF-8 rather than escapes, with lone surrogates written as U+FFFD."""

    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialise obj; a lone surrogate (unencodable as UTF-8) becomes U+FFFD instead of a 500."""
        return repaired(super().dumps(obj, **kwargs))
