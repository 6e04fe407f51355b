"""Hardening headers on every response (PWA, API, errors, Swagger UI), set in one place through Talisman."""

from __future__ import annotations

from flask import Flask, request
from flask_talisman import Talisman

# The built PWA and /api/docs load only files of their own origin: no inline script, no eval.
# img-src: photos are shown from IndexedDB blobs (blob:), Vant's uploader previews are data: URLs.
# font-src data:: Vant's icon font is inlined as a data: woff2 (its CDN fallbacks are never fetched).
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# The camera serves hazard photos and QR scanning; nothing else the browser offers is used.
PERMISSIONS_POLICY = {
    "camera": "(self)",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
    "usb": "()",
    "serial": "()",
    "browsing-topics": "()",
}

# Nothing the app links to needs to know where the user came from.
REFERRER_POLICY = "no-referrer"
HSTS = "max-age=31536000"


def init_security_headers(app: Flask) -> None:
    """Apply the policy to every response the app sends."""
    Talisman(
        app,
        # TLS ends at the reverse proxy, which redirects http; the embedded default serves plain http.
        force_https=False,
        # Talisman would also believe an unproxied client's X-Forwarded-Proto: HSTS is set below instead.
        strict_transport_security=False,
        # The app sets no cookie (tokens travel in the Authorization header): leave the cookie config alone.
        session_cookie_secure=False,
        content_security_policy=content_security_policy(app.extensions.get("blob_redirect_origin")),
        frame_options="DENY",
        permissions_policy=PERMISSIONS_POLICY,
        referrer_policy=REFERRER_POLICY,
        x_content_type_options=True,
    )
    app.after_request(_strict_transport_security)


def content_security_policy(blob_origin: str | None) -> dict[str, str]:
    """Return the policy; with BLOB_SERVE=redirect, photos are also fetched from the object store's origin."""
    if not blob_origin:
        return CONTENT_SECURITY_POLICY
    policy = dict(CONTENT_SECURITY_POLICY)
    for directive in ("img-src", "connect-src"):
        policy[directive] += f" {blob_origin}"
    return policy


def _strict_transport_security(response):
    """Ask browsers to keep to https, only on an answer that came over https (ProxyFix decides)."""
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    return response
