"""Personal QR badges for roll calls: the server signs a person's id, any officer's phone reads it offline."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

PREFIX = "P1"


def badge_mac(user_id: str, key: str | None = None) -> str:
    """Return the 16-hex signature of a person's badge."""
    secret = (key or current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"person:{user_id}".encode(), hashlib.sha256).hexdigest()[:16]


def badge_text(user_id: str, key: str | None = None) -> str:
    """Return the QR text of a person's badge: P1.<user_id>.<mac>."""
    return f"{PREFIX}.{user_id}.{badge_mac(user_id, key)}"


def badge_user(text: str, key: str | None = None) -> str | None:
    """Return the user id a badge text names when its signature is right, else None."""
    parts = text.split(".") if isinstance(text, str) else []
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    user_id, mac = parts[1], parts[2]
    return user_id if hmac.compare_digest(mac, badge_mac(user_id, key)) else None
