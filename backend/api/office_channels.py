"""Office channels: the WeCom/DingTalk robot webhooks of one's enterprise, or of the bureau."""

from __future__ import annotations

import uuid

from flask_jwt_extended import current_user, jwt_required
from sqlalchemy import select

from ..extensions import db
from ..models import OfficeChannel
from ..openapi import ApiBlueprint
from ..rules.roles import MANAGER_ROLES
from ..schemas.push import OfficeChannelBody, OfficeChannelOut
from .errors import ApiError

blp = ApiBlueprint(
    "office_channels", __name__, url_prefix="/api/v1", description="WeCom and DingTalk group-robot webhooks"
)


def _owner() -> str | None:
    """Return whose channels the caller manages: their enterprise (officer, principal) or the bureau."""
    if current_user.role == "bureau":
        return None
    if current_user.role in MANAGER_ROLES and current_user.enterprise_id:
        return current_user.enterprise_id
    raise ApiError(403, "forbidden")


def _channels_of(owner: str | None):
    column = OfficeChannel.enterprise_id
    return select(OfficeChannel).where(column.is_(None) if owner is None else column == owner)


@blp.route("/office-channels", methods=["GET"])
@jwt_required()
@blp.response(200, OfficeChannelOut(many=True))
def list_office_channels():
    """List the robot webhooks of one's enterprise (officer, principal) or of the bureau."""
    owner = _owner()
    return [c.to_public() for c in db.session.scalars(_channels_of(owner).order_by(OfficeChannel.kind))]


@blp.route("/office-channels", methods=["PUT"])
@jwt_required()
@blp.arguments(OfficeChannelBody)
@blp.response(200, OfficeChannelOut)
def put_office_channel(body):
    """Set the WeCom or DingTalk robot of one's enterprise or the bureau (one per kind)."""
    owner = _owner()
    channel = db.session.scalars(_channels_of(owner).where(OfficeChannel.kind == body["kind"])).first()
    if channel is None:
        channel = OfficeChannel(id=str(uuid.uuid4()), enterprise_id=owner, kind=body["kind"])
        db.session.add(channel)
    channel.url, channel.name, channel.active = body["url"], body["name"], body["active"]
    channel.secret = body["secret"] or None
    db.session.commit()
    return channel.to_public()
