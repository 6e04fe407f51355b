"""flask-jwt-extended wiring: who a token names, revoked sessions, and 401 answers with codes."""

from __future__ import annotations

from flask import Flask, g

from .api.errors import error_response
from .extensions import db, jwt
from .models import User
from .sessions import session_and_user


def init_jwt(app: Flask) -> None:
    """Attach the loaders that make tokens real: user lookup, revocation, error codes."""
    jwt.init_app(app)

    # flask-jwt-extended asks whether the session ended, then for the user: one query answers both.
    @jwt.token_in_blocklist_loader
    def session_ended(_header, claims):
        ended, g.signed_in_user = session_and_user(claims)
        return ended

    @jwt.user_lookup_loader
    def load_user(_header, claims):
        user = g.pop("signed_in_user", None)
        if user is None or user.id != claims["sub"]:
            user = db.session.get(User, claims["sub"])
        return user if user is not None and user.active else None

    @jwt.expired_token_loader
    def expired(_header, _claims):
        return error_response(401, "token_expired")

    def unauthorized(*_args):
        return error_response(401, "unauthorized")

    jwt.invalid_token_loader(unauthorized)
    jwt.unauthorized_loader(unauthorized)
    jwt.revoked_token_loader(unauthorized)
    jwt.user_lookup_error_loader(unauthorized)
    jwt.needs_fresh_token_loader(unauthorized)
    jwt.token_verification_failed_loader(unauthorized)
