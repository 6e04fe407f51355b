"""Refresh rotation is a compare-and-swap: simultaneous refreshes with one token on a live gunicorn server."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from ..databases import postgres_schema_url
from ..live_server import live_server

SIMULTANEOUS = 20
ROUNDS = 3  # three logins, each refreshed by 20 threads at once
WORKER = {"username": "worker-a1", "password": "demo1234"}


def call(base: str, path: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    """POST to path (GET for /me) and return the status and the JSON body."""
    data = json.dumps(body).encode() if body is not None else b""
    method = "GET" if path.endswith("/me") else "POST"
    request = urllib.request.Request(base + path, data=None if method == "GET" else data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def refresh_at_once(base: str, refresh_token: str) -> list[tuple[int, dict]]:
    """Send SIMULTANEOUS refreshes with one token, released together by a barrier."""
    start = threading.Barrier(SIMULTANEOUS)
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def one() -> None:
        start.wait()
        answer = call(base, "/api/v1/auth/refresh", refresh_token)
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=one) for _ in range(SIMULTANEOUS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def assert_exactly_one_refresh_wins_and_reuse_ends_the_login(base: str) -> None:
    for _ in range(ROUNDS):
        status, tokens = call(base, "/api/v1/auth/login", body=WORKER)
        assert status == 200, tokens
        answers = refresh_at_once(base, tokens["refresh_token"])
        assert len(answers) == SIMULTANEOUS
        winners = [body for status, body in answers if status == 200]
        losers = [(status, body.get("code")) for status, body in answers if status != 200]
        assert len(winners) == 1, f"{len(winners)} of {SIMULTANEOUS} refreshes succeeded"
        assert losers == [(401, "unauthorized")] * (SIMULTANEOUS - 1)
        fresh = winners[0]
        # The losers reused a spent token: the whole login is revoked, the winner's new pair included.
        assert call(base, "/api/v1/auth/refresh", fresh["refresh_token"])[0] == 401
        assert call(base, "/api/v1/me", fresh["access_token"])[0] == 401
        assert call(base, "/api/v1/me", tokens["access_token"])[0] == 401


def test_simultaneous_refreshes_on_sqlite_let_exactly_one_win(tmp_path):
    with live_server(tmp_path) as base:
        assert_exactly_one_refresh_wins_and_reuse_ends_the_login(base)


@pytest.mark.postgres
def test_simultaneous_refreshes_on_postgresql_let_exactly_one_win(tmp_path):
    with postgres_schema_url() as database_url:
        with live_server(tmp_path, database_url=database_url) as base:
            assert_exactly_one_refresh_wins_and_reuse_ends_the_login(base)
