"""The delivery log: every notification × channel and its status, for managers and the bureau."""

from __future__ import annotations

from flask_jwt_extended import current_user, jwt_required
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from sync import tables

from ..extensions import db
from ..models import Delivery, Enterprise, OfficeChannel, User
from ..openapi import ApiBlueprint
from ..rules.regions import code_range, within
from ..rules.roles import MANAGER_ROLES
from ..schemas.notification import DeliveryOut, DeliveryQuery
from ..scopes import user_scope
from .errors import ApiError

blp = ApiBlueprint("deliveries", __name__, url_prefix="/api/v1", description="The notification delivery log")

USER_SCOPE_PREFIX = "user:"


def _enterprise_asked(asked: str | None) -> str | None:
    """Return the enterprise whose log the caller reads (None: all of a bureau's region)."""
    if current_user.role == "bureau":
        enterprise = db.session.get(Enterprise, asked) if asked else None
        # Another region's enterprise answers as one that does not exist.
        if asked and (
            enterprise is None or not within(enterprise.region_code, current_user.region_code or "")
        ):
            raise ApiError(404, "not_found")
        return asked
    if current_user.role in MANAGER_ROLES and current_user.enterprise_id:
        if asked is not None and asked != current_user.enterprise_id:
            raise ApiError(403, "forbidden")
        return current_user.enterprise_id
    raise ApiError(403, "forbidden")


@blp.route("/deliveries", methods=["GET"])
@jwt_required()
@blp.arguments(DeliveryQuery, location="query")
@blp.response(200, DeliveryOut(many=True))
def list_deliveries(query):
    """List the newest deliveries: an officer's or principal's enterprise, or a bureau's region."""
    enterprise_id = _enterprise_asked(str(query["enterprise_id"]) if query["enterprise_id"] else None)
    notification = tables.entities
    statement = (
        select(Delivery, notification.c.scope, notification.c.data, OfficeChannel.enterprise_id)
        .outerjoin(
            notification,
            and_(
                Delivery.channel == "webpush",
                notification.c.entity == "notification",
                notification.c.id == Delivery.notification_key,
            ),
        )
        .outerjoin(OfficeChannel, and_(Delivery.channel != "webpush", OfficeChannel.id == Delivery.target))
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .limit(query["limit"])
    )
    if enterprise_id is not None:
        people = select(User.id).where(User.enterprise_id == enterprise_id)
        scopes = [user_scope(user_id) for user_id in db.session.scalars(people)]
        statement = statement.where(
            or_(notification.c.scope.in_(scopes), OfficeChannel.enterprise_id == enterprise_id)
        )
    elif current_user.role == "bureau":
        statement = _within_region(statement, notification, current_user.region_code or "")
    rows = db.session.execute(statement).all()
    enterprise_of = _enterprises_of({_user_of(scope) for _, scope, _, _ in rows if scope})
    return [_row(delivery, scope, data, office, enterprise_of) for delivery, scope, data, office in rows]


def _within_region(statement, notification, region: str):
    """Keep the deliveries to people and offices of the region's enterprises, and to its bureaus."""
    low, high = code_range(region) if region else ("", "")
    person, of_person, of_office = aliased(User), aliased(Enterprise), aliased(Enterprise)
    prefix = len(USER_SCOPE_PREFIX) + 1
    return (
        statement.outerjoin(person, person.id == func.substr(notification.c.scope, prefix))
        .outerjoin(of_person, of_person.id == person.enterprise_id)
        .outerjoin(of_office, of_office.id == OfficeChannel.enterprise_id)
        .where(
            or_(
                of_person.region_code.between(low, high),
                person.region_code.between(low, high),
                of_office.region_code.between(low, high),
                and_(OfficeChannel.enterprise_id.is_(None), OfficeChannel.region_code.between(low, high)),
            )
        )
    )


def _user_of(scope: str | None) -> str | None:
    return scope.removeprefix(USER_SCOPE_PREFIX) if scope else None


def _enterprises_of(user_ids: set[str]) -> dict[str, str | None]:
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.enterprise_id).where(User.id.in_(user_ids))).all())


def _row(delivery: Delivery, scope, data, office_enterprise, enterprise_of) -> dict:
    """Return a log row with whom it was for: the recipient and their enterprise, or the office's."""
    row = delivery.to_public()
    user_id = _user_of(scope)
    data = data or {}
    row.update(
        user_id=user_id,
        enterprise_id=enterprise_of.get(user_id) if user_id else office_enterprise,
        kind=data.get("kind"),
        title=data.get("title") or (delivery.message or {}).get("title"),
    )
    return row
