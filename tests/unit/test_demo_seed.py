"""Demo data of protocol.md: the listed people, valid USCCs, records of every type in various states, once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from backend import demo
from backend.blob_setup import blob_store
from backend.derived.tick import tick
from backend.extensions import db
from backend.hazard_records import HazardView
from backend.models import Enterprise, User
from backend.rules.uscc import is_valid_uscc
from backend.sync_setup import sync_engine
from sync import tables

from ..api_client import Device

USERS = {
    "bureau": ("bureau", None),
    "bureau-wenshui": ("bureau", None),
    "bureau-lvliang": ("bureau", None),
    "principal-a": ("principal", "A"),
    "officer-a": ("officer", "A"),
    "worker-a1": ("worker", "A"),
    "worker-a2": ("worker", "A"),
    "contractor-a": ("worker", "A"),
    "officer-b": ("officer", "B"),
    "worker-b1": ("worker", "B"),
    "officer-c": ("officer", "C"),
    "worker-c1": ("worker", "C"),
}
# The bureaus' region nodes (GB/T 2260): 交城县 and 文水县, and 吕梁市 over both.
BUREAU_REGIONS = {"bureau": "141122", "bureau-wenshui": "141121", "bureau-lvliang": "141100"}


@pytest.fixture
def seeded(app):
    with app.app_context():
        message = demo.seed()
    assert "seeded" in message
    return app


def snapshot(app) -> dict:
    """Count and fingerprint everything the seed writes."""
    with app.app_context():

        def count(table) -> int:
            return db.session.scalar(select(func.count()).select_from(table))

        return {
            "users": count(User),
            "enterprises": count(Enterprise),
            "hazards": len(all_hazards()),
            "entities": sorted(
                (r.entity, r.id, r.version, r.position)
                for r in db.session.execute(select(tables.entities)).all()
            ),
            "commands": count(tables.commands),
            "blobs": count(tables.blobs),
            "counter": db.session.execute(select(tables.counter.c.position)).scalar(),
        }


def enterprise_keys(app) -> dict[str, str]:
    keys = {"91350100M000100Y43": "A", "91512081MA62K0260E": "B", "91141121MA0HX2K343": "C"}
    with app.app_context():
        return {keys[e.uscc]: e.id for e in db.session.scalars(select(Enterprise))}


def test_seed_creates_exactly_the_protocol_users(seeded):
    keys = enterprise_keys(seeded)
    with seeded.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
    assert set(users) == set(USERS)
    for name, (role, enterprise) in USERS.items():
        assert users[name].role == role
        assert users[name].enterprise_id == (keys[enterprise] if enterprise else None)
        assert users[name].region_code == BUREAU_REGIONS.get(name)
        assert users[name].active
    assert users["contractor-a"].employment_type == "dispatched"


def test_every_demo_password_is_demo1234(seeded):
    client = seeded.test_client()
    for name in USERS:
        answer = client.post("/api/v1/auth/login", json={"username": name, "password": "demo1234"})
        assert answer.status_code == 200, name


def test_enterprises_have_valid_usccs_and_their_profiles(seeded):
    with seeded.app_context():
        enterprises = list(db.session.scalars(select(Enterprise)))
    assert len(enterprises) == 3
    for enterprise in enterprises:
        assert is_valid_uscc(enterprise.uscc), enterprise.uscc
    profiles = sorted((e.region_code, e.industry, sorted(e.flags)) for e in enterprises)
    assert profiles == [
        ("141121", "metallurgy", ["confined_space", "metal_smelting"]),
        (
            "141122",
            "metallurgy",
            ["confined_space", "confined_space_toxic", "gas", "labour_intensive", "metal_smelting"],
        ),
        ("141122", "nonferrous", ["dust_explosion"]),
    ]


def all_hazards() -> list[HazardView]:
    e = tables.entities.c
    return [HazardView(d) for d in db.session.scalars(select(e.data).where(e.entity == "hazard"))]


def test_hazards_cover_every_state_with_overdue_and_closed_ones(seeded):
    keys = enterprise_keys(seeded)
    with seeded.app_context():
        hazards = all_hazards()
    statuses = {h.status for h in hazards}
    assert statuses == {"reported", "assigned", "rectified", "closed", "dismissed"}
    overdue = [h for h in hazards if h.status == "assigned" and h.due_date and h.due_date < date.today()]
    assert overdue, "some hazard is overdue"
    assert {h.enterprise_id for h in hazards} == set(keys.values())
    assert any(h.severity == "major" and h.status not in ("closed", "dismissed") for h in hazards)


def test_hazards_carry_real_history_and_synced_state(seeded):
    with seeded.app_context():
        hazards = all_hazards()
        for hazard in hazards:
            stored = sync_engine().load(db.session, "hazard", hazard.id)
            assert stored.version == len(hazard.history)
            # Reported by a person, or made by a principal's inspection from a failed checklist item.
            assert hazard.history[0]["type"] in ("hazard.report", "inspection.finish")
            assert hazard.captured_at < hazard.received_at


def test_every_photo_the_hazards_name_is_stored(seeded):
    with seeded.app_context():
        shas = set()
        for hazard in all_hazards():
            shas.update(hazard.photos)
            shas.update((hazard.rectification or {}).get("photos", []))
        stored = set(db.session.scalars(select(tables.blobs.c.sha256)))
        store = blob_store()
        assert shas and shas <= stored
        assert all(store.path(sha).is_file() for sha in shas)


def test_every_record_type_has_demo_records(seeded):
    with seeded.app_context():
        engine = sync_engine()
        entity_types = {engine.registry.get(name).entity for name in engine.registry.types()}
        seeded_types = set(db.session.scalars(select(tables.entities.c.entity).distinct()))
    assert entity_types <= seeded_types


def test_seeding_again_changes_nothing(seeded):
    before = snapshot(seeded)
    with seeded.app_context():
        assert "already" in demo.seed()
    assert snapshot(seeded) == before


def test_seed_demo_command_seeds_once(app):
    app.config["DEMO_DATA"] = True
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and "seeded" in first.output
    before = snapshot(app)
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "already" in second.output
    assert snapshot(app) == before
    assert before["users"] == len(USERS)


def test_seed_demo_command_respects_demo_data_off(app):
    runner = app.test_cli_runner()
    assert "switched off" in runner.invoke(args=["seed-demo"]).output
    assert snapshot(app)["users"] == 0
    assert "seeded" in runner.invoke(args=["seed-demo", "--force"]).output
    assert snapshot(app)["users"] == len(USERS)


def records(app, entity: str) -> list[dict]:
    with app.app_context():
        query = select(tables.entities.c.data).where(tables.entities.c.entity == entity)
        return list(db.session.scalars(query))


def test_drills_lockouts_trainings_and_inspections_come_in_various_states(seeded):
    # C's evacuation drill ended ten months ago and was never evaluated: overdue by now.
    drills = sorted(d["status"] for d in records(seeded, "drill"))
    assert drills == ["ended", "evaluated", "evaluated", "planned"]
    assert sorted(lo["status"] for lo in records(seeded, "lockout")) == ["released", "safe_to_work"]
    sessions = records(seeded, "training_session")
    assert sorted(s["status"] for s in sessions) == ["closed", "closed", "scheduled"]
    assert "confined_space_annual" in {s["kind"] for s in sessions}
    inspections = records(seeded, "inspection")
    assert sorted(i["kind"] for i in inspections) == ["enforcement", "principal"]
    assert all(i["status"] == "finished" for i in inspections)
    # A finished inspection has every item answered (issue 10: the demo's showed 10 of 12 未检查).
    assert all(item["result"] in ("pass", "fail", "na") for i in inspections for item in i["items"])
    assert all(len(i["items"]) > 2 for i in inspections)
    assert [i["quiz"]["passed"] for i in inspections if i["kind"] == "enforcement"] == [True]
    principal = next(i for i in inspections if i["kind"] == "principal")
    assert any(h["inspection_id"] == principal["id"] for h in records(seeded, "hazard"))


def test_equipment_has_isolation_points_and_the_lockouts_locked_them(seeded):
    [equipment] = records(seeded, "equipment")
    points = {p["id"] for p in equipment["points"]}
    assert len(points) == 2
    for lockout in records(seeded, "lockout"):
        assert {lock["point_id"] for lock in lockout["locks"]} == points


def test_person_records_show_exams_and_certificates_in_every_standing(seeded):
    with seeded.app_context():
        ids = {u.username: u.id for u in db.session.scalars(select(User))}
    person = {r["user_id"]: r for r in records(seeded, "person_record")}
    assert person[ids["worker-a1"]]["exam"]["status"] == "passed"
    assert person[ids["contractor-a"]]["exam"]["status"] == "retake_allowed"
    assert person[ids["worker-a1"]]["hours_this_year"] >= 4
    states = {c["state"] for r in person.values() for c in r["certificates"]}
    assert {"ok", "renewal_due"} <= states
    bureaus = [name for name, (role, _) in USERS.items() if role == "bureau"]
    assert not {ids[name] for name in bureaus} & set(person) and len(person) == len(USERS) - len(bureaus)


def test_every_enterprise_person_has_a_badge_and_every_enterprise_its_derived_entities(seeded):
    keys = enterprise_keys(seeded)
    with seeded.app_context():
        people = [u for u in db.session.scalars(select(User)) if u.enterprise_id]
    assert {b["user_id"] for b in records(seeded, "badge")} == {u.id for u in people}
    for entity in ("due", "checklist", "enterprise_summary"):
        assert {r["enterprise_id"] for r in records(seeded, entity)} == set(keys.values())
    assert {r["code"] for r in records(seeded, "region")} >= {"140000", "141100", "141121", "141122"}


def test_a_tick_right_after_seeding_records_nothing(seeded):
    with seeded.app_context():
        assert sum(n for k, n in tick(db.session, sync_engine()).items() if k != "enterprises") == 0


def test_the_bureau_overview_shows_overdue_and_ok_obligations_from_the_pulled_summaries(seeded):
    keys = enterprise_keys(seeded)
    pulled = Device(seeded.test_client(), "bureau-lvliang").pull_all()
    due = {
        key: pulled[("enterprise_summary", enterprise_id)]["data"]["due"]
        for key, enterprise_id in keys.items()
    }
    states = {o["state"] for d in due.values() for o in d["obligations"]}
    assert {"overdue", "ok"} <= states
    evacuation = {
        key: next(o for o in d["obligations"] if o["key"] == "evacuation_drill") for key, d in due.items()
    }
    assert evacuation["A"]["state"] == "overdue" and evacuation["A"]["interval_months"] == 6
    assert evacuation["B"]["state"] == "ok"
    assert evacuation["C"]["state"] == "overdue" and due["C"]["open_major_hazards"] == 1
    assert due["A"]["active_lockouts"] == 1 and due["A"]["open_major_hazards"] >= 1
    assert due["A"]["major_hazards"] and due["A"]["late_entries"]
    assert {row["entity"] for row in due["A"]["late_entries"]} == {"lockout"}


def test_each_county_bureau_pulls_its_own_county_and_the_city_bureau_both(seeded):
    keys = enterprise_keys(seeded)
    client = seeded.test_client()
    expected = {"bureau": {"A", "B"}, "bureau-wenshui": {"C"}, "bureau-lvliang": {"A", "B", "C"}}
    for name, enterprises in expected.items():
        pulled = Device(client, name).pull_all()
        summaries = {i for (entity, i) in pulled if entity == "enterprise_summary"}
        assert summaries == {keys[k] for k in enterprises}, name
        assert {entity for entity, _ in pulled} <= {
            "enterprise_summary",
            "region",
            "notice",
            "notice_receipt",
            "user",
            "notification",
            "notification_settings",
        }, name
