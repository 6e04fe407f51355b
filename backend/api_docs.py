"""Serves Swagger UI for /api/docs from the pinned flask-swagger-ui package, so the page needs no CDN."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from flask import Blueprint, Flask, abort, send_from_directory

# Where flask-smorest's /api/docs page (backend/templates/swagger_ui.html) loads its files from.
ASSETS_URL = "/api/docs/assets/"
SWAGGER_UI_DIST = Path(str(files("flask_swagger_ui") / "dist"))
OWN_ASSETS = Path(__file__).resolve().parent / "api_docs_assets"
# Only what the page uses is served: name -> folder holding it.
ASSETS = {
    "swagger-ui.css": SWAGGER_UI_DIST,
    "swagger-ui-bundle.js": SWAGGER_UI_DIST,
    "swagger-initializer.js": OWN_ASSETS,
}
# The files change only with the pinned package; an hour keeps the docs page fast yet updatable.
MAX_AGE = 3600

blp = Blueprint("api_docs_assets", __name__, url_prefix=ASSETS_URL.rstrip("/"))


@blp.route("/<name>")
def asset(name: str):
    """Serve one Swagger UI file."""
    folder = ASSETS.get(name)
    if folder is None:
        abort(404)
    return send_from_directory(folder, name, max_age=MAX_AGE)


def init_api_docs(app: Flask) -> None:
    """Serve the Swagger UI files at ASSETS_URL."""
    app.register_blueprint(blp)
