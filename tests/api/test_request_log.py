"""Each request's id: taken from a sane X-Request-ID or made, echoed, on every log record of the request."""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import datetime, timedelta

import pytest

from backend.logs import log_format, make_handler

REQUESTS = logging.getLogger("backend.requests")


@pytest.fixture
def json_log():
    """Collect the JSON lines written while a test runs (the app's own handler, on the root logger)."""
    stream = io.StringIO()
    handler = make_handler(stream, "json")
    root, backend = logging.getLogger(), logging.getLogger("backend")
    levels = backend.level
    backend.setLevel(logging.INFO)
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    backend.setLevel(levels)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "backend.requests"]


def test_a_request_without_an_id_gets_a_new_one_echoed_and_logged(client, built_pwa, json_log):
    with client.get("/assets/index-abc123.js") as answer:
        given = answer.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", given)
    [line] = request_lines(json_log())
    assert line["request_id"] == given
    assert line["method"] == "GET" and line["path"] == "/assets/index-abc123.js" and line["status"] == 200
    assert line["endpoint"] == "/<path:name>"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert datetime.fromisoformat(line["time"]).utcoffset() == timedelta(0)  # ISO 8601, UTC
    assert line["level"] == "INFO" and re.fullmatch(
        r"GET /assets/index-abc123\.js 200 \d+\.\d ms", line["message"]
    )


def test_two_requests_get_two_ids(client):
    first = client.get("/api/v1/push/public-key").headers["X-Request-ID"]
    assert client.get("/api/v1/push/public-key").headers["X-Request-ID"] != first


def test_a_sane_incoming_id_is_kept(client, json_log):
    answer = client.get("/api/v1/push/public-key", headers={"X-Request-ID": "nginx-4f2a-0001"})
    assert answer.headers["X-Request-ID"] == "nginx-4f2a-0001"
    assert request_lines(json_log())[0]["request_id"] == "nginx-4f2a-0001"


@pytest.mark.parametrize(
    "bad",
    ["x" * 65, "has space", "semi;colon", "line\tbreak", "ünïcode", "a/b", 'quo"te'],
)
def test_an_unfit_incoming_id_is_replaced(client, json_log, bad):
    answer = client.get("/api/v1/push/public-key", headers={"X-Request-ID": bad})
    given = answer.headers["X-Request-ID"]
    assert given != bad and re.fullmatch(r"[0-9a-f]{32}", given)
    [line] = request_lines(json_log())
    assert line["request_id"] == given and bad not in json.dumps(line, ensure_ascii=False)


def test_every_record_of_a_failing_request_carries_its_id(app, json_log):
    def explode():
        logging.getLogger("backend.somewhere").warning("about to fail")
        raise RuntimeError("boom")

    app.add_url_rule("/api/v1/test-explode", "explode", explode)
    answer = app.test_client().get("/api/v1/test-explode", headers={"X-Request-ID": "trace-500"})
    assert answer.status_code == 500 and answer.get_json()["code"] == "internal_error"
    assert answer.headers["X-Request-ID"] == "trace-500"
    lines = json_log()
    warned = next(line for line in lines if line["message"] == "about to fail")
    failed = next(line for line in lines if line["message"].startswith("unhandled error"))
    assert warned["request_id"] == failed["request_id"] == "trace-500"
    assert "RuntimeError: boom" in failed["exc_info"]
    assert request_lines(lines)[0]["status"] == 500


def test_a_record_outside_any_request_carries_no_id(client, json_log):
    client.get("/api/v1/push/public-key")
    logging.getLogger("backend.jobs").warning("between requests")
    line = next(line for line in json_log() if line["message"] == "between requests")
    assert "request_id" not in line


def test_health_polls_are_not_logged_at_info(client, json_log):
    client.get("/api/v1/health")
    assert request_lines(json_log()) == []


def test_text_format_names_the_request_id(client):
    stream = io.StringIO()
    handler = make_handler(stream, "text")
    REQUESTS.addHandler(handler)
    REQUESTS.setLevel(logging.INFO)
    try:
        client.get("/api/v1/push/public-key", headers={"X-Request-ID": "text-id-1"})
    finally:
        REQUESTS.removeHandler(handler)
        REQUESTS.setLevel(logging.NOTSET)
    assert re.search(
        r"INFO backend.requests \[text-id-1\] GET /api/v1/push/public-key 200 \d+\.\d ms", stream.getvalue()
    )


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_log_format_is_json_away_from_a_terminal_unless_chosen():
    assert log_format("auto", Terminal()) == "text"
    assert log_format("auto", io.StringIO()) == "json"
    assert log_format("JSON", Terminal()) == "json" and log_format("text", io.StringIO()) == "text"
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        log_format("xml", io.StringIO())
