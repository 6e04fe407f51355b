"""A JWTManager that remembers verified tokens' claims until they expire: no re-verifying on every request."""

from __future__ import annotations

import time

from flask import current_app
from flask_jwt_extended import JWTManager

# Verified tokens kept per app; past this many the memory is simply emptied (tokens live 15 minutes).
MAX_REMEMBERED = 10_000


class RememberingJWTManager(JWTManager):
    """Decode a token once: the same token string, under the same key, while in force, has the same claims.

    flask-jwt-extended checks signature and claims the first time; afterwards only the time bounds are
    checked (outside them the token misses and the full decode answers, e.g. token_expired). Revocation is
    not remembered: the blocklist loader still runs on every request.
    """

    def _decode_jwt_from_config(
        self, encoded_token: str, csrf_value=None, allow_expired: bool = False
    ) -> dict:
        if csrf_value is not None or allow_expired:
            return super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        remembered = current_app.extensions.setdefault("verified_jwts", {})
        key = (current_app.config["JWT_SECRET_KEY"], encoded_token)
        claims = remembered.get(key)
        if claims is not None and _in_force(claims, time.time()):
            return dict(claims)
        claims = super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        if isinstance(claims.get("exp"), int | float):
            if len(remembered) >= MAX_REMEMBERED:
                remembered.clear()
            remembered[key] = dict(claims)
        return claims


def _in_force(claims: dict, now: float) -> bool:
    """Tell whether remembered claims hold now (as PyJWT would: not before nbf or iat, before exp)."""
    return max(claims.get("nbf", 0), claims.get("iat", 0)) <= now < claims["exp"]
