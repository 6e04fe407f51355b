"""Auth calls of protocol.md: login, refresh, logout, me."""

from __future__ import annotations

from flask import request
from flask_jwt_extended import current_user, get_jwt, jwt_required
from werkzeug.exceptions import BadRequest

from sync import Text

from ..login_throttle import seconds_to_wait
from ..openapi import ApiBlueprint
from ..schemas.auth import LoginBody, LoginOut, TokensOut, UserOut
from ..sessions import authenticate, open_session, revoke, rotate
from .errors import ApiError, error_response, flatten_fields
from .push import forget_devices_of_session

ENTER = {
    "username": Text("请填写用户名", "Enter the username"),
    "password": Text("请填写密码", "Enter the password"),
}
ENTER_BOTH = Text("请填写用户名和密码", "Enter the username and the password")

blp = ApiBlueprint("auth", __name__, url_prefix="/api/v1", description="Sign in, tokens, current user")


@blp.route("/auth/login", methods=["POST"])
@blp.arguments(LoginBody)
@blp.response(200, LoginOut)
def login(body):
    """Sign in with username and password; get access and refresh tokens."""
    address = request.remote_addr or "unknown"
    wait = seconds_to_wait(body["username"], address)
    if wait is not None:
        return _throttled(wait)
    user = authenticate(body["username"], body["password"], address)
    if user is None:
        raise ApiError(401, "bad_credentials")
    return {**open_session(user), "user": user.to_public()}


@blp.errorhandler(BadRequest)
def on_invalid_login(error: BadRequest):
    """Answer a login without a username or password 400 invalid, naming what to enter, field by field."""
    messages = getattr(error, "data", {}).get("messages") or {}
    if not messages or not all(isinstance(found, dict) for found in messages.values()):
        return error_response(400, "malformed", **({"fields": flatten_fields(messages)} if messages else {}))
    fields = flatten_fields(messages)
    missing = [name for name in ENTER if f"Enter the {name}." in fields.get(name, [])]
    message = ENTER_BOTH if len(missing) == 2 else ENTER[missing[0]] if missing else None
    return error_response(400, "invalid", message, fields=fields)


def _throttled(seconds: int):
    """Answer 429 saying how long to wait, in the Retry-After header and the body."""
    minutes = -(-seconds // 60)
    message = Text(
        f"尝试次数过多，请 {minutes} 分钟后再试", f"Too many failed attempts; try again in {minutes} min"
    )
    response, status = error_response(429, "too_many_attempts", message, retry_after=seconds)
    response.headers["Retry-After"] = str(seconds)
    return response, status


@blp.route("/auth/refresh", methods=["POST"])
@jwt_required(refresh=True)
@blp.response(200, TokensOut)
def refresh():
    """Spend a refresh token for a new access and refresh token."""
    tokens = rotate(current_user, get_jwt())
    if tokens is None:
        raise ApiError(401, "unauthorized")
    return tokens


@blp.route("/auth/logout", methods=["POST"])
@jwt_required()
@blp.response(204)
def logout():
    """End this sign-in: its refresh token stops working."""
    forget_devices_of_session(get_jwt()["sid"])
    revoke(get_jwt()["sid"], "logout")


@blp.route("/me", methods=["GET"])
@jwt_required()
@blp.response(200, UserOut)
def me():
    """Return the signed-in user."""
    return current_user.to_public()
