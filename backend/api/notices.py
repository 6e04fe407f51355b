"""A notice's recipients, a page at a time: who read and acknowledged it (the bureau, the enterprise)."""

from __future__ import annotations

from flask_jwt_extended import current_user, jwt_required

from ..extensions import db
from ..notify.notice_fanout import NOTICE
from ..notify.notice_receipts import recipients_page
from ..openapi import ApiBlueprint
from ..rules.roles import MANAGER_ROLES
from ..schemas.notification import RecipientPage, RecipientQuery
from ..scopes import enterprise_scope
from ..sync_setup import actor_of, sync_engine
from .errors import ApiError

blp = ApiBlueprint("notices", __name__, url_prefix="/api/v1/notices", description="Bureau notices' receipts")


@blp.route("/<uuid:notice_id>/recipients", methods=["GET"])
@jwt_required()
@blp.arguments(RecipientQuery, location="query")
@blp.response(200, RecipientPage)
def list_recipients(query, notice_id):
    """List one enterprise's recipients of a notice by user id, a page at a time (keyset: pass `next`)."""
    engine = sync_engine()
    enterprise_id = str(query["enterprise_id"])
    readers = current_user.role == "bureau" or current_user.role in MANAGER_ROLES
    scopes = engine.scopes_for(db.session, actor_of(current_user))
    if not readers or enterprise_scope(enterprise_id) not in scopes:
        raise ApiError(403, "forbidden")
    notice = engine.load(db.session, NOTICE, str(notice_id))
    if notice is None or notice.deleted:
        raise ApiError(404, "not_found")
    after = str(query["after"]) if query["after"] else None
    items, next_key = recipients_page(db.session, str(notice_id), enterprise_id, after, query["limit"])
    return {"items": items, "next": next_key}
