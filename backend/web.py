"""Serves the built PWA: the app shell for client routes, the service worker with its scope, cached assets."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory

blp = Blueprint("pwa", __name__)

NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
WORKER_FILES = ("sw.js",)


def _dist() -> Path:
    return Path(current_app.config["PWA_DIST"])


def _send(name: str):
    dist = _dist()
    if not (dist / "index.html").exists():
        abort(503, "The PWA is not built: run `make run` (or `cd pwa && npm ci && npm run build`).")
    response = send_from_directory(dist, name, max_age=0)
    if name.startswith("assets/"):
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = NO_CACHE
    if name in WORKER_FILES:
        response.headers["Service-Worker-Allowed"] = "/"
    if name.endswith(".webmanifest"):
        response.mimetype = "application/manifest+json"
    return response


@blp.route("/")
def index():
    """Serve the app shell."""
    return _send("index.html")


@blp.route("/<path:name>")
def static_or_app(name: str):
    """Serve a built file, or the app shell for a client-side route."""
    if name.startswith("api/") or name == "api":
        abort(404)
    target = (_dist() / name).resolve()
    if _dist().resolve() in target.parents and target.is_file():
        return _send(name)
    if "." in name.rsplit("/", 1)[-1]:
        abort(404)
    return _send("index.html")


def init_web(app: Flask) -> None:
    """Register the PWA routes last, so /api routes win."""
    app.register_blueprint(blp)
