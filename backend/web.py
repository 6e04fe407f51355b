"""Serves the built PWA: the app shell for client routes, the service worker with its scope, cached assets."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, request, send_from_directory

blp = Blueprint("pwa", __name__)

NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
WORKER_FILES = ("sw.js",)
NOT_BUILT = "应用尚未构建：请运行 make run（或 cd pwa && npm ci && npm run build）\n"
# Precompressed copies beside each text file of the build, in the order preferred at equal q-values.
SUFFIXES = {"br": "br", "gzip": "gz"}
PREFERENCE = ("br", "gzip")


def best_encoding(dist: Path, name: str) -> str | None:
    """Return the encoding to send a built file in by the client's q-values (ties: br, gzip, as is)."""
    accepted = request.accept_encodings
    offered = [
        (accepted.quality(encoding), -rank, encoding)
        for rank, encoding in enumerate(PREFERENCE)
        if (dist / f"{name}.{SUFFIXES[encoding]}").is_file()
    ]
    quality, _, encoding = max(offered, default=(0, 0, None))
    # "identity" unnamed is acceptable but never preferred; named, its q-value competes like any other.
    return encoding if quality > 0 and quality >= accepted.quality("identity") else None


def _has_variants(dist: Path, name: str) -> bool:
    return any((dist / f"{name}.{suffix}").is_file() for suffix in SUFFIXES.values())


def _mimetype(name: str) -> str:
    if name.endswith(".webmanifest"):
        return "application/manifest+json"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _dist() -> Path:
    return Path(current_app.config["PWA_DIST"])


def _send(name: str):
    dist = _dist()
    if not (dist / "index.html").exists():
        abort(Response(NOT_BUILT, 503, mimetype="text/plain"))
    encoding = best_encoding(dist, name)
    if encoding is None:
        response = send_from_directory(dist, name, max_age=0)
    else:
        # The build's precompressed copy (pwa/scripts/precompress.mjs): its own length and ETag.
        response = send_from_directory(
            dist, f"{name}.{SUFFIXES[encoding]}", max_age=0, mimetype=_mimetype(name)
        )
        response.headers["Content-Encoding"] = encoding
    if _has_variants(dist, name):
        response.vary.add("Accept-Encoding")
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
