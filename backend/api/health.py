"""Liveness and readiness: the database answers."""

from sqlalchemy import text

from ..extensions import db
from ..openapi import ApiBlueprint

blp = ApiBlueprint("health", __name__, url_prefix="/api/v1", description="Health check")


@blp.route("/health", methods=["GET"])
@blp.response(200)
def health():
    """Answer 200 when the database answers."""
    db.session.execute(text("select 1"))
    return {"status": "ok"}
