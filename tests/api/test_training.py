"""Training commands through push: schedule and its managers-only key, QR sign-in, tick, scores, cancel."""

from __future__ import annotations

import base64
import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from backend.rules.training_qr import code_for, window_of

from ..api_client import Device

SESSION_FIELDS = set(
    (
        "id enterprise_id kind topic trainer hours scheduled_at location invitee_ids status attendees history"
    ).split()
)


def text_of(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Training:
    """Demo people with devices, and a session scheduled by officer-a with a known QR secret."""

    def __init__(self, client, people):
        self.client, self.people = client, people
        self._devices: dict[str, Device] = {}
        self.secret = os.urandom(32)

    def __getitem__(self, username: str) -> Device:
        if username not in self._devices:
            self._devices[username] = Device(self.client, username)
        return self._devices[username]

    def schedule(self, who="officer-a", **extra) -> tuple[str, dict]:
        args = {
            "kind": "confined_space_annual",
            "topic": "有限空间作业安全",
            "trainer": "李安全",
            "hours": 4,
            "scheduled_at": "2026-11-29T01:00:00Z",
            "location": "培训室",
            "qr_secret": base64.urlsafe_b64encode(self.secret).rstrip(b"=").decode(),
            **extra,
        }
        session_id = str(uuid.uuid4())
        return session_id, self[who].do("training.schedule", session_id, **args)

    def code(self, session_id: str, moment: datetime | None = None, secret: bytes | None = None) -> str:
        return code_for(session_id, secret or self.secret, window_of(moment or datetime.now(UTC)))

    def session(self, session_id: str, who="officer-a") -> dict:
        return self[who].pull_all()[("training_session", session_id)]["data"]


@pytest.fixture
def site(client, people):
    return Training(client, people)


@pytest.fixture
def session_id(site):
    session_id, outcome = site.schedule()
    assert outcome["status"] == "applied", outcome
    return session_id


def rejected(outcome: dict, code: str) -> None:
    assert outcome["status"] == "rejected", outcome
    assert outcome["code"] == code, outcome


def test_officer_schedules_a_session_pulled_with_the_documented_shape(site, session_id):
    data = site.session(session_id, "worker-a1")
    assert set(data) == SESSION_FIELDS
    assert data["status"] == "scheduled" and data["attendees"] == []
    assert data["kind"] == "confined_space_annual" and data["hours"] == 4
    assert data["scheduled_at"] == "2026-11-29T01:00:00.000Z"
    assert data["enterprise_id"] == site.people["A"]
    assert data["history"][0]["type"] == "training.schedule"


def test_officers_pull_the_training_key_and_workers_never_do(site, session_id):
    key = site["officer-a"].pull_all()[("training_key", session_id)]["data"]
    assert key == {
        "session_id": session_id,
        "secret": base64.urlsafe_b64encode(site.secret).rstrip(b"=").decode(),
    }
    assert ("training_key", session_id) in site["principal-a"].pull_all()
    assert ("training_key", session_id) not in site["worker-a1"].pull_all()
    assert ("training_key", session_id) not in site["officer-b"].pull_all()


def test_the_secret_is_kept_out_of_the_command_log(app, site, session_id):
    from sqlalchemy import select

    from backend.extensions import db
    from sync import tables

    with app.app_context():
        args = db.session.execute(
            select(tables.commands.c.args).where(tables.commands.c.entity_id == session_id)
        )
        assert args.scalar()["qr_secret"] == "***"


def test_server_makes_a_secret_when_none_is_sent(site):
    session_id, outcome = site.schedule(qr_secret=None)
    assert outcome["status"] == "applied"
    key = site["officer-a"].pull_all()[("training_key", session_id)]["data"]
    assert len(base64.urlsafe_b64decode(key["secret"] + "=")) == 32


def test_worker_may_not_schedule(site):
    rejected(site.schedule("worker-a1")[1], "forbidden")


def test_bureau_may_not_schedule(site):
    rejected(site.schedule("bureau")[1], "forbidden")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "yoga"),
        ("hours", 0.25),
        ("hours", 201),
        ("qr_secret", "c2hvcnQ"),
        ("scheduled_at", "tomorrow"),
    ],
)
def test_schedule_with_bad_args_is_invalid(site, field, value):
    outcome = site.schedule(**{field: value})[1]
    rejected(outcome, "invalid")
    assert field in outcome["fields"]


def test_inviting_someone_of_another_enterprise_is_invalid(site):
    outcome = site.schedule(invitee_ids=[site.people["worker-b1"]])[1]
    rejected(outcome, "invalid")
    assert "invitee_ids" in outcome["fields"]


def test_worker_signs_in_with_the_current_code(site, session_id):
    outcome = site["worker-a1"].do("training.sign_in", session_id, code=site.code(session_id))
    assert outcome["status"] == "applied" and outcome["version"] == 2
    (entry,) = site.session(session_id)["attendees"]
    assert entry["user_id"] == site.people["worker-a1"] and entry["method"] == "qr"
    assert entry["by"] == site.people["worker-a1"] and entry["scores"] == []


def test_sign_in_from_a_phone_ten_minutes_wrong_is_corrected_by_the_clock_offset(site, session_id):
    worker = site["worker-a1"]
    code = site.code(session_id)  # shown now on the officer's phone
    phone_now = datetime.now(UTC) - timedelta(minutes=10)
    command = worker.command("training.sign_in", session_id, code=code)
    command["captured_at"] = text_of(phone_now)
    body = {"client_id": worker.client_id, "sent_at": text_of(phone_now), "commands": [command]}
    answer = site.client.post("/api/v1/sync/push", json=body, headers=worker.headers).get_json()
    assert answer["outcomes"][0]["status"] == "applied", answer


def test_a_code_from_five_minutes_ago_is_invalid(site, session_id):
    stale = site.code(session_id, datetime.now(UTC) - timedelta(minutes=5))
    outcome = site["worker-a1"].do("training.sign_in", session_id, code=stale)
    rejected(outcome, "invalid")
    assert "code" in outcome["fields"]


def test_a_code_with_a_wrong_mac_is_invalid(site, session_id):
    code = site.code(session_id)
    outcome = site["worker-a1"].do("training.sign_in", session_id, code=code[:-4] + "0000")
    rejected(outcome, "invalid")


def test_the_code_of_another_session_is_invalid(site, session_id):
    other_id, _ = site.schedule()
    outcome = site["worker-a1"].do("training.sign_in", session_id, code=site.code(other_id))
    rejected(outcome, "invalid")


def test_signing_in_twice_is_a_conflict(site, session_id):
    site["worker-a1"].do("training.sign_in", session_id, code=site.code(session_id))
    rejected(site["worker-a1"].do("training.sign_in", session_id, code=site.code(session_id)), "conflict")


def test_signing_in_to_a_closed_session_is_a_conflict(site, session_id):
    site["officer-a"].do("training.close", session_id)
    rejected(site["worker-a1"].do("training.sign_in", session_id, code=site.code(session_id)), "conflict")


def test_bureau_may_not_sign_in(site, session_id):
    rejected(site["bureau"].do("training.sign_in", session_id, code=site.code(session_id)), "forbidden")


def test_another_enterprises_session_is_not_found(site, session_id):
    rejected(site["worker-b1"].do("training.sign_in", session_id, code=site.code(session_id)), "not_found")
    rejected(site["officer-b"].do("training.tick", session_id, user_id=site.people["worker-b1"]), "not_found")
    rejected(site["officer-b"].do("training.close", session_id), "not_found")


def test_officer_ticks_a_contractor_present(site, session_id):
    outcome = site["officer-a"].do("training.tick", session_id, user_id=site.people["contractor-a"])
    assert outcome["status"] == "applied"
    (entry,) = site.session(session_id)["attendees"]
    assert entry == {
        **entry,
        "user_id": site.people["contractor-a"],
        "method": "tick",
        "by": site.people["officer-a"],
    }


def test_worker_may_not_tick(site, session_id):
    rejected(site["worker-a1"].do("training.tick", session_id, user_id=site.people["worker-a2"]), "forbidden")


def test_ticking_someone_already_signed_in_is_a_conflict(site, session_id):
    site["worker-a1"].do("training.sign_in", session_id, code=site.code(session_id))
    rejected(site["officer-a"].do("training.tick", session_id, user_id=site.people["worker-a1"]), "conflict")


def test_ticking_a_person_of_another_enterprise_is_invalid(site, session_id):
    outcome = site["officer-a"].do("training.tick", session_id, user_id=site.people["worker-b1"])
    rejected(outcome, "invalid")
    assert "user_id" in outcome["fields"]


def test_a_failed_score_then_a_passed_retake_are_both_kept(site, session_id):
    officer, worker = site["officer-a"], site.people["worker-a1"]
    officer.do("training.tick", session_id, user_id=worker)
    assert officer.do("training.score", session_id, user_id=worker, score=62)["status"] == "applied"
    officer.do("training.close", session_id)
    assert officer.do("training.score", session_id, user_id=worker, score=85)["status"] == "applied"
    (entry,) = site.session(session_id)["attendees"]
    assert [(s["score"], s["passed"]) for s in entry["scores"]] == [(62, False), (85, True)]
    assert entry["scores"][0]["by"] == site.people["officer-a"]


def test_a_score_of_exactly_eighty_passes(site, session_id):
    site["officer-a"].do("training.tick", session_id, user_id=site.people["worker-a2"])
    site["officer-a"].do("training.score", session_id, user_id=site.people["worker-a2"], score=80)
    assert site.session(session_id)["attendees"][0]["scores"][0]["passed"] is True


def test_worker_may_not_score(site, session_id):
    rejected(
        site["worker-a1"].do("training.score", session_id, user_id=site.people["worker-a1"], score=100),
        "forbidden",
    )


@pytest.mark.parametrize("score", [101, -1, "90", True, 85.5])
def test_a_score_outside_whole_numbers_zero_to_hundred_is_invalid(site, session_id, score):
    site["officer-a"].do("training.tick", session_id, user_id=site.people["worker-a1"])
    outcome = site["officer-a"].do(
        "training.score", session_id, user_id=site.people["worker-a1"], score=score
    )
    rejected(outcome, "invalid")
    assert "score" in outcome["fields"]


def test_scoring_someone_who_did_not_attend_is_invalid(site, session_id):
    outcome = site["officer-a"].do("training.score", session_id, user_id=site.people["worker-a1"], score=90)
    rejected(outcome, "invalid")
    assert "user_id" in outcome["fields"]


def test_scoring_a_cancelled_session_is_a_conflict(site, session_id):
    site["officer-a"].do("training.cancel", session_id, reason="停电")
    rejected(
        site["officer-a"].do("training.score", session_id, user_id=site.people["worker-a1"], score=90),
        "conflict",
    )


def test_closing_twice_is_a_conflict_and_workers_may_not_close(site, session_id):
    rejected(site["worker-a1"].do("training.close", session_id), "forbidden")
    assert site["principal-a"].do("training.close", session_id)["status"] == "applied"
    assert site.session(session_id)["status"] == "closed"
    rejected(site["officer-a"].do("training.close", session_id), "conflict")


def test_cancel_before_anyone_signed_in(site, session_id):
    assert site["officer-a"].do("training.cancel", session_id, reason="讲师生病")["status"] == "applied"
    data = site.session(session_id)
    assert data["status"] == "cancelled" and data["history"][-1]["reason"] == "讲师生病"


def test_cancel_after_someone_signed_in_is_a_conflict(site, session_id):
    site["worker-a1"].do("training.sign_in", session_id, code=site.code(session_id))
    rejected(site["officer-a"].do("training.cancel", session_id, reason="改期"), "conflict")


def test_cancel_without_a_reason_is_invalid_and_a_worker_may_not_cancel(site, session_id):
    rejected(site["worker-a1"].do("training.cancel", session_id, reason="x"), "forbidden")
    outcome = site["officer-a"].do("training.cancel", session_id)
    rejected(outcome, "invalid")
    assert "reason" in outcome["fields"]


def test_unknown_session_is_not_found(site):
    rejected(site["officer-a"].do("training.close", str(uuid.uuid4())), "not_found")
