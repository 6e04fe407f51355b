"""Web Push calls: the VAPID public key, and each person's device subscriptions."""

from __future__ import annotations

import uuid

from flask import request
from flask_jwt_extended import current_user, get_jwt, jwt_required
from flask_smorest import Blueprint
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import PushSubscription
from ..notify.vapid import vapid_keys
from ..schemas.push import EndpointBody, PublicKeyOut, SubscriptionBody, SubscriptionOut

blp = Blueprint(
    "push", __name__, url_prefix="/api/v1/push", description="Web Push keys and device subscriptions"
)


@blp.route("/public-key", methods=["GET"])
@blp.response(200, PublicKeyOut)
def public_key():
    """Return the VAPID public key for PushManager.subscribe (applicationServerKey)."""
    return {"public_key": vapid_keys().public_key}


@blp.route("/subscriptions", methods=["GET"])
@jwt_required()
@blp.response(200, SubscriptionOut(many=True))
def list_subscriptions():
    """List the signed-in person's devices that receive Web Push."""
    query = select(PushSubscription).where(PushSubscription.user_id == current_user.id)
    return [s.to_public() for s in db.session.scalars(query.order_by(PushSubscription.created_at))]


@blp.route("/subscriptions", methods=["POST"])
@jwt_required()
@blp.arguments(SubscriptionBody)
@blp.response(201, SubscriptionOut)
@blp.alt_response(200, schema=SubscriptionOut, description="The endpoint was registered before")
def subscribe(body):
    """Register this device's push subscription (201), or refresh one registered before (200)."""
    try:
        subscription, created = _save(body)
        db.session.commit()
    except IntegrityError:
        # Another request registered the same endpoint at the same moment: update that row.
        db.session.rollback()
        subscription, created = _save(body)
        db.session.commit()
    return subscription.to_public(), 201 if created else 200


@blp.route("/subscriptions", methods=["DELETE"])
@jwt_required()
@blp.arguments(EndpointBody)
@blp.response(204)
def unsubscribe(body):
    """Forget this device's subscription (answered 204 even when it was already gone)."""
    subscription = _by_endpoint(body["endpoint"])
    if subscription is not None and subscription.user_id == current_user.id:
        db.session.delete(subscription)
        db.session.commit()


def _by_endpoint(endpoint: str) -> PushSubscription | None:
    return db.session.scalars(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).first()


def _save(body: dict) -> tuple[PushSubscription, bool]:
    """Create the subscription or update it; a device signed in by someone else now belongs to this user."""
    subscription = _by_endpoint(body["endpoint"])
    created = subscription is None
    if created:
        subscription = PushSubscription(id=str(uuid.uuid4()), endpoint=body["endpoint"], failures=0)
        db.session.add(subscription)
    elif subscription.user_id != current_user.id:
        subscription.last_success_at = None
    subscription.user_id = current_user.id
    subscription.p256dh = body["keys"]["p256dh"]
    subscription.auth = body["keys"]["auth"]
    subscription.user_agent = (body.get("user_agent") or request.user_agent.string or "")[:300] or None
    subscription.failures = 0
    subscription.session_id = get_jwt().get("sid")
    db.session.flush()
    return subscription, created


def forget_devices_of_session(session_id: str) -> int:
    """Delete the push subscriptions a sign-in registered (at logout: that device gets no more pushes)."""
    result = db.session.execute(delete(PushSubscription).where(PushSubscription.session_id == session_id))
    db.session.commit()
    return result.rowcount
