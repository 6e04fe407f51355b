"""Schemas of the Web Push calls: the browser's PushSubscription JSON, checked before it is kept."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

from ..notify.outbound import push_endpoint_refusal, robot_url_refusal
from ..notify.webpush import key_refusal


class SubscriptionKeys(Schema):
    class Meta:
        unknown = EXCLUDE

    p256dh = fields.String(required=True, validate=validate.Length(max=100))
    auth = fields.String(required=True, validate=validate.Length(max=50))

    @validates("p256dh")
    def _p256dh(self, value, **_):
        if problem := key_refusal("p256dh", value):
            raise ValidationError(problem)

    @validates("auth")
    def _auth(self, value, **_):
        if problem := key_refusal("auth", value):
            raise ValidationError(problem)


class EndpointBody(Schema):
    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class NewEndpointBody(EndpointBody):
    """An endpoint to send to: https on a public address (checked again before every delivery)."""

    @validates("endpoint")
    def _endpoint(self, value, **_):
        if problem := push_endpoint_refusal(value):
            raise ValidationError(problem)


class SubscriptionBody(NewEndpointBody):
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
        if problem := robot_url_refusal(value):
            raise ValidationError(problem)


class OfficeChannelOut(Schema):
    id = fields.String()
    enterprise_id = fields.String(allow_none=True)
    region_code = fields.String(allow_none=True, metadata={"description": "a bureau's channel: its region"})
    kind = fields.String()
    name = fields.String()
    url = fields.String()
    signed = fields.Boolean()
    active = fields.Boolean()
