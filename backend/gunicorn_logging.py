"""gunicorn's own log lines as JSON (LOG_FORMAT=json): its errors, and its access log with the request id."""

from __future__ import annotations

import traceback

from gunicorn.glogging import Logger

from .logs import formatter


class JsonLogger(Logger):
    """gunicorn's logger writing one JSON object a line, the access line with named fields."""

    def setup(self, cfg) -> None:
        """Set gunicorn's handlers up as usual, then make each write JSON."""
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter("json"))

    def access(self, resp, req, environ, request_time) -> None:
        """Write the access line: who asked what, the answer, its size and time, and the request's id."""
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = dict((name.lower(), value) for name, value in resp.headers)
        fields = {
            "request_id": headers.get("x-request-id"),
            "remote_addr": environ.get("REMOTE_ADDR"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status) if str(status).isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        try:
            self.access_log.info("%s %s %s", fields["method"], fields["path"], status, extra=fields)
        except Exception:
            self.error(traceback.format_exc())


# gunicorn reads its logger class by dotted name from gunicorn.conf.py.
JSON_LOGGER = f"{JsonLogger.__module__}.{JsonLogger.__qualname__}"
