"""Log records as JSON lines or text, each carrying the id of the request it was written for."""

from __future__ import annotations

import logging
import os
import sys
from contextvars import ContextVar
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

# The id of the request this thread is serving (set and cleared by backend/request_log.py).
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(levelname)s %(name)s %(message)s"
FORMATS = ("json", "text")


def log_format(setting: str | None = None, stream: TextIO | None = None) -> str:
    """Return "json" or "text": LOG_FORMAT when given, else json unless stderr is a terminal.

    A person watching `make run` reads text; journald, a file or a log shipper gets one JSON object a line.
    """
    chosen = (setting if setting is not None else os.environ.get("LOG_FORMAT", "auto")).strip().lower()
    if chosen in FORMATS:
        return chosen
    if chosen not in ("", "auto"):
        raise ValueError(f"LOG_FORMAT must be json, text or auto; got {chosen!r}")
    stream = stream or sys.stderr
    return "text" if hasattr(stream, "isatty") and stream.isatty() else "json"


class RequestIdFilter(logging.Filter):
    """Put the current request's id on every record a handler writes (none outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add request_id when a request is being served; never drop a record."""
        current = request_id.get()
        if current is not None and not hasattr(record, "request_id"):
            record.request_id = current
        return True


def formatter(kind: str) -> logging.Formatter:
    """Return the formatter of a log format: JSON objects with every extra field, or one text line."""
    if kind == "json":
        # "time": ISO 8601 in UTC with milliseconds, what log shippers parse without a pattern.
        return JsonFormatter(
            JSON_FIELDS,
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
            json_ensure_ascii=False,
        )
    return logging.Formatter(TEXT_FORMAT, defaults={"request_id": "-"})


def make_handler(stream: TextIO, kind: str) -> logging.Handler:
    """Return a stream handler writing kind ("json" or "text") with the request id on each record."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter(kind))
    handler.addFilter(RequestIdFilter())
    return handler


def init_logging(setting: str | None, level: str = "INFO") -> None:
    """Send the root logger's records to stderr in the chosen format, once per process."""
    root = logging.getLogger()
    if root.handlers:
        return  # ours already, or someone else's (pytest's capture, an embedding program): keep it
    root.setLevel(level.upper())
    handler = make_handler(sys.stderr, log_format(setting))
    root.addHandler(handler)
