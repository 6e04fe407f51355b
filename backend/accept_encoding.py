"""Codings a client refuses (q=0) taken out of Accept-Encoding, which Flask-Compress would otherwise pick."""

from __future__ import annotations

from flask import Flask, request


def accepted_codings(header: str) -> str:
    """Return Accept-Encoding without the codings given q=0 (Flask-Compress 1.25 reads q=0 as acceptable)."""
    kept = []
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 1.0
        if name and quality > 0:
            kept.append(part.strip())
    return ", ".join(kept)


def init_accept_encoding(app: Flask) -> None:
    """Clean the header before any view or after-request hook reads it."""

    @app.before_request
    def drop_refused_codings():
        header = request.environ.get("HTTP_ACCEPT_ENCODING")
        if header and "q=0" in header.replace(" ", ""):
            request.environ["HTTP_ACCEPT_ENCODING"] = accepted_codings(header)
