"""Schemas of the auth calls."""

from marshmallow import Schema, fields, validate


def _entered(name: str, max_length: int) -> fields.String:
    """A login field whose every "missing" answer says to enter it (translated in field_messages)."""
    missing = f"Enter the {name}."
    return fields.String(
        required=True,
        validate=[validate.Length(min=1, error=missing), validate.Length(max=max_length)],
        error_messages={"required": missing, "null": missing},
    )


class LoginBody(Schema):
    username = _entered("username", 64)
    password = _entered("password", 256)


class UserOut(Schema):
    id = fields.String()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    enterprise_id = fields.String(allow_none=True)


class TokensOut(Schema):
    access_token = fields.String()
    refresh_token = fields.String()


class LoginOut(TokensOut):
    user = fields.Nested(UserOut)
