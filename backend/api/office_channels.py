"""Office channels: the WeCom/DingTalk robot webhooks of one's enterprise, or of one's bureau (its region)."""

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


def _owner() -> tuple[str | None, str | None]:
    """Return whose channels the caller manages: (their enterprise, None) for an officer or principal,
    (None, its region node) for a bureau."""
    if current_user.role == "bureau" and current_user.region_code:
        return None, current_user.region_code
    if current_user.role in MANAGER_ROLES and current_user.enterprise_id:
        return current_user.enterprise_id, None
    raise ApiError(403, "forbidden")


def _channels_of(owner: tuple[str | None, str | None]):
    enterprise_id, region = owner
    if enterprise_id is None:
        return select(OfficeChannel).where(
            OfficeChannel.enterprise_id.is_(None), OfficeChannel.region_code == region
        )
    return select(OfficeChannel).where(OfficeChannel.enterprise_id == enterprise_id)


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
        enterprise_id, region = owner
        channel = OfficeChannel(
            id=str(uuid.uuid4()), enterprise_id=enterprise_id, region_code=region, kind=body["kind"]
        )
        db.session.add(channel)
    channel.url, channel.name, channel.active = body["url"], body["name"], body["active"]
    channel.secret = body["secret"] or None
    db.session.commit()
    return channel.to_public()
