"""Lockout commands through push: open, lock every point, try out, second-person confirm, release, remove."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from backend.extensions import db
from sync import tables

from ..people import seed_people
from .hazard_site import Site, applied, rejected

LOCKOUT_FIELDS = {
    "id",
    "enterprise_id",
    "equipment_id",
    "work_type",
    "reason",
    "status",
    "opened_by",
    "locks",
    "tryout",
    "confirmation",
    "release",
    "history",
}
LOCK_FIELDS = {
    "point_id",
    "lock_number",
    "tag",
    "applied_by",
    "applied_at",
    "photos",
    "removed_by",
    "removed_at",
    "removal_reason",
}
CLEAR = {"people_clear": True, "tools_clear": True, "note": "人员撤离，工具清点完毕"}


class LockoutSite(Site):
    """The demo people, equipment with two isolation points, and lockouts brought to any state."""

    def entity(self, entity: str, entity_id: str) -> dict:
        with self.app.app_context():
            row = db.session.execute(
                select(tables.entities).where(
                    tables.entities.c.entity == entity, tables.entities.c.id == entity_id
                )
            ).first()
        return {**row.data, "_version": row.version}

    def equipment(self, who="officer-a", points=None) -> tuple[str, list[str]]:
        points = points or [
            {
                "id": str(uuid.uuid4()),
                "energy_type": "electrical",
                "location": "1号配电柜",
                "description": "主电源",
            },
            {"id": str(uuid.uuid4()), "energy_type": "hydraulic", "location": "液压站"},
        ]
        outcome = self[who].do(
            "equipment.register", name="3号行车", code="HC-03", location="炼钢跨", points=points
        )
        return applied(outcome)["entity_id"], [point["id"] for point in points]

    def opened(self, who="worker-a1") -> tuple[str, list[str]]:
        equipment_id, points = self.equipment()
        outcome = self[who].do(
            "lockout.open", equipment_id=equipment_id, work_type="maintenance", reason="更换钢丝绳"
        )
        return applied(outcome)["entity_id"], points

    def lock(self, lockout_id, point_id, who="worker-a1", number="L-01") -> dict:
        photo = self.photo(len(number), holder=who)
        return self[who].do(
            "lockout.apply_lock",
            lockout_id,
            point_id=point_id,
            lock_number=number,
            tag="禁止合闸",
            photos=[photo],
        )

    def locked(self, appliers=("worker-a1", "worker-a2")) -> tuple[str, list[str]]:
        lockout_id, points = self.opened()
        for index, (point_id, who) in enumerate(zip(points, appliers, strict=True)):
            applied(self.lock(lockout_id, point_id, who=who, number=f"L-0{index}"))
        return lockout_id, points

    def verified(self) -> tuple[str, list[str]]:
        lockout_id, points = self.locked()
        photo = self.photo(9, holder="worker-a1")
        applied(
            self["worker-a1"].do(
                "lockout.verify_zero_energy", lockout_id, photos=[photo], note="试启动无反应"
            )
        )
        return lockout_id, points

    def safe(self) -> tuple[str, list[str]]:
        lockout_id, points = self.verified()
        applied(self["officer-a"].do("lockout.confirm", lockout_id))
        return lockout_id, points

    def releasing(self) -> tuple[str, list[str]]:
        lockout_id, points = self.safe()
        applied(self["worker-a1"].do("lockout.release", lockout_id, **CLEAR))
        return lockout_id, points

    def released(self) -> tuple[str, list[str]]:
        lockout_id, points = self.releasing()
        applied(self["worker-a1"].do("lockout.remove_lock", lockout_id, point_id=points[0]))
        applied(self["worker-a2"].do("lockout.remove_lock", lockout_id, point_id=points[1]))
        return lockout_id, points

    def in_state(self, state: str) -> tuple[str, list[str]]:
        return {
            "applying": self.opened,
            "locked": self.locked,
            "verified": self.verified,
            "safe_to_work": self.safe,
            "releasing": self.releasing,
            "released": self.released,
        }[state]()


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


# --- the whole lockout -------------------------------------------------------------------------------


def test_a_full_lockout_is_locked_verified_confirmed_released_and_unlocked(any_site):
    site = any_site
    people = site.people
    lockout_id, (p1, p2) = site.opened()
    assert site.entity("lockout", lockout_id)["status"] == "applying"
    applied(site.lock(lockout_id, p1, who="worker-a1", number="L-01"))
    assert site.entity("lockout", lockout_id)["status"] == "applying"
    applied(site.lock(lockout_id, p2, who="worker-a2", number="L-02"))
    assert site.entity("lockout", lockout_id)["status"] == "locked"
    tryout_photo = site.photo(7, holder="worker-a1")
    applied(
        site["worker-a1"].do(
            "lockout.verify_zero_energy", lockout_id, photos=[tryout_photo], note="试启动无反应"
        )
    )
    rejected(site["worker-a1"].do("lockout.confirm", lockout_id), "forbidden")
    rejected(site["worker-a2"].do("lockout.confirm", lockout_id), "forbidden")
    applied(site["contractor-a"].do("lockout.confirm", lockout_id))
    assert site.entity("lockout", lockout_id)["status"] == "safe_to_work"
    applied(site["worker-a1"].do("lockout.release", lockout_id, **CLEAR))
    assert site.entity("lockout", lockout_id)["status"] == "releasing"
    rejected(site["worker-a2"].do("lockout.remove_lock", lockout_id, point_id=p1), "forbidden")
    applied(site["worker-a1"].do("lockout.remove_lock", lockout_id, point_id=p1))
    assert site.entity("lockout", lockout_id)["status"] == "releasing"
    outcome = site["officer-a"].do(
        "lockout.remove_lock", lockout_id, point_id=p2, reason="操作人已下班，经确认无人"
    )
    assert applied(outcome)["version"] == 8

    state = site.entity("lockout", lockout_id)
    assert state["status"] == "released"
    first, second = state["locks"]
    assert (first["point_id"], first["lock_number"], first["tag"]) == (p1, "L-01", "禁止合闸")
    assert first["applied_by"] == people["worker-a1"] and len(first["photos"]) == 1
    assert (first["removed_by"], first["removal_reason"]) == (people["worker-a1"], None)
    assert (second["removed_by"], second["removal_reason"]) == (
        people["officer-a"],
        "操作人已下班，经确认无人",
    )
    assert state["tryout"]["by"] == people["worker-a1"] and state["tryout"]["photos"] == [tryout_photo]
    assert state["tryout"]["note"] == "试启动无反应"
    assert state["confirmation"]["by"] == people["contractor-a"]
    assert state["release"]["by"] == people["worker-a1"]
    assert (state["release"]["people_clear"], state["release"]["tools_clear"]) == (True, True)
    assert [event["type"] for event in state["history"]] == [
        "lockout.open",
        "lockout.apply_lock",
        "lockout.apply_lock",
        "lockout.verify_zero_energy",
        "lockout.confirm",
        "lockout.release",
        "lockout.remove_lock",
        "lockout.remove_lock",
    ]


def test_a_worker_pulls_the_lockout_with_every_documented_field(site):
    lockout_id, _ = site.locked()
    change = site["worker-a2"].pull_all()[("lockout", lockout_id)]
    assert set(change["data"]) == LOCKOUT_FIELDS
    assert all(set(lock) == LOCK_FIELDS for lock in change["data"]["locks"])
    assert change["data"]["opened_by"] == site.people["worker-a1"]
    assert (change["data"]["work_type"], change["data"]["reason"]) == ("maintenance", "更换钢丝绳")
    assert change["data"]["enterprise_id"] == site.people["A"]


def test_a_lock_photo_may_be_fetched_by_the_rest_of_the_enterprise(site):
    lockout_id, _ = site.locked()
    photo = site.entity("lockout", lockout_id)["locks"][0]["photos"][0]
    device = site["contractor-a"]
    assert site.client.get(f"/api/v1/blobs/{photo}", headers=device.headers).status_code == 200


def test_another_enterprise_does_not_pull_the_lockout(site):
    lockout_id, _ = site.opened()
    assert ("lockout", lockout_id) not in site["worker-b1"].pull_all()


def test_the_applier_removes_their_lock_without_a_reason_even_as_an_officer(site):
    lockout_id, points = site.opened()
    applied(site.lock(lockout_id, points[0], who="officer-a"))
    applied(site.lock(lockout_id, points[1], who="officer-a"))
    photo = site.photo(3, holder="worker-a1")
    applied(site["worker-a1"].do("lockout.verify_zero_energy", lockout_id, photos=[photo], note="n"))
    applied(site["worker-a1"].do("lockout.confirm", lockout_id))
    applied(site["worker-a1"].do("lockout.release", lockout_id, **CLEAR))
    applied(site["officer-a"].do("lockout.remove_lock", lockout_id, point_id=points[0]))
    assert site.entity("lockout", lockout_id)["locks"][0]["removal_reason"] is None


# --- forbidden ---------------------------------------------------------------------------------------


def test_the_bureau_cannot_open_a_lockout(site):
    equipment_id, _ = site.equipment()
    outcome = site["bureau"].do("lockout.open", equipment_id=equipment_id, work_type="hot_work", reason="r")
    rejected(outcome, "forbidden")


@pytest.mark.parametrize(
    ("state", "command", "args"),
    [
        ("applying", "lockout.apply_lock", {"lock_number": "L", "tag": "t", "photos": []}),
        ("locked", "lockout.verify_zero_energy", {"photos": [], "note": "n"}),
        ("verified", "lockout.confirm", {}),
        ("safe_to_work", "lockout.release", CLEAR),
        ("releasing", "lockout.remove_lock", {"reason": "执法检查"}),
    ],
)
def test_the_bureau_cannot_act_on_a_lockout(site, state, command, args):
    lockout_id, points = site.in_state(state)
    rejected(site["bureau"].do(command, lockout_id, point_id=points[0], **args), "forbidden")


@pytest.mark.parametrize(
    ("state", "command", "args"),
    [
        ("applying", "lockout.apply_lock", {"lock_number": "L", "tag": "t", "photos": []}),
        ("locked", "lockout.verify_zero_energy", {"photos": [], "note": "n"}),
        ("verified", "lockout.confirm", {}),
        ("safe_to_work", "lockout.release", CLEAR),
        ("releasing", "lockout.remove_lock", {"reason": "r"}),
    ],
)
def test_another_enterprise_s_lockout_is_not_found(site, state, command, args):
    lockout_id, points = site.in_state(state)
    rejected(site["officer-b"].do(command, lockout_id, point_id=points[0], **args), "not_found")


def test_an_unknown_lockout_is_not_found(site):
    rejected(site["officer-a"].do("lockout.confirm", str(uuid.uuid4())), "not_found")


def test_an_applier_learns_forbidden_before_conflict_when_confirming(site):
    lockout_id, _ = site.locked()
    rejected(site["worker-a1"].do("lockout.confirm", lockout_id), "forbidden")


@pytest.mark.parametrize("who", ["worker-a2", "contractor-a", "principal-a"])
def test_only_the_applier_or_an_officer_removes_a_lock(site, who):
    lockout_id, points = site.releasing()
    outcome = site[who].do("lockout.remove_lock", lockout_id, point_id=points[0], reason="着急开工")
    rejected(outcome, "forbidden")


def test_a_worker_naming_no_lock_of_theirs_is_forbidden(site):
    lockout_id, _ = site.releasing()
    rejected(site["worker-a2"].do("lockout.remove_lock", lockout_id, point_id=str(uuid.uuid4())), "forbidden")


def test_a_worker_not_the_applier_learns_forbidden_before_conflict(site):
    lockout_id, points = site.safe()
    rejected(site["worker-a2"].do("lockout.remove_lock", lockout_id, point_id=points[0]), "forbidden")


# --- conflict ----------------------------------------------------------------------------------------


def test_opening_with_an_existing_id_is_conflict(site):
    lockout_id, _ = site.opened()
    equipment_id = site.entity("lockout", lockout_id)["equipment_id"]
    outcome = site["worker-a1"].do(
        "lockout.open", lockout_id, equipment_id=equipment_id, work_type="other", reason="r"
    )
    rejected(outcome, "conflict")


def test_locking_a_locked_point_again_is_conflict(site):
    lockout_id, points = site.opened()
    applied(site.lock(lockout_id, points[0]))
    rejected(site.lock(lockout_id, points[0], who="worker-a2"), "conflict")


@pytest.mark.parametrize("state", ["locked", "verified", "safe_to_work", "releasing", "released"])
def test_applying_a_lock_after_applying_is_conflict(site, state):
    lockout_id, points = site.in_state(state)
    rejected(site.lock(lockout_id, points[0], who="contractor-a"), "conflict")


@pytest.mark.parametrize(
    ("command", "states"),
    [
        ("lockout.verify_zero_energy", ["applying", "verified", "safe_to_work", "releasing", "released"]),
        ("lockout.confirm", ["applying", "locked", "safe_to_work", "releasing", "released"]),
        ("lockout.release", ["applying", "locked", "verified", "releasing", "released"]),
    ],
)
def test_a_lockout_step_out_of_its_state_is_conflict(site, command, states):
    for state in states:
        lockout_id, _ = site.in_state(state)
        args = {
            "lockout.verify_zero_energy": {"photos": [site.photo(holder="principal-a")], "note": "n"},
            "lockout.release": CLEAR,
        }
        rejected(site["principal-a"].do(command, lockout_id, **args.get(command, {})), "conflict")


@pytest.mark.parametrize("state", ["applying", "locked", "verified", "safe_to_work"])
def test_removing_a_lock_before_the_release_is_conflict(site, state):
    lockout_id, points = site.in_state(state)
    if state == "applying":
        applied(site.lock(lockout_id, points[0]))
    rejected(site["worker-a1"].do("lockout.remove_lock", lockout_id, point_id=points[0]), "conflict")


def test_removing_a_removed_lock_is_conflict(site):
    lockout_id, points = site.releasing()
    applied(site["worker-a1"].do("lockout.remove_lock", lockout_id, point_id=points[0]))
    rejected(site["worker-a1"].do("lockout.remove_lock", lockout_id, point_id=points[0]), "conflict")


# --- invalid -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"equipment_id": None, "work_type": "maintenance", "reason": "r"}, "equipment_id"),
        ({"equipment_id": "x", "work_type": "maintenance", "reason": "r"}, "equipment_id"),
        ({"work_type": "dancing", "reason": "r"}, "work_type"),
        ({"work_type": "maintenance"}, "reason"),
        ({"work_type": "maintenance", "reason": ""}, "reason"),
    ],
)
def test_open_with_invalid_args_is_invalid_with_fields(site, args, field):
    equipment_id, _ = site.equipment()
    outcome = site["worker-a1"].do("lockout.open", **{"equipment_id": equipment_id, **args})
    assert field in rejected(outcome, "invalid")["fields"]


def test_opening_on_unknown_equipment_is_invalid(site):
    outcome = site["worker-a1"].do(
        "lockout.open", equipment_id=str(uuid.uuid4()), work_type="other", reason="r"
    )
    assert "equipment_id" in rejected(outcome, "invalid")["fields"]


def test_opening_on_another_enterprise_s_equipment_is_invalid(site):
    equipment_id, _ = site.equipment()
    outcome = site["worker-b1"].do("lockout.open", equipment_id=equipment_id, work_type="other", reason="r")
    assert "equipment_id" in rejected(outcome, "invalid")["fields"]


def test_opening_on_retired_equipment_is_invalid(site):
    equipment_id, _ = site.equipment()
    applied(site["officer-a"].do("equipment.retire", equipment_id))
    outcome = site["worker-a1"].do("lockout.open", equipment_id=equipment_id, work_type="other", reason="r")
    assert "equipment_id" in rejected(outcome, "invalid")["fields"]


def test_locking_a_point_of_other_equipment_is_invalid(site):
    lockout_id, _ = site.opened()
    assert "point_id" in rejected(site.lock(lockout_id, str(uuid.uuid4())), "invalid")["fields"]


@pytest.mark.parametrize("missing", ["point_id", "lock_number", "tag", "photos"])
def test_a_lock_needs_point_number_tag_and_photo(site, missing):
    lockout_id, points = site.opened()
    args = {
        "point_id": points[0],
        "lock_number": "L-1",
        "tag": "t",
        "photos": [site.photo(holder="worker-a1")],
    }
    del args[missing]
    outcome = site["worker-a1"].do("lockout.apply_lock", lockout_id, **args)
    assert missing in rejected(outcome, "invalid")["fields"]


def test_a_lock_with_an_unstored_photo_is_blocked_not_rejected(site):
    lockout_id, points = site.opened()
    device = site["worker-a1"]
    command = device.command(
        "lockout.apply_lock", lockout_id, point_id=points[0], lock_number="L", tag="t", photos=["ab" * 32]
    )
    answer = device.push(command)
    assert answer["blocked"] == {"seq": device.seq, "code": "blob_missing", "missing": ["ab" * 32]}


@pytest.mark.parametrize(
    ("args", "field"), [({"note": "n"}, "photos"), ({"photos": []}, "photos"), ({}, "note")]
)
def test_zero_energy_needs_photos_and_a_note(site, args, field):
    lockout_id, _ = site.locked()
    if "photos" not in args and field == "note":
        args = {"photos": [site.photo(holder="worker-a1")]}
    outcome = site["worker-a1"].do("lockout.verify_zero_energy", lockout_id, **args)
    assert field in rejected(outcome, "invalid")["fields"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({**CLEAR, "people_clear": False}, "people_clear"),
        ({**CLEAR, "tools_clear": False}, "tools_clear"),
        ({"tools_clear": True, "note": ""}, "people_clear"),
        ({**CLEAR, "people_clear": "true"}, "people_clear"),
        ({**CLEAR, "tools_clear": 1}, "tools_clear"),
        ({"people_clear": True, "tools_clear": True}, "note"),
    ],
)
def test_release_needs_people_and_tools_clear(site, args, field):
    lockout_id, _ = site.safe()
    outcome = site["worker-a1"].do("lockout.release", lockout_id, **args)
    assert field in rejected(outcome, "invalid")["fields"]
    assert site.entity("lockout", lockout_id)["status"] == "safe_to_work"


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_an_officer_removing_someone_else_s_lock_needs_a_reason(site, reason):
    lockout_id, points = site.releasing()
    args = {} if reason is None else {"reason": reason}
    outcome = site["officer-a"].do("lockout.remove_lock", lockout_id, point_id=points[0], **args)
    assert "reason" in rejected(outcome, "invalid")["fields"]


@pytest.mark.parametrize("point_id", [None, "p1", "unknown"])
def test_an_officer_naming_no_lock_is_invalid(site, point_id):
    lockout_id, _ = site.releasing()
    args = {} if point_id is None else {"point_id": str(uuid.uuid4()) if point_id == "unknown" else point_id}
    outcome = site["officer-a"].do("lockout.remove_lock", lockout_id, reason="r", **args)
    assert "point_id" in rejected(outcome, "invalid")["fields"]
