"""A bureau reads an enterprise of its region online, page by page (its phone pulls summaries only)."""

from __future__ import annotations

from flask_jwt_extended import current_user, jwt_required

from ..bureau_records import CursorError, bureau_enterprise, one_record, records_page
from ..extensions import db
from ..openapi import ApiBlueprint
from ..schemas.bureau import DETAIL_ENTITIES, RecordOut, RecordsPage, RecordsQuery
from ..sync_setup import actor_of
from .errors import ApiError

blp = ApiBlueprint(
    "bureau", __name__, url_prefix="/api/v1/bureau", description="A bureau's online reading of records"
)


def _enterprise_of_region(enterprise_id) -> str:
    """Return the enterprise id if the caller is a bureau over it; 403 for other roles, else 404."""
    if current_user.role != "bureau":
        raise ApiError(403, "forbidden")
    enterprise = bureau_enterprise(db.session, actor_of(current_user), str(enterprise_id))
    if enterprise is None:
        # Outside the bureau's region answers exactly as an unknown id: nobody learns which ids are real.
        raise ApiError(404, "not_found")
    return enterprise.id


@blp.route("/enterprises/<uuid:enterprise_id>/records", methods=["GET"])
@jwt_required()
@blp.arguments(RecordsQuery, location="query")
@blp.response(200, RecordsPage)
def list_records(query, enterprise_id):
    """List an enterprise's records of one type, newest change first (keyset: pass `next_cursor`)."""
    enterprise = _enterprise_of_region(enterprise_id)
    try:
        records, next_cursor = records_page(
            db.session, enterprise, query["entity"], query["limit"], query["cursor"]
        )
    except CursorError:
        raise ApiError(400, "invalid", fields={"cursor": ["not a cursor of this list"]}) from None
    return {"records": records, "next_cursor": next_cursor}


@blp.route("/enterprises/<uuid:enterprise_id>/records/<string:entity>/<string:record_id>", methods=["GET"])
@jwt_required()
@blp.response(200, RecordOut)
def get_record(enterprise_id, entity, record_id):
    """Return one record of an enterprise of the bureau's region."""
    enterprise = _enterprise_of_region(enterprise_id)
    if entity not in DETAIL_ENTITIES:
        raise ApiError(400, "invalid", fields={"entity": [f"must be one of {', '.join(DETAIL_ENTITIES)}"]})
    found = one_record(db.session, enterprise, entity, record_id)
    if found is None:
        raise ApiError(404, "not_found")
    return found
