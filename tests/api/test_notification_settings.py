"""settings.update: one's own push settings, honoured by notify(): push off, opt-out, quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.models import Delivery

from ..api_client import Device
from ..notify.fake_push import FakePushService
from .test_inbox import DAYTIME, deliver, inbox, send, subscribe

# 23:30 in Shanghai, inside 22:00–07:00; the window ends at 23:00 UTC the same day.
NIGHT = datetime(2025, 6, 2, 15, 30, tzinfo=UTC)
MORNING = datetime(2025, 6, 2, 23, 0, tzinfo=UTC)
QUIET = {"start": "22:00", "end": "07:00"}


@pytest.fixture
def push_service():
    """A fake push service on 127.0.0.1."""
    service = FakePushService()
    yield service
    service.close()


def settings_of(device: Device) -> dict:
    return device.pull_all()[("notification_settings", device.user["id"])]["data"]


def test_settings_are_created_on_first_use_and_pulled_by_their_owner_only(app, client, people):
    worker = Device(client, "worker-a1")
    outcome = worker.do("settings.update", worker.user["id"], opt_out=["digest_daily"])
    assert outcome["status"] == "applied", outcome
    data = settings_of(worker)
    assert (data["push_enabled"], data["opt_out"], data["quiet_hours"]) == (True, ["digest_daily"], None)
    assert worker.do("settings.update", worker.user["id"], quiet_hours=QUIET)["status"] == "applied"
    data = settings_of(worker)
    assert (data["opt_out"], data["quiet_hours"]) == (["digest_daily"], QUIET)
    assert ("notification_settings", worker.user["id"]) not in Device(client, "officer-a").pull_all()


def test_nobody_changes_anothers_settings(app, client, people):
    officer = Device(client, "officer-a")
    outcome = officer.do("settings.update", people["worker-a1"], push_enabled=False)
    assert (outcome["status"], outcome["code"]) == ("rejected", "forbidden")


def test_critical_kinds_and_notices_cannot_be_opted_out_of(app, client, people):
    worker = Device(client, "worker-a1")
    for kinds in (["major_hazard_overdue"], ["notice"], ["no_such_kind"]):
        outcome = worker.do("settings.update", worker.user["id"], opt_out=kinds)
        assert (outcome["status"], outcome["code"]) == ("rejected", "invalid"), kinds
        assert "opt_out" in str(outcome["fields"])


def test_bad_quiet_hours_are_invalid(app, client, people):
    worker = Device(client, "worker-a1")
    outcome = worker.do("settings.update", worker.user["id"], quiet_hours={"start": "25:00", "end": "07:00"})
    assert (outcome["status"], outcome["code"]) == ("rejected", "invalid")
    outcome = worker.do("settings.update", worker.user["id"], push_enabled=1)
    assert outcome["code"] == "invalid"


def test_quiet_hours_hold_back_a_reminder_until_morning(app, client, people, push_service):
    worker = Device(client, "worker-a1")
    subscribe(app, client, worker, push_service)
    worker.do("settings.update", worker.user["id"], quiet_hours=QUIET)
    send(app, [people["worker-a1"]], now=NIGHT)
    assert deliver(app, NIGHT) == [] and push_service.received == []
    assert len(inbox(worker)) == 1  # the inbox has it at once
    assert deliver(app, MORNING - timedelta(minutes=1)) == []
    assert [r.status for r in deliver(app, MORNING)] == ["sent"]
    assert len(push_service.received) == 1


def test_a_critical_alert_ignores_quiet_hours_and_opt_out(app, client, people, push_service):
    officer = Device(client, "officer-a")
    subscribe(app, client, officer, push_service)
    officer.do("settings.update", officer.user["id"], quiet_hours=QUIET, opt_out=["hazard_overdue"])
    send(app, [people["officer-a"]], kind="hazard_overdue", critical=True, now=NIGHT)
    assert [r.status for r in deliver(app, NIGHT)] == ["sent"]
    assert push_service.received[0].headers["urgency"] == "high"


def test_an_opted_out_kind_reaches_the_inbox_but_is_not_pushed(app, client, people, push_service):
    worker = Device(client, "worker-a1")
    subscribe(app, client, worker, push_service)
    worker.do("settings.update", worker.user["id"], opt_out=["digest_daily"])
    send(app, [people["worker-a1"]], kind="digest_daily")
    send(app, [people["worker-a1"]], kind="drill_due")
    deliver(app)
    assert [r.payload["tag"] for r in push_service.received] == ["drill_due:hazard:h-1"]
    assert {n["kind"] for n in inbox(worker)} == {"digest_daily", "drill_due"}


def test_push_switched_off_queues_nothing_even_critical(app, client, people, push_service):
    worker = Device(client, "worker-a1")
    subscribe(app, client, worker, push_service)
    worker.do("settings.update", worker.user["id"], push_enabled=False)
    send(app, [people["worker-a1"]], kind="major_hazard_overdue", now=DAYTIME)
    with app.app_context():
        assert db.session.scalars(select(Delivery)).all() == []
    assert len(inbox(worker)) == 1
