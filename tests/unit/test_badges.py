"""Personal QR badges: signed text, the badge entity, badges made after a push and rebuilt per enterprise."""

from __future__ import annotations

from backend.badges import badge_text, badge_user
from backend.derived import badge
from backend.derived.refresh import refresh
from backend.extensions import db
from backend.records import record
from backend.scopes import user_scope
from backend.sync_setup import sync_engine

KEY = "unit-test-key"
USER = "0193a1b2-0000-7000-8000-000000000001"


def test_badge_text_names_the_person_and_reads_back_with_the_same_key():
    text = badge_text(USER, KEY)
    assert text.startswith(f"P1.{USER}.") and len(text.split(".")[2]) == 16
    assert badge_user(text, KEY) == USER


def test_a_badge_with_a_wrong_mac_or_shape_names_nobody():
    text = badge_text(USER, KEY)
    assert badge_user(text, "another-key") is None
    assert badge_user(text[:-1] + ("0" if text[-1] != "0" else "1"), KEY) is None
    assert badge_user(f"T1.{USER}.{text.split('.')[2]}", KEY) is None
    assert badge_user("P1.only-two", KEY) is None
    assert badge_user(None, KEY) is None


def test_badge_change_is_the_persons_own_entity():
    change = badge.badge_change(USER, KEY)
    assert (change.entity, change.id, change.scope) == ("badge", USER, user_scope(USER))
    assert change.data == {"user_id": USER, "qr": badge_text(USER, KEY)}


def test_the_derived_job_makes_each_persons_badge_once(app, people):
    with app.app_context():
        first = refresh(db.session, sync_engine(), [people["A"]])
        db.session.commit()
        again = refresh(db.session, sync_engine(), [people["A"]])
        everyone = len(badge.rebuild(db.session, people["A"]))
        stored = badge_user(record(db.session, "badge", people["worker-a1"])["qr"])
    assert everyone >= 5 and first["badge"] == everyone and again["badge"] == 0
    assert stored == people["worker-a1"]


def test_rebuild_makes_a_badge_for_every_person_of_the_enterprise(app, people):
    with app.app_context():
        made = badge.rebuild(db.session, people["B"])
    assert sorted(c.id for c in made) == sorted([people["officer-b"], people["worker-b1"]])
    assert all(c.scope == user_scope(c.id) for c in made)
