"""Personal QR badges: signed text, the badge entity, badges made after a push and rebuilt per enterprise."""

from __future__ import annotations

from backend.badges import badge_text, badge_user
from backend.derived import badge
from backend.extensions import db
from backend.scopes import user_scope
from backend.sync_setup import sync_engine
from sync import Change

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


def test_push_of_new_people_makes_their_badges_once(app, people):
    user_change = Change("user", people["worker-a1"], "ent:x", {"enterprise_id": people["A"]})
    bureau_change = Change("user", people["bureau"], "bureau", {"enterprise_id": None})
    hazard_change = Change("hazard", USER, "ent:x", {})
    with app.app_context():
        made = badge.on_push(db.session, None, [user_change, user_change, bureau_change, hazard_change])
        assert [(c.entity, c.id) for c in made] == [("badge", people["worker-a1"])]
        assert badge_user(made[0].data["qr"]) == people["worker-a1"]


def test_people_who_already_have_a_badge_get_none(app, people):
    with app.app_context():
        sync_engine().record_change(db.session, badge.badge_change(people["worker-a1"]))
        db.session.commit()
        change = Change("user", people["worker-a1"], "ent:x", {"enterprise_id": people["A"]})
        assert badge.on_push(db.session, None, [change]) == []


def test_rebuild_makes_a_badge_for_every_person_of_the_enterprise(app, people):
    with app.app_context():
        made = badge.rebuild(db.session, people["B"])
    assert sorted(c.id for c in made) == sorted([people["officer-b"], people["worker-b1"]])
    assert all(c.scope == user_scope(c.id) for c in made)
