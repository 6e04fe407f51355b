"""Login throttling: 5 failures per (username, address), 200 per address, 429 with Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from backend import login_throttle
from backend.extensions import db
from backend.models import LoginAttempt

from .test_auth import PASSWORD, assert_error, login

START = datetime(2026, 11, 20, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai, shift start
FACTORY = "10.9.9.9"  # one NAT address for a whole factory


class Clock:
    """The throttle's clock, moved by the test instead of waiting 15 minutes."""

    def __init__(self) -> None:
        self.now = START

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock()
    monkeypatch.setattr(login_throttle, "utcnow", lambda: fixed.now)
    return fixed


def fail(client, username="worker-a1", address=FACTORY, times=1):
    for _ in range(times):
        assert_error(login(client, username, "wrong", address), 401, "bad_credentials")


def assert_throttled(answer, seconds: int):
    assert_error(answer, 429, "too_many_attempts")
    assert answer.headers["Retry-After"] == str(seconds)
    assert answer.get_json()["retry_after"] == seconds


def failures_counted(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LoginAttempt))


# --- per (username, address) -------------------------------------------------------------------------


def test_four_failures_do_not_throttle(client, people, clock):
    fail(client, times=4)
    assert login(client, "worker-a1", address=FACTORY).status_code == 200


def test_five_failures_throttle_the_pair_even_for_the_right_password(app, client, people, clock):
    for _ in range(5):
        fail(client)
        clock.advance(minutes=1)
    # The oldest failure (at START) leaves the 15-minute window 10 minutes from now.
    assert_throttled(login(client, "worker-a1", PASSWORD, FACTORY), 600)
    assert_throttled(login(client, "worker-a1", "wrong", FACTORY), 600)
    assert failures_counted(app) == 5  # a throttled attempt is neither checked nor counted


def test_the_429_says_in_chinese_how_many_minutes_to_wait(client, people, clock):
    fail(client, times=5)
    clock.advance(minutes=2, seconds=30)
    answer = login(client, "worker-a1", PASSWORD, FACTORY)
    assert_throttled(answer, 750)
    assert answer.get_json()["message"] == "尝试次数过多，请 13 分钟后再试"
    english = login(client, "worker-a1", PASSWORD, FACTORY, **{"Accept-Language": "en"})
    assert english.get_json()["message"] == "Too many failed attempts; try again in 13 min"


def test_a_person_throttled_at_one_address_signs_in_from_another(client, people, clock):
    fail(client, times=5)
    assert login(client, "worker-a1", PASSWORD, FACTORY).status_code == 429
    fail(client, address="10.8.8.8")
    assert login(client, "worker-a1", PASSWORD, "10.8.8.8").status_code == 200


def test_other_usernames_at_the_same_address_are_unaffected(client, people, clock):
    fail(client, times=5)
    fail(client, "worker-a2", times=4)
    assert login(client, "worker-a2", PASSWORD, FACTORY).status_code == 200


def test_the_throttle_lifts_when_the_oldest_failure_leaves_the_window(client, people, clock):
    fail(client)
    clock.advance(minutes=5)
    fail(client, times=4)
    assert_throttled(login(client, "worker-a1", PASSWORD, FACTORY), 600)
    clock.advance(seconds=599)
    assert_throttled(login(client, "worker-a1", PASSWORD, FACTORY), 1)
    clock.advance(seconds=1)
    # Hammering while throttled added nothing: one failure has left, so one more try is allowed.
    fail(client)
    assert_throttled(login(client, "worker-a1", PASSWORD, FACTORY), 300)
    clock.advance(seconds=300)
    assert login(client, "worker-a1", PASSWORD, FACTORY).status_code == 200


def test_successes_are_not_counted_as_failures(client, people, clock):
    for _ in range(25):
        assert login(client, "worker-a1", address=FACTORY).status_code == 200
    fail(client, times=4)
    assert login(client, "worker-a1", address=FACTORY).status_code == 200


# --- per address: a factory behind one NAT ------------------------------------------------------------


def test_a_factory_nat_lives_with_150_failures_in_a_quarter_hour(client, people, clock):
    for n in range(50):  # 50 people mistyping three times each, through one NAT
        fail(client, f"person-{n:02d}", times=3)
    fail(client, times=4)
    assert login(client, "worker-a1", PASSWORD, FACTORY).status_code == 200
    assert login(client, "officer-a", PASSWORD, FACTORY).status_code == 200


def test_two_hundred_failures_from_one_address_throttle_every_username_there(app, client, people, clock):
    with app.app_context():
        db.session.add_all(
            LoginAttempt(username=f"nobody-{n}", address=FACTORY, at=START - timedelta(minutes=10))
            for n in range(199)
        )
        db.session.commit()
    fail(client, "officer-b")
    # The 199 oldest failures must leave the window first: in 5 minutes.
    assert_throttled(login(client, "officer-b", PASSWORD, FACTORY), 300)
    assert_throttled(login(client, "worker-a2", PASSWORD, FACTORY), 300)
    assert login(client, "worker-a2", PASSWORD, "10.9.9.10").status_code == 200
    clock.advance(minutes=5)
    assert login(client, "worker-a2", PASSWORD, FACTORY).status_code == 200


def test_failures_older_than_fifteen_minutes_do_not_count(app, client, people, clock):
    with app.app_context():
        old = START - timedelta(minutes=15)
        db.session.add_all(LoginAttempt(username="worker-a1", address=FACTORY, at=old) for _ in range(300))
        db.session.commit()
    fail(client, times=4)
    assert login(client, "worker-a1", PASSWORD, FACTORY).status_code == 200


# --- counting is cheap -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "index"),
    [
        ("username = 'u' AND address = 'a'", "ix_login_attempts_username_address_at"),
        ("address = 'a'", "ix_login_attempts_address_at"),
    ],
)
def test_counting_a_window_uses_an_index(app, where, index):
    with app.app_context():
        plan = db.session.execute(
            text(f"EXPLAIN QUERY PLAN SELECT count(*) FROM login_attempts WHERE {where} AND at > '2026'")
        ).all()
    assert any(index in row[-1] for row in plan), plan
