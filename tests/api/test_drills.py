"""Drill commands through push: plan, start, roll call by tick and badge QR, end, photos, evaluation."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from backend.badges import badge_text
from backend.extensions import db
from backend.models import User
from sync import tables

from ..people import seed_people
from .hazard_site import Site, applied, rejected

DRILL_FIELDS = {
    "id",
    "enterprise_id",
    "type",
    "scenario",
    "planned_on",
    "status",
    "started_at",
    "ended_at",
    "expected_ids",
    "participants",
    "missing_ids",
    "evacuation_seconds",
    "photos",
    "evaluation",
    "cancel_reason",
    "history",
}
T0 = "2026-11-29T08:00:00.000Z"
COMMANDS_ON_A_DRILL = [
    ("drill.start", {}),
    ("drill.check_in", {"method": "tick"}),
    ("drill.end", {}),
    ("drill.add_photos", {"photos": []}),
    ("drill.evaluate", {"problems": "p", "improvements": "i"}),
    ("drill.cancel", {"reason": "r"}),
]


class DrillSite(Site):
    """The demo people, plus drills planned and run by officer-a at chosen capture times."""

    def at(self, who: str, when: str | None, type_: str, entity_id: str, **args) -> dict:
        device = self[who]
        command = device.command(type_, entity_id, **args)
        if when:
            command["captured_at"] = when
        return device.push(command)["outcomes"][-1]

    def drill(self, drill_id: str) -> dict:
        with self.app.app_context():
            row = db.session.execute(
                select(tables.entities).where(
                    tables.entities.c.entity == "drill", tables.entities.c.id == drill_id
                )
            ).first()
        return {**row.data, "_version": row.version}

    def badge(self, username: str) -> str:
        with self.app.app_context():
            return badge_text(self.people[username])

    def planned(self, who="officer-a", **extra) -> str:
        args = {"type": "evacuation", "scenario": "2号转炉煤气泄漏，全员疏散", "planned_on": "2026-11-29"}
        return applied(self[who].do("drill.plan", **{**args, **extra}))["entity_id"]

    def running(self, **extra) -> str:
        drill_id = self.planned(**extra)
        applied(self.at("officer-a", T0, "drill.start", drill_id))
        return drill_id

    def ended(self) -> str:
        drill_id = self.running()
        applied(self.tick(drill_id, "worker-a1"))
        applied(self["officer-a"].do("drill.end", drill_id))
        return drill_id

    def tick(self, drill_id: str, username: str, who="officer-a", when=None) -> dict:
        return self.at(who, when, "drill.check_in", drill_id, method="tick", user_id=self.people[username])

    def deactivate(self, username: str) -> None:
        with self.app.app_context():
            db.session.get(User, self.people[username]).active = False
            db.session.commit()


@pytest.fixture
def site(app, people):
    return DrillSite(app, people)


@pytest.fixture
def pg_site(pg_app):
    with pg_app.app_context():
        people = seed_people()
    return DrillSite(pg_app, people)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_site(request):
    return request.getfixturevalue("site" if request.param == "sqlite" else "pg_site")


# --- the whole drill ---------------------------------------------------------------------------------


def test_a_full_drill_is_planned_run_rolled_called_ended_photographed_and_evaluated(any_site):
    site = any_site
    drill_id = site.planned(type="evacuation")
    assert site.drill(drill_id)["status"] == "planned"
    assert site.drill(drill_id)["expected_ids"] is None
    applied(site.at("officer-a", T0, "drill.start", drill_id))
    applied(site.tick(drill_id, "worker-a1", when="2026-11-29T08:00:40.000Z"))
    qr = site.badge("worker-a2")
    scan = site.at("officer-a", "2026-11-29T08:01:15.000Z", "drill.check_in", drill_id, method="qr", qr=qr)
    applied(scan)
    applied(site.at("officer-a", "2026-11-29T08:10:00.000Z", "drill.end", drill_id))
    photo = site.photo(holder="officer-a")
    applied(site["officer-a"].do("drill.add_photos", drill_id, photos=[photo]))
    outcome = site["principal-a"].do(
        "drill.evaluate", drill_id, problems="集合点拥堵", improvements="增设疏散标识"
    )
    assert applied(outcome)["version"] == 7

    state = site.drill(drill_id)
    people = site.people
    everyone = {people[n] for n in ("principal-a", "officer-a", "worker-a1", "worker-a2", "contractor-a")}
    assert state["status"] == "evaluated"
    assert set(state["expected_ids"]) == everyone
    assert state["started_at"] == T0 and state["ended_at"] == "2026-11-29T08:10:00.000Z"
    assert state["participants"] == [
        {
            "user_id": people["worker-a1"],
            "at": "2026-11-29T08:00:40.000Z",
            "method": "tick",
            "by": people["officer-a"],
        },
        {
            "user_id": people["worker-a2"],
            "at": "2026-11-29T08:01:15.000Z",
            "method": "qr",
            "by": people["officer-a"],
        },
    ]
    assert set(state["missing_ids"]) == everyone - {people["worker-a1"], people["worker-a2"]}
    assert state["evacuation_seconds"] == 75
    assert state["photos"] == [photo]
    assert state["evaluation"]["problems"] == "集合点拥堵"
    assert state["evaluation"]["improvements"] == "增设疏散标识"
    assert state["evaluation"]["by"] == people["principal-a"]
    assert [event["type"] for event in state["history"]] == [
        "drill.plan",
        "drill.start",
        "drill.check_in",
        "drill.check_in",
        "drill.end",
        "drill.add_photos",
        "drill.evaluate",
    ]


def test_a_worker_pulls_the_drill_with_every_documented_field(site):
    drill_id = site.ended()
    change = site["worker-a1"].pull_all()[("drill", drill_id)]
    assert set(change["data"]) == DRILL_FIELDS
    assert change["data"]["enterprise_id"] == site.people["A"]
    assert change["data"]["type"] == "evacuation" and change["data"]["planned_on"] == "2026-11-29"
    assert change["version"] == 4


def test_another_enterprise_does_not_pull_the_drill(site):
    drill_id = site.planned()
    assert ("drill", drill_id) not in site["worker-b1"].pull_all()


def test_the_bureau_reads_the_drill_online_and_never_pulls_it(site):
    drill_id = site.planned()
    assert ("drill", drill_id) not in site["bureau"].pull_all()
    url = f"/api/v1/bureau/enterprises/{site.people['A']}/records/drill/{drill_id}"
    answer = site.client.get(url, headers=site["bureau"].headers)
    assert answer.status_code == 200 and answer.get_json()["data"]["id"] == drill_id
    assert site.client.get(url, headers=site["bureau-wenshui"].headers).status_code == 404


def test_evacuation_time_runs_to_the_end_when_nobody_checked_in(site):
    drill_id = site.running()
    applied(site.at("officer-a", "2026-11-29T08:07:30.000Z", "drill.end", drill_id))
    state = site.drill(drill_id)
    assert state["evacuation_seconds"] == 450
    assert set(state["missing_ids"]) == set(state["expected_ids"])


def test_people_named_at_planning_are_the_only_ones_expected(site):
    expected = [site.people["worker-a1"], site.people["contractor-a"]]
    drill_id = site.running(expected_ids=expected)
    applied(site.tick(drill_id, "worker-a2"))
    applied(site["officer-a"].do("drill.end", drill_id))
    state = site.drill(drill_id)
    assert state["expected_ids"] == expected
    assert state["missing_ids"] == expected


def test_the_default_expected_list_leaves_out_inactive_people(site):
    drill_id = site.planned()
    site.deactivate("worker-a2")
    applied(site["officer-a"].do("drill.start", drill_id))
    assert site.people["worker-a2"] not in site.drill(drill_id)["expected_ids"]


def test_a_planned_drill_is_cancelled_with_a_reason(site):
    drill_id = site.planned()
    applied(site["principal-a"].do("drill.cancel", drill_id, reason="高炉抢修，改期"))
    state = site.drill(drill_id)
    assert (state["status"], state["cancel_reason"]) == ("cancelled", "高炉抢修，改期")


@pytest.mark.parametrize("state", ["planned", "running", "ended"])
def test_photos_are_added_in_every_state_but_cancelled(site, state):
    drill_id = {"planned": site.planned, "running": site.running, "ended": site.ended}[state]()
    first, second = site.photo(1), site.photo(2)
    applied(site["officer-a"].do("drill.add_photos", drill_id, photos=[first]))
    applied(site["officer-a"].do("drill.add_photos", drill_id, photos=[second, first]))
    assert site.drill(drill_id)["photos"] == [first, second]


# --- forbidden ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["worker-a1", "contractor-a", "bureau"])
def test_only_officers_and_principals_plan_drills(site, who):
    outcome = site[who].do("drill.plan", type="fire", scenario="s", planned_on="2026-12-01")
    rejected(outcome, "forbidden")


@pytest.mark.parametrize(("command", "args"), COMMANDS_ON_A_DRILL)
@pytest.mark.parametrize("who", ["worker-a1", "bureau"])
def test_workers_and_the_bureau_cannot_run_a_drill(site, command, args, who):
    drill_id = site.planned()
    rejected(site[who].do(command, drill_id, **args), "forbidden")


def test_a_worker_learns_forbidden_before_conflict_and_invalid(site):
    drill_id = site.planned()
    rejected(site["worker-a1"].do("drill.end", drill_id), "forbidden")
    rejected(site["worker-a1"].do("drill.check_in", drill_id, method="smoke"), "forbidden")


@pytest.mark.parametrize(("command", "args"), COMMANDS_ON_A_DRILL)
def test_another_enterprise_s_drill_is_not_found(site, command, args):
    drill_id = site.planned()
    rejected(site["officer-b"].do(command, drill_id, **args), "not_found")


def test_an_unknown_drill_is_not_found(site):
    rejected(site["officer-a"].do("drill.start", str(uuid.uuid4())), "not_found")


# --- conflict ----------------------------------------------------------------------------------------


def test_planning_with_an_existing_id_is_conflict(site):
    drill_id = site.planned()
    rejected(
        site["officer-a"].do("drill.plan", drill_id, type="fire", scenario="s", planned_on="2026-12-01"),
        "conflict",
    )


@pytest.mark.parametrize(
    ("command", "args", "states"),
    [
        ("drill.start", {}, ["running", "ended", "cancelled"]),
        ("drill.check_in", {"method": "tick"}, ["planned", "ended", "cancelled"]),
        ("drill.end", {}, ["planned", "ended", "cancelled"]),
        ("drill.evaluate", {"problems": "p", "improvements": "i"}, ["planned", "running", "evaluated"]),
        ("drill.cancel", {"reason": "r"}, ["running", "ended", "cancelled"]),
        ("drill.add_photos", {"photos": []}, ["cancelled"]),
    ],
)
def test_a_command_in_the_wrong_state_is_conflict(site, command, args, states):
    for state in states:
        drill_id = site.planned()
        if state == "cancelled":
            applied(site["officer-a"].do("drill.cancel", drill_id, reason="改期"))
        if state in ("running", "ended", "evaluated"):
            applied(site["officer-a"].do("drill.start", drill_id))
        if state in ("ended", "evaluated"):
            applied(site["officer-a"].do("drill.end", drill_id))
        if state == "evaluated":
            applied(site["officer-a"].do("drill.evaluate", drill_id, problems="p", improvements="i"))
        extra = {"user_id": site.people["worker-a1"]} if command == "drill.check_in" else {}
        if command == "drill.add_photos":
            extra = {"photos": [site.photo()]}
        rejected(site["officer-a"].do(command, drill_id, **{**args, **extra}), "conflict")


def test_checking_in_twice_is_conflict_whatever_the_method(site):
    drill_id = site.running()
    applied(site.tick(drill_id, "worker-a1"))
    rejected(site.tick(drill_id, "worker-a1", who="principal-a"), "conflict")
    scan = site["officer-a"].do("drill.check_in", drill_id, method="qr", qr=site.badge("worker-a1"))
    rejected(scan, "conflict")
    assert len(site.drill(drill_id)["participants"]) == 1


# --- invalid -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"scenario": "s", "planned_on": "2026-12-01"}, "type"),
        ({"type": "tea_party", "scenario": "s", "planned_on": "2026-12-01"}, "type"),
        ({"type": "fire", "planned_on": "2026-12-01"}, "scenario"),
        ({"type": "fire", "scenario": "", "planned_on": "2026-12-01"}, "scenario"),
        ({"type": "fire", "scenario": "s"}, "planned_on"),
        ({"type": "fire", "scenario": "s", "planned_on": "29/11/2026"}, "planned_on"),
        (
            {"type": "fire", "scenario": "s", "planned_on": "2026-12-01", "expected_ids": ["x"]},
            "expected_ids.0",
        ),
    ],
)
def test_plan_with_invalid_args_is_invalid_with_fields(site, args, field):
    outcome = rejected(site["officer-a"].do("drill.plan", **args), "invalid")
    assert field in outcome["fields"], outcome["fields"]


@pytest.mark.parametrize("username", ["worker-b1", "bureau"])
def test_expecting_someone_outside_the_enterprise_is_invalid(site, username):
    args = {"type": "fire", "scenario": "s", "planned_on": "2026-12-01"}
    outcome = site["officer-a"].do("drill.plan", **args, expected_ids=[site.people[username]])
    assert "expected_ids" in rejected(outcome, "invalid")["fields"]


def test_a_badge_with_a_wrong_mac_is_invalid(site):
    drill_id = site.running()
    forged = site.badge("worker-a1")[:-4] + "0000"
    outcome = site["officer-a"].do("drill.check_in", drill_id, method="qr", qr=forged)
    assert "qr" in rejected(outcome, "invalid")["fields"]


def test_the_badge_of_another_enterprise_s_worker_is_invalid(site):
    drill_id = site.running()
    outcome = site["officer-a"].do("drill.check_in", drill_id, method="qr", qr=site.badge("worker-b1"))
    assert "qr" in rejected(outcome, "invalid")["fields"]


@pytest.mark.parametrize("username", ["worker-b1", "bureau"])
def test_ticking_someone_outside_the_enterprise_is_invalid(site, username):
    drill_id = site.running()
    assert "user_id" in rejected(site.tick(drill_id, username), "invalid")["fields"]


def test_ticking_an_inactive_person_is_invalid(site):
    drill_id = site.running()
    site.deactivate("worker-a2")
    assert "user_id" in rejected(site.tick(drill_id, "worker-a2"), "invalid")["fields"]


def test_ticking_an_unknown_person_is_invalid(site):
    drill_id = site.running()
    outcome = site["officer-a"].do("drill.check_in", drill_id, method="tick", user_id=str(uuid.uuid4()))
    assert "user_id" in rejected(outcome, "invalid")["fields"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({}, "method"),
        ({"method": "wave", "user_id": "0"}, "method"),
        ({"method": "tick"}, "user_id"),
        ({"method": "tick", "user_id": "someone"}, "user_id"),
        ({"method": "qr"}, "qr"),
        ({"method": "qr", "qr": ""}, "qr"),
    ],
)
def test_check_in_with_invalid_args_is_invalid_with_fields(site, args, field):
    drill_id = site.running()
    outcome = rejected(site["officer-a"].do("drill.check_in", drill_id, **args), "invalid")
    assert field in outcome["fields"], outcome["fields"]


@pytest.mark.parametrize(("args", "field"), [({}, "problems"), ({"problems": "p"}, "improvements")])
def test_evaluation_needs_problems_and_improvements(site, args, field):
    drill_id = site.ended()
    outcome = rejected(site["officer-a"].do("drill.evaluate", drill_id, **args), "invalid")
    assert field in outcome["fields"]


def test_cancel_needs_a_reason(site):
    drill_id = site.planned()
    assert "reason" in rejected(site["officer-a"].do("drill.cancel", drill_id), "invalid")["fields"]


@pytest.mark.parametrize("photos", [None, [], ["not-a-hash"]])
def test_adding_no_photo_is_invalid(site, photos):
    drill_id = site.planned()
    args = {} if photos is None else {"photos": photos}
    rejected(site["officer-a"].do("drill.add_photos", drill_id, **args), "invalid")


def test_adding_an_unstored_photo_is_blocked_not_rejected(site):
    drill_id = site.planned()
    device = site["officer-a"]
    answer = device.push(device.command("drill.add_photos", drill_id, photos=["ef" * 32]))
    assert answer["outcomes"] == []
    assert answer["blocked"] == {"seq": device.seq, "code": "blob_missing", "missing": ["ef" * 32]}
