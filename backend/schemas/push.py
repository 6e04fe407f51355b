"""Schemas of the Web Push calls: the browser's PushSubscription JSON, checked before it is kept."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

from ..notify.vapid import b64url_decode

LOCAL_HOSTS = ("127.0.0.1", "localhost")
KEY_BYTES = {"p256dh": 65, "auth": 16}


def _key_of_length(name: str, text: str) -> None:
    try:
        raw = b64url_decode(text)
    except ValueError as error:
        raise ValidationError("not base64url") from error
    if len(raw) != KEY_BYTES[name]:
        raise ValidationError(f"must decode to {KEY_BYTES[name]} bytes, not {len(raw)}")
    if name == "p256dh" and raw[0] != 0x04:
        raise ValidationError("must be an uncompressed P-256 point (starts with 0x04)")


class SubscriptionKeys(Schema):
    class Meta:
        unknown = EXCLUDE

    p256dh = fields.String(required=True)
    auth = fields.String(required=True)

    @validates("p256dh")
    def _p256dh(self, value, **_):
        _key_of_length("p256dh", value)

    @validates("auth")
    def _auth(self, value, **_):
        _key_of_length("auth", value)


class EndpointBody(Schema):
    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=1024))

    @validates("endpoint")
    def _endpoint(self, value, **_):
        parts = urlsplit(value)
        if not parts.netloc or not parts.hostname:
            raise ValidationError("not a URL")
        if parts.scheme == "https":
            return
        insecure_ok = current_app.config.get("PUSH_ALLOW_INSECURE") and parts.hostname in LOCAL_HOSTS
        if parts.scheme != "http" or not insecure_ok:
            raise ValidationError("push endpoints use https")


class SubscriptionBody(EndpointBody):
    class Meta:
        unknown = EXCLUDE

    keys = fields.Nested(SubscriptionKeys, required=True)
    expirationTime = fields.Raw(allow_none=True, load_default=None)  # noqa: N815 (the browser's name)
    user_agent = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class SubscriptionOut(Schema):
    id = fields.String()
    endpoint = fields.String()
    user_agent = fields.String(allow_none=True)
    created_at = fields.DateTime()
    last_success_at = fields.DateTime(allow_none=True)
    failures = fields.Integer()


class PublicKeyOut(Schema):
    public_key = fields.String()


class OfficeChannelBody(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("wecom", "dingtalk")))
    url = fields.String(required=True, validate=validate.Length(min=1, max=500))
    secret = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    name = fields.String(load_default="", validate=validate.Length(max=100))
    active = fields.Boolean(load_default=True)

    @validates("url")
    def _url(self, value, **_):
        EndpointBody()._endpoint(value)


class OfficeChannelOut(Schema):
    id = fields.String()
    enterprise_id = fields.String(allow_none=True)
    kind = fields.String()
    name = fields.String()
    url = fields.String()
    signed = fields.Boolean()
    active = fields.Boolean()
