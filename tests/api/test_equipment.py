"""Equipment commands through push: register with isolation points, update without dropping locks, retire."""

from __future__ import annotations

import uuid

import pytest

from ..people import seed_people
from .hazard_site import applied, rejected
from .test_lockouts import LockoutSite

EQUIPMENT_FIELDS = {"id", "enterprise_id", "name", "code", "location", "points", "active", "history"}


def point(energy_type="electrical", **extra) -> dict:
    return {"id": str(uuid.uuid4()), "energy_type": energy_type, "location": "配电室", **extra}


@pytest.fixture
def site(app, people):
    return LockoutSite(app, people)


@pytest.fixture
def pg_site(pg_app):
    with pg_app.app_context():
        people = seed_people()
    return LockoutSite(pg_app, people)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_site(request):
    return request.getfixturevalue("site" if request.param == "sqlite" else "pg_site")


def update(site, equipment_id, points, who="officer-a", **extra) -> dict:
    return site[who].do("equipment.update", equipment_id, name="3号行车", points=points, **extra)


# --- register ----------------------------------------------------------------------------------------


def test_registered_equipment_carries_its_points_and_every_documented_field(site):
    points = [point(description="主电源"), point("gravity", location="吊钩下方")]
    equipment_id, _ = site.equipment(points=points)
    change = site["worker-a1"].pull_all()[("equipment", equipment_id)]
    data = change["data"]
    assert set(data) == EQUIPMENT_FIELDS
    assert (data["name"], data["code"], data["location"]) == ("3号行车", "HC-03", "炼钢跨")
    assert data["enterprise_id"] == site.people["A"] and data["active"] is True
    assert data["points"] == [
        {**points[0]},
        {**points[1], "description": None},
    ]
    assert [event["type"] for event in data["history"]] == ["equipment.register"]
    assert change["version"] == 1


def test_code_and_location_are_optional(site):
    outcome = site["principal-a"].do("equipment.register", name="空压机", points=[point("pneumatic")])
    data = site.entity("equipment", applied(outcome)["entity_id"])
    assert (data["code"], data["location"]) == (None, None)


@pytest.mark.parametrize("who", ["worker-a1", "contractor-a", "bureau"])
def test_only_officers_and_principals_register_equipment(site, who):
    rejected(site[who].do("equipment.register", name="n", points=[point()]), "forbidden")


def test_registering_with_an_existing_id_is_conflict(site):
    equipment_id, _ = site.equipment()
    rejected(site["officer-a"].do("equipment.register", equipment_id, name="n", points=[point()]), "conflict")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"points": [point()]}, "name"),
        ({"name": "", "points": [point()]}, "name"),
        ({"name": "n"}, "points"),
        ({"name": "n", "points": []}, "points"),
        ({"name": "n", "points": [point("nuclear")]}, "points.0.energy_type"),
        ({"name": "n", "points": [{**point(), "id": "p1"}]}, "points.0.id"),
        ({"name": "n", "points": [{"id": str(uuid.uuid4()), "energy_type": "gas"}]}, "points.0.location"),
        ({"name": "n", "points": [{**point(), "id": "3" * 8 + "-3333-3333-3333-" + "3" * 12}] * 2}, "points"),
    ],
)
def test_register_with_invalid_args_is_invalid_with_fields(site, args, field):
    outcome = rejected(site["officer-a"].do("equipment.register", **args), "invalid")
    assert field in outcome["fields"], outcome["fields"]


# --- update ------------------------------------------------------------------------------------------


def test_update_replaces_the_description_and_points(site):
    equipment_id, (p1, _) = site.equipment()
    new = point("thermal")
    kept = {"id": p1, "energy_type": "electrical", "location": "新配电柜"}
    applied(update(site, equipment_id, [kept, new], location="转炉跨"))
    data = site.entity("equipment", equipment_id)
    assert [p["id"] for p in data["points"]] == [p1, new["id"]]
    assert (data["location"], data["code"]) == ("转炉跨", None)
    assert data["_version"] == 2


def test_update_may_drop_a_point_not_locked_in_an_open_lockout(site):
    lockout_id, (p1, p2) = site.opened()
    applied(site.lock(lockout_id, p1))
    equipment_id = site.entity("lockout", lockout_id)["equipment_id"]
    applied(update(site, equipment_id, [{"id": p1, "energy_type": "electrical", "location": "l"}]))
    assert site.entity("lockout", lockout_id)["status"] == "applying"


def test_update_dropping_a_locked_point_is_conflict(any_site):
    site = any_site
    lockout_id, (p1, p2) = site.locked()
    equipment_id = site.entity("lockout", lockout_id)["equipment_id"]
    rejected(
        update(site, equipment_id, [{"id": p1, "energy_type": "electrical", "location": "l"}]), "conflict"
    )


def test_update_may_drop_points_whose_locks_are_removed(site):
    lockout_id, (p1, _) = site.released()
    equipment_id = site.entity("lockout", lockout_id)["equipment_id"]
    applied(update(site, equipment_id, [point()]))


@pytest.mark.parametrize("who", ["worker-a1", "bureau"])
def test_only_officers_and_principals_update_equipment(site, who):
    equipment_id, _ = site.equipment()
    rejected(update(site, equipment_id, [point()], who=who), "forbidden")


def test_another_enterprise_s_equipment_is_not_found(site):
    equipment_id, _ = site.equipment()
    rejected(update(site, equipment_id, [point()], who="officer-b"), "not_found")
    rejected(site["officer-b"].do("equipment.retire", equipment_id), "not_found")


def test_update_with_no_points_is_invalid(site):
    equipment_id, _ = site.equipment()
    assert "points" in rejected(update(site, equipment_id, []), "invalid")["fields"]


# --- retire ------------------------------------------------------------------------------------------


def test_retired_equipment_is_inactive(site):
    equipment_id, _ = site.equipment()
    applied(site["principal-a"].do("equipment.retire", equipment_id))
    assert site.entity("equipment", equipment_id)["active"] is False


@pytest.mark.parametrize("state", ["applying", "safe_to_work", "releasing"])
def test_retiring_equipment_with_an_open_lockout_is_conflict(site, state):
    lockout_id, _ = site.in_state(state)
    equipment_id = site.entity("lockout", lockout_id)["equipment_id"]
    rejected(site["officer-a"].do("equipment.retire", equipment_id), "conflict")


def test_equipment_is_retired_once_its_lockouts_are_released(site):
    lockout_id, _ = site.released()
    equipment_id = site.entity("lockout", lockout_id)["equipment_id"]
    applied(site["officer-a"].do("equipment.retire", equipment_id))


def test_retiring_twice_is_conflict(site):
    equipment_id, _ = site.equipment()
    applied(site["officer-a"].do("equipment.retire", equipment_id))
    rejected(site["officer-a"].do("equipment.retire", equipment_id), "conflict")


@pytest.mark.parametrize("who", ["worker-a1", "contractor-a", "bureau"])
def test_only_officers_and_principals_retire_equipment(site, who):
    equipment_id, _ = site.equipment()
    rejected(site[who].do("equipment.retire", equipment_id), "forbidden")
