"""Over-long request lines and over-limit chunked pushes get their documented JSON 414 and 413."""

from __future__ import annotations

import io
import uuid

import pytest
import requests

from backend.api.errors import MAX_TARGET_LENGTH
from backend.api.sync import READ_LIMIT
from tests.live_server import live_server

PASSWORD = "demo1234"


def _token(client_or_base, username="officer-a") -> dict:
    if isinstance(client_or_base, str):
        answer = requests.post(
            f"{client_or_base}/api/v1/auth/login",
            json={"username": username, "password": PASSWORD},
            timeout=10,
        )
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}
    answer = client_or_base.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.get_json()['access_token']}"}


def _chunks(total: int, size: int = 256 * 1024):
    """Yield a JSON-looking body of total bytes in pieces, so requests sends it chunked."""
    yield b'{"client_id": "' + str(uuid.uuid4()).encode() + b'", "padding": "'
    sent = 60
    while sent < total:
        yield b"x" * size
        sent += size
    yield b'"}'


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("limits")) as url:
        yield url


def test_a_long_cursor_is_fine_and_a_longer_target_is_a_json_414(app, client, people):
    headers = _token(client)
    fine = client.get("/api/v1/sync/pull", query_string={"cursor": "x" * 3000}, headers=headers)
    assert fine.status_code == 410  # read, found unreadable: the client starts over
    answer = client.get(
        "/api/v1/sync/pull", query_string={"cursor": "x" * MAX_TARGET_LENGTH}, headers=headers
    )
    assert answer.status_code == 414
    assert answer.get_json() == {
        "code": "uri_too_long",
        "message": answer.get_json()["message"],
        "max_length": MAX_TARGET_LENGTH,
    }


def test_a_chunked_push_over_the_limit_is_413_on_the_test_client(client, people):
    body = io.BytesIO(b"".join(_chunks(READ_LIMIT + 1024)))
    answer = client.post(
        "/api/v1/sync/push",
        input_stream=body,
        environ_overrides={"wsgi.input_terminated": True},  # as gunicorn says of a chunked body
        headers={**_token(client), "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
    )
    assert answer.status_code == 413
    assert answer.get_json()["code"] == "too_large"
    assert answer.get_json()["max_bytes"] == 2 * 1024 * 1024


@pytest.mark.parametrize("length", [MAX_TARGET_LENGTH + 50, 9_000, 100_000])
def test_long_request_lines_get_a_json_414_from_the_app_or_from_gunicorn(base, length):
    # Past MAX_TARGET_LENGTH the app answers; past gunicorn's request-line limit gunicorn does, in JSON too.
    answer = requests.get(f"{base}/api/v1/sync/pull", params={"cursor": "x" * length}, timeout=30)
    assert answer.status_code == 414
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json()["code"] == "uri_too_long"
    assert answer.json()["max_length"] == MAX_TARGET_LENGTH
    assert answer.json()["message"].startswith("请求地址过长")


def test_too_large_headers_get_json_431_from_gunicorn(base):
    headers = {f"X-Filler-{n}": "x" * 100 for n in range(120)}  # more than gunicorn's 100 header fields
    answer = requests.get(f"{base}/api/v1/health", headers=headers, timeout=30)
    assert answer.status_code == 431
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json()["code"] == "headers_too_large"


def test_gunicorn_answers_an_over_limit_chunked_push_with_413(base):
    headers = {**_token(base), "Content-Type": "application/json"}
    answer = requests.post(
        f"{base}/api/v1/sync/push", data=_chunks(READ_LIMIT + 1024), headers=headers, timeout=60
    )
    assert answer.request.headers.get("Transfer-Encoding") == "chunked"
    assert answer.status_code == 413
    assert answer.json()["code"] == "too_large"
    # A chunked push under the limit is read whole: this one is JSON of the wrong shape, so 400.
    small = requests.post(f"{base}/api/v1/sync/push", data=_chunks(64 * 1024), headers=headers, timeout=30)
    assert small.request.headers.get("Transfer-Encoding") == "chunked"
    assert small.status_code == 400 and small.json()["code"] == "malformed"
