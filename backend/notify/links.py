"""Links that open outside the app: a push or robot message carries PUBLIC_BASE_URL + "/#/…", never a path."""

from __future__ import annotations

from flask import current_app


def absolute_link(url: str | None) -> str | None:
    """Return an in-app link as an absolute one on PUBLIC_BASE_URL; absolute links and None stay as given.

    Callers keep writing in-app links ("/#/hazards/…"); a bare path ("/notices/…") means the same
    hash route, as the service worker has always read it.
    """
    if not url or "://" in url:
        return url
    route = url.lstrip("/")
    if route.startswith("#"):
        route = route[1:]
    route = route.lstrip("/")
    return f"{current_app.config['PUBLIC_BASE_URL']}/#/{route}"
