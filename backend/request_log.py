"""Each request's id (echoed as X-Request-ID, carried by its log records), its log line, its latency."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from . import metrics
from .logs import request_id

log = logging.getLogger("backend.requests")

HEADER = "X-Request-ID"
# An incoming id is kept only when it cannot forge a log line or a header: letters, digits, dashes.
SANE_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
# Monitoring polls these every few seconds: their successful answers are logged at DEBUG, not INFO.
QUIET_PATHS = frozenset({"/api/v1/health", "/metrics"})


def init_request_log(app: Flask) -> None:
    """Give each request an id and a start time before any other hook runs; answer and log it after."""
    app.before_request_funcs.setdefault(None, []).insert(0, begin_request)
    app.after_request(finish_request)
    app.teardown_request(forget_request)


def chosen_id(incoming: str | None) -> str:
    """Return the incoming X-Request-ID when it is sane, else a new random one."""
    if incoming and SANE_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


def begin_request() -> None:
    """Take the request's id (a proxy's, when sane) and note when it began."""
    g.request_started = time.perf_counter()
    g.request_id = chosen_id(request.headers.get(HEADER))
    g.request_id_token = request_id.set(g.request_id)


def finish_request(response: Response) -> Response:
    """Echo the id, record the latency under the route and write the request's one log line."""
    started = g.get("request_started")
    if started is None:  # a hook that failed before ours: nothing to time
        return response
    seconds = time.perf_counter() - started
    response.headers[HEADER] = g.request_id
    rule = request.url_rule.rule if request.url_rule is not None else None
    metrics.observe_request(rule, request.method, response.status_code, seconds)
    quiet = request.path in QUIET_PATHS and response.status_code < 400
    log.log(
        logging.DEBUG if quiet else logging.INFO,
        "%s %s %s %.1f ms",
        request.method,
        request.path,
        response.status_code,
        seconds * 1000,
        extra={
            "request_id": g.request_id,
            "method": request.method,
            "path": request.path,
            "endpoint": rule,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 2),
            "remote_addr": request.remote_addr,
        },
    )
    return response


def forget_request(_error: BaseException | None) -> None:
    """Clear the id from this thread's context, so records written after the request do not carry it."""
    token = g.pop("request_id_token", None)
    if token is not None:
        try:
            request_id.reset(token)
        except ValueError:  # set in another context (never in Flask's own flow): clear it all the same
            request_id.set(None)
