"""Ledger exports (台账导出) as xlsx: an enterprise's own for its managers, any or all of its region for a
bureau."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from flask import Response, request
from flask_jwt_extended import current_user, jwt_required
from sqlalchemy import select

from ..extensions import db
from ..ledgers import LEDGERS
from ..ledgers.workbook import ALL_ENTERPRISES, build
from ..models import Enterprise
from ..openapi import ApiBlueprint
from ..rules.regions import within
from ..rules.roles import MANAGER_ROLES
from ..scopes import enterprises_in
from .errors import ApiError

blp = ApiBlueprint("exports", __name__, url_prefix="/api/v1/exports", description="Ledger spreadsheets")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def enterprises_for(user, enterprise_id: str | None) -> tuple[list[Enterprise], bool]:
    """Return the enterprises a person may export, and whether that is the bureau's whole region."""
    if user.role == "bureau":
        region = user.region_code or ""
        if not enterprise_id:
            ids = enterprises_in(region) if region else select(Enterprise.id).where(False)
            query = select(Enterprise).where(Enterprise.id.in_(ids)).order_by(Enterprise.name)
            return list(db.session.scalars(query)), True
        enterprise = db.session.get(Enterprise, enterprise_id)
        # Another region's enterprise answers as one that does not exist.
        if enterprise is None or not within(enterprise.region_code, region):
            raise ApiError(404, "not_found")
        return [enterprise], False
    if user.role not in MANAGER_ROLES:
        raise ApiError(403, "forbidden")
    # Another enterprise's id answers as if it did not exist: nobody learns which ids are real.
    if enterprise_id and enterprise_id != user.enterprise_id:
        raise ApiError(404, "not_found")
    return [db.session.get(Enterprise, user.enterprise_id)], False


def attachment(ledger_title: str, owner: str, exported_at: datetime) -> str:
    """Return a Content-Disposition naming the file in Chinese (RFC 6266 filename*), ASCII fallback."""
    stamp = f"{exported_at:%Y%m%d}"
    name = f"{ledger_title}-{owner}-{stamp}.xlsx"
    return f"attachment; filename=\"ledger-{stamp}.xlsx\"; filename*=UTF-8''{quote(name)}"


@blp.route("/<string:ledger>.xlsx", methods=["GET"])
@blp.doc(
    parameters=[{"in": "query", "name": "enterprise_id", "schema": {"type": "string"}, "required": False}],
    responses={"200": {"description": "The ledger workbook", "content": {XLSX: {}}}},
)
@jwt_required()
def export(ledger: str):
    """Download a ledger (hazards, drills, trainings, special_operations) as an xlsx workbook."""
    module = LEDGERS.get(ledger)
    if module is None:
        raise ApiError(404, "not_found")
    enterprises, whole_county = enterprises_for(current_user, request.args.get("enterprise_id") or None)
    exported_at = datetime.now(UTC)
    body = build(db.session, module, enterprises, exported_at, whole_county)
    owner = ALL_ENTERPRISES if whole_county else enterprises[0].name
    response = Response(body, mimetype=XLSX)
    response.headers["Content-Disposition"] = attachment(module.TITLE, owner, exported_at)
    response.headers["Cache-Control"] = "no-store"
    return response
