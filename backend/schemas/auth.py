"""Schemas of the auth calls."""

from marshmallow import Schema, fields, validate


class LoginBody(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


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
