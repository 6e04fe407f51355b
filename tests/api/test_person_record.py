"""The computed `person_record`: training hours this year, exam standing, certificates, kept current."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.derived import clock
from backend.derived.tick import tick
from backend.extensions import db
from backend.rules.cadence import add_months
from backend.sync_setup import sync_engine

from ..api_client import Device


def applied(outcome: dict) -> dict:
    assert outcome["status"] == "applied", outcome
    return outcome


def session_at(
    officer: Device, hours: float, scheduled_at: datetime | None = None, kind: str = "general"
) -> str:
    """Schedule a session and return its id."""
    when = (scheduled_at or datetime.now(UTC)).isoformat(timespec="seconds").replace("+00:00", "Z")
    outcome = officer.do(
        "training.schedule", kind=kind, topic="煤气安全", trainer="李安全", hours=hours, scheduled_at=when
    )
    return applied(outcome)["entity_id"]


def attend(officer: Device, session_id: str, user_id: str, *scores: int) -> None:
    applied(officer.do("training.tick", session_id, user_id=user_id))
    for score in scores:
        applied(officer.do("training.score", session_id, user_id=user_id, score=score))


def person_record(app, user_id: str):
    with app.app_context():
        return sync_engine().load(db.session, "person_record", user_id)


def test_attended_hours_of_this_year_count_against_the_required_hours(app, client, people):
    officer = Device(client, "officer-a")
    attend(officer, session_at(officer, 4), people["worker-a1"])
    attend(officer, session_at(officer, 2.5), people["worker-a1"])
    session_at(officer, 8)  # not attended
    record = officer.pull_all()[("person_record", people["worker-a1"])]["data"]
    assert record == {
        "user_id": people["worker-a1"],
        "year": clock.today_in_shanghai().year,
        "hours_this_year": 6.5,
        "required_hours": 20,  # metal smelting, yearly after the year of hire
        "exam": {"status": "none", "last_score": None, "last_at": None},
        "certificates": [],
    }


def test_a_session_held_last_year_does_not_count_this_year(app, client, people):
    officer = Device(client, "officer-a")
    last_year = datetime.now(UTC) - timedelta(days=400)
    attend(officer, session_at(officer, 8, last_year), people["worker-a1"])
    assert person_record(app, people["worker-a1"]).data["hours_this_year"] == 0


def test_a_fail_then_a_pass_clears_the_exam(app, client, people):
    officer = Device(client, "officer-a")
    attend(officer, session_at(officer, 4), people["worker-a1"], 60, 85)
    exam = person_record(app, people["worker-a1"]).data["exam"]
    assert exam["status"] == "passed" and exam["last_score"] == 85 and exam["last_at"]


def test_one_fail_allows_a_retake_and_failing_it_requires_retraining(app, client, people):
    officer = Device(client, "officer-a")
    first = session_at(officer, 4)
    attend(officer, first, people["contractor-a"], 50)
    assert person_record(app, people["contractor-a"]).data["exam"]["status"] == "retake_allowed"
    attend(officer, session_at(officer, 2), people["contractor-a"], 70)  # the retake, in another session
    exam = person_record(app, people["contractor-a"]).data["exam"]
    assert exam == {**exam, "status": "retraining_required", "last_score": 70}


def test_hours_owed_in_the_year_of_hire_are_the_initial_ones(app, client, people):
    officer = Device(client, "officer-a")
    hired = clock.today_in_shanghai().replace(month=1, day=2).isoformat()
    applied(officer.do("user.update", people["worker-a2"], hired_on=hired))
    assert person_record(app, people["worker-a2"]).data["required_hours"] == 72
    officer_b = Device(client, "officer-b")
    applied(officer_b.do("user.update", people["worker-b1"], hired_on=hired))
    assert person_record(app, people["worker-b1"]).data["required_hours"] == 24


def test_after_the_year_of_hire_a_worker_owes_8_hours_and_a_metal_smelting_worker_20(app, client, people):
    last_year = clock.today_in_shanghai().replace(month=1, day=2)
    last_year = last_year.replace(year=last_year.year - 1).isoformat()
    applied(Device(client, "officer-a").do("user.update", people["worker-a2"], hired_on=last_year))
    applied(Device(client, "officer-b").do("user.update", people["worker-b1"], hired_on=last_year))
    assert person_record(app, people["worker-a2"]).data["required_hours"] == 20  # A: metal smelting
    assert person_record(app, people["worker-b1"]).data["required_hours"] == 8


def test_extended_reviews_leave_no_review_before_expiry_and_a_review_can_grant_them(app, client, people):
    # 令第30号 Art.21: 6-yearly reviews (so none within the 6-year validity) where the authority agreed.
    officer = Device(client, "officer-a")
    issued = clock.today_in_shanghai() - timedelta(days=400)
    certificate = dict(user_id=people["worker-a2"], operation="电工作业", issued_on=issued.isoformat())
    extended = applied(officer.do("certificate.record", number="E1", reviews_extended=True, **certificate))
    plain = applied(officer.do("certificate.record", number="P1", **certificate))
    pulled = Device(client, "officer-a").pull_all()
    stored = pulled[("certificate", extended["entity_id"])]["data"]
    assert stored["reviews_extended"] is True and stored["review_due_on"] == stored["expires_on"]
    rows = {c["id"]: c for c in person_record(app, people["worker-a2"]).data["certificates"]}
    assert rows[extended["entity_id"]]["next_review"] is None
    assert rows[plain["entity_id"]]["next_review"] == add_months(issued, 36).isoformat()
    # Granted at a review: the next review would be six years on, past expiry, so none is owed.
    reviewed = clock.today_in_shanghai() - timedelta(days=10)
    applied(
        officer.do(
            "certificate.review", plain["entity_id"], reviewed_on=reviewed.isoformat(), reviews_extended=True
        )
    )
    stored = Device(client, "officer-a").pull_all()[("certificate", plain["entity_id"])]["data"]
    assert stored["review_due_on"] == add_months(reviewed, 72).isoformat()
    rows = {c["id"]: c for c in person_record(app, people["worker-a2"]).data["certificates"]}
    assert rows[plain["entity_id"]]["next_review"] is None


def test_a_recorded_review_date_is_the_one_the_person_record_shows(app, client, people):
    # docs/commands.md: certificate.record takes an optional review_due_on; it was ignored before issue 9.
    today = clock.today_in_shanghai()
    stated = today + timedelta(days=20)
    outcome = applied(
        Device(client, "officer-a").do(
            "certificate.record",
            user_id=people["worker-a2"],
            operation="电工作业",
            number="R1",
            issued_on=(today - timedelta(days=900)).isoformat(),
            review_due_on=stated.isoformat(),
        )
    )
    [row] = person_record(app, people["worker-a2"]).data["certificates"]
    assert row["id"] == outcome["entity_id"]
    assert (row["next_review"], row["state"]) == (stated.isoformat(), "review_due")


def test_certificates_show_their_state_review_and_expiry(app, client, people):
    officer = Device(client, "officer-a")
    today = clock.today_in_shanghai()
    expiring = (today - timedelta(days=365 * 6 - 40)).isoformat()
    fresh = applied(
        officer.do(
            "certificate.record",
            user_id=people["worker-a2"],
            operation="电工作业",
            number="T1",
            issued_on=today.isoformat(),
        )
    )["entity_id"]
    old = applied(
        officer.do(
            "certificate.record",
            user_id=people["worker-a2"],
            operation="焊接与热切割作业",
            number="T2",
            issued_on=expiring,
        )
    )["entity_id"]
    certificates = {c["id"]: c for c in person_record(app, people["worker-a2"]).data["certificates"]}
    assert certificates[fresh]["state"] == "ok" and certificates[fresh]["operation"] == "电工作业"
    assert certificates[fresh]["next_review"] == add_months(today, 36).isoformat()  # 29 Feb safe
    assert certificates[old]["state"] == "renewal_due"
    assert set(certificates[old]) == {"id", "operation", "state", "next_review", "expires_on"}
    applied(officer.do("certificate.revoke", old, reason="离岗"))
    certificates = {c["id"]: c for c in person_record(app, people["worker-a2"]).data["certificates"]}
    assert certificates[old]["state"] == "revoked"


def test_a_person_record_is_rewritten_only_when_it_changes(app, client, people):
    officer = Device(client, "officer-a")
    session_id = session_at(officer, 4)
    attend(officer, session_id, people["worker-a1"])
    version = person_record(app, people["worker-a1"]).version
    attend(officer, session_id, people["worker-a2"])  # someone else signs in
    applied(
        Device(client, "worker-a1").do(
            "hazard.report", title="积水", description="积水", location="平台", severity="general", photos=[]
        )
    )
    assert person_record(app, people["worker-a1"]).version == version
    applied(officer.do("training.score", session_id, user_id=people["worker-a1"], score=90))
    assert person_record(app, people["worker-a1"]).version == version + 1


def test_the_tick_gives_every_enterprise_person_a_record_once(app, people):
    with app.app_context():
        tick(db.session, sync_engine())
        first = {u: person_record(app, people[u]).version for u in ("principal-a", "worker-a1", "worker-b1")}
        tick(db.session, sync_engine())
    assert {u: person_record(app, people[u]).version for u in first} == first
    assert person_record(app, people["bureau"]) is None


def test_colleagues_and_the_bureau_see_a_person_record_and_other_enterprises_do_not(app, client, people):
    officer = Device(client, "officer-a")
    attend(officer, session_at(officer, 4), people["worker-a1"])
    key = ("person_record", people["worker-a1"])
    assert key in Device(client, "worker-a2").pull_all()
    assert key not in Device(client, "worker-b1").pull_all()
    # The bureau reads it online, never by pull; the neighbouring county's bureau not at all.
    assert key not in Device(client, "bureau").pull_all()
    url = f"/api/v1/bureau/enterprises/{people['A']}/records/person_record/{people['worker-a1']}"
    assert client.get(url, headers=Device(client, "bureau").headers).status_code == 200
    assert client.get(url, headers=Device(client, "bureau-wenshui").headers).status_code == 404


def test_exam_attempts_replay_in_time_order_across_days(app, client, people):
    officer = Device(client, "officer-a")
    session_id = session_at(officer, 4)
    applied(officer.do("training.tick", session_id, user_id=people["worker-a1"]))
    late = officer.command("training.score", session_id, user_id=people["worker-a1"], score=90)
    early = officer.command("training.score", session_id, user_id=people["worker-a1"], score=40)
    early["captured_at"] = (
        (datetime.now(UTC) - timedelta(days=2)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )
    officer.push(late, early)  # the older fail arrives last: the newer pass still stands
    exam = person_record(app, people["worker-a1"]).data["exam"]
    assert exam["status"] == "passed" and exam["last_score"] == 90
    assert exam["last_at"] == late["captured_at"]
