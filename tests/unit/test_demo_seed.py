"""Demo data of protocol.md: the listed people, valid USCCs, hazards in every state, seeded once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from backend import demo
from backend.blob_setup import blob_store
from backend.extensions import db
from backend.models import Enterprise, Hazard, User
from backend.rules.uscc import is_valid_uscc
from backend.sync_setup import sync_engine
from sync import tables

USERS = {
    "bureau": ("bureau", None),
    "principal-a": ("principal", "A"),
    "officer-a": ("officer", "A"),
    "worker-a1": ("worker", "A"),
    "worker-a2": ("worker", "A"),
    "contractor-a": ("worker", "A"),
    "officer-b": ("officer", "B"),
    "worker-b1": ("worker", "B"),
}


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
            "hazards": count(Hazard),
            "entities": sorted(
                (r.entity, r.id, r.version, r.position)
                for r in db.session.execute(select(tables.entities)).all()
            ),
            "commands": count(tables.commands),
            "blobs": count(tables.blobs),
            "counter": db.session.execute(select(tables.counter.c.position)).scalar(),
        }


def enterprise_keys(app) -> dict[str, str]:
    with app.app_context():
        return {
            ("A" if "metal_smelting" in e.flags else "B"): e.id
            for e in db.session.scalars(select(Enterprise))
        }


def test_seed_creates_exactly_the_protocol_users(seeded):
    keys = enterprise_keys(seeded)
    with seeded.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
    assert set(users) == set(USERS)
    for name, (role, enterprise) in USERS.items():
        assert users[name].role == role
        assert users[name].enterprise_id == (keys[enterprise] if enterprise else None)
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
    assert len(enterprises) == 2
    for enterprise in enterprises:
        assert is_valid_uscc(enterprise.uscc), enterprise.uscc
    flags = sorted(sorted(e.flags) for e in enterprises)
    assert flags == [["confined_space", "gas", "labour_intensive", "metal_smelting"], ["dust_explosion"]]


def test_hazards_cover_every_state_with_overdue_and_closed_ones(seeded):
    keys = enterprise_keys(seeded)
    with seeded.app_context():
        hazards = list(db.session.scalars(select(Hazard)))
    statuses = {h.status for h in hazards}
    assert statuses == {"reported", "assigned", "rectified", "closed", "dismissed"}
    overdue = [h for h in hazards if h.status == "assigned" and h.due_date and h.due_date < date.today()]
    assert overdue, "some hazard is overdue"
    assert {h.enterprise_id for h in hazards} == set(keys.values())
    assert any(h.severity == "major" and h.status not in ("closed", "dismissed") for h in hazards)


def test_hazards_carry_real_history_and_synced_state(seeded):
    with seeded.app_context():
        hazards = list(db.session.scalars(select(Hazard)))
        for hazard in hazards:
            stored = sync_engine().load(db.session, "hazard", hazard.id)
            assert stored.data == hazard.to_data()
            assert stored.version == len(hazard.history)
            assert hazard.history[0]["type"] == "hazard.report"
            assert hazard.captured_at < hazard.received_at


def test_every_photo_the_hazards_name_is_stored(seeded):
    with seeded.app_context():
        shas = set()
        for hazard in db.session.scalars(select(Hazard)):
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
