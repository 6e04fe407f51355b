"""Hazard commands through push: protocol.md's workflow table, every rejection code and its check order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from backend.extensions import db
from backend.models import User
from sync import tables

from .hazard_site import DUE, applied, rejected

HAZARD_FIELDS = {
    "id",
    "enterprise_id",
    "title",
    "description",
    "location",
    "category",
    "criterion",
    "severity",
    "status",
    "photos",
    "reported_by",
    "captured_at",
    "received_at",
    "assignee_id",
    "due_date",
    "plan",
    "rectification",
    "verification",
    "history",
    "inspection_id",  # docs/commands.md: set when an inspection's failed item made the hazard
}


# --- the whole workflow ------------------------------------------------------------------------------


def test_major_hazard_goes_reported_assigned_rectified_closed(any_site):
    site = any_site
    hazard_id = site.report(severity="major", criterion="4.2", category="作业环境")
    assert site.hazard(hazard_id)["status"] == "reported"
    assert applied(site.assign(hazard_id, plan="排水"))["version"] == 2
    assert site.hazard(hazard_id)["status"] == "assigned"
    assert applied(site.rectify(hazard_id))["version"] == 3
    assert site.hazard(hazard_id)["status"] == "rectified"
    assert applied(site.verify(hazard_id, note="复查合格"))["version"] == 4
    state = site.hazard(hazard_id)
    assert state["status"] == "closed"
    assert [event["type"] for event in state["history"]] == [
        "hazard.report",
        "hazard.assign",
        "hazard.rectify",
        "hazard.verify",
    ]
    rejected(site.rectify(hazard_id, who="officer-a"), "conflict")
    assert site.hazard(hazard_id)["_version"] == 4


def test_sent_back_verification_returns_to_assigned_then_closes(any_site):
    site = any_site
    hazard_id = site.rectified()
    applied(site.verify(hazard_id, accepted=False, note="围挡不牢固"))
    state = site.hazard(hazard_id)
    assert state["status"] == "assigned"
    assert state["assignee_id"] == site.people["worker-a2"]
    assert state["verification"]["accepted"] is False
    applied(site.rectify(hazard_id, note="已加固围挡"))
    applied(site.verify(hazard_id, who="principal-a"))
    assert site.hazard(hazard_id)["status"] == "closed"


def test_dismiss_moves_reported_to_dismissed(any_site):
    site = any_site
    hazard_id = site.report()
    applied(site["officer-a"].do("hazard.dismiss", hazard_id, reason="非隐患"))
    assert site.hazard(hazard_id)["status"] == "dismissed"


# --- report ------------------------------------------------------------------------------------------


def test_report_data_has_every_protocol_field(site):
    photo = site.photo(holder="worker-a1")
    hazard_id = site.report(
        severity="major", description="约2平方米", category="作业环境", criterion="4.2", photos=[photo]
    )
    state = site.hazard(hazard_id)
    assert set(state) - {"_version"} == HAZARD_FIELDS
    assert state["id"] == hazard_id
    assert state["enterprise_id"] == site.people["A"]
    assert (state["title"], state["description"], state["location"]) == (
        "平台积水",
        "约2平方米",
        "2号转炉平台",
    )
    assert (state["category"], state["criterion"], state["severity"]) == ("作业环境", "4.2", "major")
    assert state["status"] == "reported"
    assert state["photos"] == [photo]
    assert state["reported_by"] == site.people["worker-a1"]
    assert state["assignee_id"] is None and state["due_date"] is None and state["plan"] is None
    assert state["rectification"] is None and state["verification"] is None
    assert state["_version"] == 1


def test_captured_at_is_kept_beside_received_at(site):
    device = site["worker-a1"]
    command = device.command("hazard.report", title="t", description="", location="l", severity="general")
    command["captured_at"] = "2026-11-29T06:12:40.000Z"
    device.push(command)
    state = site.hazard(command["entity_id"])
    assert state["captured_at"] == "2026-11-29T06:12:40.000Z"
    received = datetime.fromisoformat(state["received_at"].replace("Z", "+00:00"))
    assert abs(received - datetime.now(UTC)) < timedelta(minutes=1)
    assert state["history"][0]["at"] == "2026-11-29T06:12:40.000Z"
    assert state["history"][0]["received_at"] == state["received_at"]


@pytest.mark.parametrize("who", ["worker-a1", "contractor-a", "officer-a", "principal-a", "worker-b1"])
def test_every_enterprise_user_may_report(site, who):
    hazard_id = site.report(who=who)
    enterprise = "B" if who.endswith("b1") else "A"
    assert site.hazard(hazard_id)["enterprise_id"] == site.people[enterprise]


def test_bureau_cannot_report(site):
    outcome = site["bureau"].do("hazard.report", title="t", description="", location="l", severity="general")
    rejected(outcome, "forbidden")


@pytest.mark.parametrize(
    ("args", "fields"),
    [
        ({"location": "l", "severity": "general"}, {"title"}),
        ({"title": "", "location": "l", "severity": "general"}, {"title"}),
        ({"title": "t", "severity": "general"}, {"location"}),
        ({"title": "t", "location": "l"}, {"severity"}),
        ({"title": "t", "location": "l", "severity": "critical"}, {"severity"}),
        ({"title": "t", "location": "l", "severity": "general", "criterion": "art. 4"}, {"criterion"}),
        ({"title": "t", "location": "l", "severity": "general", "photos": ["not-a-hash"]}, {"photos.0"}),
        ({"title": "t", "location": "l", "severity": "general", "photos": "ab" * 32}, {"photos"}),
        ({"title": 5, "location": ["l"], "severity": "general"}, {"title", "location"}),
    ],
)
def test_report_with_invalid_args_is_invalid_with_fields(site, args, fields):
    outcome = rejected(site["worker-a1"].do("hazard.report", **args), "invalid")
    assert fields <= set(outcome["fields"]), outcome["fields"]


def test_report_with_an_existing_id_is_conflict(site):
    hazard_id = site.report()
    outcome = site["worker-a1"].do(
        "hazard.report", hazard_id, title="t", description="", location="l", severity="general"
    )
    rejected(outcome, "conflict")
    assert site.hazard(hazard_id)["_version"] == 1


# --- assign ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer-a", "principal-a"])
def test_officer_and_principal_assign(site, who):
    hazard_id = site.report()
    applied(site.assign(hazard_id, who=who, plan="围挡"))
    state = site.hazard(hazard_id)
    assert state["status"] == "assigned"
    assert state["assignee_id"] == site.people["worker-a2"]
    assert state["due_date"] == DUE
    assert state["plan"] == "围挡"


@pytest.mark.parametrize("who", ["worker-a1", "worker-a2", "contractor-a"])
def test_worker_cannot_assign(site, who):
    rejected(site.assign(site.report(), who=who), "forbidden")


def test_bureau_cannot_assign(site):
    rejected(site.assign(site.report(), who="bureau"), "forbidden")


def test_assigned_hazard_can_be_reassigned(site):
    hazard_id = site.assigned()
    applied(site.assign(hazard_id, assignee="contractor-a"))
    assert site.hazard(hazard_id)["assignee_id"] == site.people["contractor-a"]


@pytest.mark.parametrize("severity", ["general", "major"])
@pytest.mark.parametrize("without", [{}, {"plan": None}, {"plan": ""}, {"plan": "  "}])
def test_reassign_without_a_plan_keeps_the_recorded_plan(site, severity, without):
    hazard_id = site.report(severity=severity)
    applied(site.assign(hazard_id, plan="排水、围挡、检修管线"))
    applied(site.assign(hazard_id, assignee="contractor-a", **without))
    state = site.hazard(hazard_id)
    assert state["plan"] == "排水、围挡、检修管线"
    assert state["assignee_id"] == site.people["contractor-a"]
    assert state["history"][-1]["changes"] == [
        {"field": "assignee_id", "from": site.people["worker-a2"], "to": site.people["contractor-a"]}
    ]


def test_history_shows_old_and_new_plan_assignee_and_due_date(any_site):
    site = any_site
    hazard_id = site.report(severity="major")
    applied(site.assign(hazard_id, plan="围挡"))
    applied(site.assign(hazard_id, assignee="contractor-a", due_date="2030-07-15", plan="更换管线"))
    applied(site.assign(hazard_id, who="principal-a", assignee="contractor-a", due_date="2030-07-15"))
    first, second, unchanged = (e["changes"] for e in site.hazard(hazard_id)["history"][1:])
    assert first == [
        {"field": "assignee_id", "from": None, "to": site.people["worker-a2"]},
        {"field": "due_date", "from": None, "to": DUE},
        {"field": "plan", "from": None, "to": "围挡"},
    ]
    assert second == [
        {"field": "assignee_id", "from": site.people["worker-a2"], "to": site.people["contractor-a"]},
        {"field": "due_date", "from": DUE, "to": "2030-07-15"},
        {"field": "plan", "from": "围挡", "to": "更换管线"},
    ]
    assert unchanged == []
    assert site.hazard(hazard_id)["plan"] == "更换管线"


def test_rejected_reassign_changes_neither_plan_nor_history(site):
    hazard_id = site.report(severity="major")
    applied(site.assign(hazard_id, plan="围挡"))
    before = site.hazard(hazard_id)
    rejected(site.assign(hazard_id, assignee="officer-b", plan="另一个方案"), "invalid")
    assert site.hazard(hazard_id) == before


@pytest.mark.parametrize("state", ["rectified", "closed", "dismissed"])
def test_assign_in_a_later_state_is_conflict(site, state):
    if state == "dismissed":
        hazard_id = site.report()
        applied(site["officer-a"].do("hazard.dismiss", hazard_id, reason="非隐患"))
    else:
        hazard_id = site.rectified()
        if state == "closed":
            applied(site.verify(hazard_id))
    rejected(site.assign(hazard_id), "conflict")


def test_assignee_of_another_enterprise_is_invalid(site):
    outcome = rejected(site.assign(site.report(), assignee="worker-b1"), "invalid")
    assert "assignee_id" in outcome["fields"]


def test_bureau_user_cannot_be_assignee(site):
    outcome = rejected(site.assign(site.report(), assignee="bureau"), "invalid")
    assert "assignee_id" in outcome["fields"]


def test_inactive_assignee_is_invalid(site):
    with site.app.app_context():
        db.session.get(User, site.people["worker-a2"]).active = False
        db.session.commit()
    outcome = rejected(site.assign(site.report()), "invalid")
    assert "assignee_id" in outcome["fields"]


def test_unknown_assignee_is_invalid(site):
    hazard_id = site.report()
    outcome = site["officer-a"].do("hazard.assign", hazard_id, assignee_id=str(uuid.uuid4()), due_date=DUE)
    assert "assignee_id" in rejected(outcome, "invalid")["fields"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"due_date": DUE}, "assignee_id"),
        ({"assignee_id": "worker-a2", "due_date": DUE}, "assignee_id"),
        ({"assignee_id": "@worker-a2"}, "due_date"),
        ({"assignee_id": "@worker-a2", "due_date": "next friday"}, "due_date"),
    ],
)
def test_assign_needs_assignee_and_due_date(site, args, field):
    args = {k: site.people[v[1:]] if str(v).startswith("@") else v for k, v in args.items()}
    outcome = rejected(site["officer-a"].do("hazard.assign", site.report(), **args), "invalid")
    assert field in outcome["fields"]


@pytest.mark.parametrize("plan", [None, "", "   "])
def test_major_hazard_needs_a_plan(site, plan):
    hazard_id = site.report(severity="major")
    extra = {} if plan is None else {"plan": plan}
    outcome = rejected(site.assign(hazard_id, **extra), "invalid")
    assert "plan" in outcome["fields"]
    assert site.hazard(hazard_id)["status"] == "reported"


def test_general_hazard_needs_no_plan(site):
    hazard_id = site.report()
    applied(site.assign(hazard_id))
    assert site.hazard(hazard_id)["plan"] is None


def test_worker_learns_forbidden_before_invalid_args(site):
    outcome = site["worker-a1"].do("hazard.assign", site.report())
    rejected(outcome, "forbidden")


# --- rectify -----------------------------------------------------------------------------------------


def test_assignee_rectifies_assigned_hazard(site):
    hazard_id = site.assigned()
    photo = site.photo(7, holder="worker-a2")
    applied(site.rectify(hazard_id, photos=[photo], note="已排水"))
    state = site.hazard(hazard_id)
    assert state["status"] == "rectified"
    rectification = state["rectification"]
    assert rectification["note"] == "已排水" and rectification["photos"] == [photo]
    assert rectification["by"] == site.people["worker-a2"]
    assert rectification["at"] == state["history"][-1]["at"]


def test_officer_rectifies_hazard_assigned_to_someone_else(site):
    applied(site.rectify(site.assigned(), who="officer-a"))


@pytest.mark.parametrize("who", ["worker-a1", "contractor-a", "principal-a"])
def test_only_the_assignee_or_an_officer_rectifies_an_assigned_hazard(site, who):
    # worker-a1 is even the reporter: once assigned, the assignee owns the fix.
    hazard_id = site.assigned()
    rejected(site.rectify(hazard_id, who=who), "forbidden")


def test_principal_who_is_assignee_rectifies(site):
    applied(site.rectify(site.assigned(assignee="principal-a"), who="principal-a"))


def test_reporter_rectifies_general_hazard_on_the_spot(site):
    hazard_id = site.report()
    applied(site.rectify(hazard_id, who="worker-a1"))
    assert site.hazard(hazard_id)["status"] == "rectified"
    assert site.hazard(hazard_id)["assignee_id"] is None


def test_officer_rectifies_reported_general_hazard(site):
    applied(site.rectify(site.report(), who="officer-a"))


@pytest.mark.parametrize("who", ["worker-a2", "principal-a"])
def test_others_cannot_rectify_a_reported_hazard(site, who):
    rejected(site.rectify(site.report(), who=who), "forbidden")


@pytest.mark.parametrize("who", ["worker-a1", "officer-a"])
def test_major_hazard_cannot_be_rectified_from_reported(site, who):
    hazard_id = site.report(severity="major")
    rejected(site.rectify(hazard_id, who=who), "conflict")
    assert site.hazard(hazard_id)["status"] == "reported"


def test_major_hazard_is_rectified_after_assignment(site):
    applied(site.rectify(site.assigned(severity="major")))


@pytest.mark.parametrize("who", ["worker-a2", "officer-a"])
def test_closed_hazard_cannot_be_rectified(site, who):
    hazard_id = site.rectified()
    applied(site.verify(hazard_id))
    rejected(site.rectify(hazard_id, who=who), "conflict")


def test_rectified_hazard_cannot_be_rectified_again(site):
    rejected(site.rectify(site.rectified()), "conflict")


def test_dismissed_hazard_cannot_be_rectified(site):
    hazard_id = site.report()
    applied(site["officer-a"].do("hazard.dismiss", hazard_id, reason="非隐患"))
    rejected(site.rectify(hazard_id, who="worker-a1"), "conflict")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"note": "", "photos": "@photo"}, "note"),
        ({"photos": "@photo"}, "note"),
        ({"note": "done"}, "photos"),
        ({"note": "done", "photos": []}, "photos"),
        ({"note": "done", "photos": ["XYZ"]}, "photos.0"),
    ],
)
def test_rectify_needs_a_note_and_at_least_one_photo(site, args, field):
    hazard_id = site.assigned()
    if args.get("photos") == "@photo":
        args = {**args, "photos": [site.photo(holder="worker-a2")]}
    outcome = rejected(site["worker-a2"].do("hazard.rectify", hazard_id, **args), "invalid")
    assert field in outcome["fields"]
    assert site.hazard(hazard_id)["status"] == "assigned"


def test_rectify_with_an_unstored_photo_is_blocked_not_rejected(site):
    hazard_id = site.assigned()
    answer = site["worker-a2"].push(
        site["worker-a2"].command("hazard.rectify", hazard_id, note="done", photos=["ef" * 32])
    )
    assert answer["outcomes"] == []
    assert answer["blocked"] == {"seq": 1, "code": "blob_missing", "missing": ["ef" * 32]}


# --- verify ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["worker-a1", "worker-a2", "contractor-a", "bureau"])
def test_worker_cannot_verify_rectification(site, who):
    hazard_id = site.rectified()
    rejected(site.verify(hazard_id, who=who), "forbidden")
    assert site.hazard(hazard_id)["status"] == "rectified"


@pytest.mark.parametrize("who", ["officer-a", "principal-a"])
def test_officer_and_principal_verify(site, who):
    hazard_id = site.rectified()
    applied(site.verify(hazard_id, who=who, note="合格"))
    state = site.hazard(hazard_id)
    assert state["status"] == "closed"
    assert state["verification"]["accepted"] is True
    assert state["verification"]["note"] == "合格"
    assert state["verification"]["by"] == site.people[who]
    assert state["verification"]["at"] == state["history"][-1]["at"]


def test_officer_who_rectified_cannot_verify(site):
    hazard_id = site.rectified(rectifier="officer-a")
    rejected(site.verify(hazard_id, who="officer-a"), "forbidden")
    applied(site.verify(hazard_id, who="principal-a"))


def test_principal_who_rectified_cannot_verify(site):
    hazard_id = site.assigned(assignee="principal-a")
    applied(site.rectify(hazard_id, who="principal-a"))
    rejected(site.verify(hazard_id, who="principal-a"), "forbidden")


def test_not_accepting_needs_a_note(site):
    hazard_id = site.rectified()
    outcome = rejected(site.verify(hazard_id, accepted=False), "invalid")
    assert "note" in outcome["fields"]
    outcome = rejected(site.verify(hazard_id, accepted=False, note="  "), "invalid")
    assert "note" in outcome["fields"]
    assert site.hazard(hazard_id)["status"] == "rectified"


@pytest.mark.parametrize("accepted", [None, "yes", 1, "true"])
def test_accepted_must_be_a_boolean(site, accepted):
    hazard_id = site.rectified()
    args = {} if accepted is None else {"accepted": accepted}
    outcome = rejected(site["officer-a"].do("hazard.verify", hazard_id, **args), "invalid")
    assert "accepted" in outcome["fields"]


@pytest.mark.parametrize("state", ["reported", "assigned", "closed"])
def test_verify_outside_rectified_is_conflict(site, state):
    if state == "reported":
        hazard_id = site.report()
    elif state == "assigned":
        hazard_id = site.assigned()
    else:
        hazard_id = site.rectified()
        applied(site.verify(hazard_id))
    rejected(site.verify(hazard_id, who="principal-a"), "conflict")


# --- dismiss -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer-a", "principal-a"])
def test_officer_and_principal_dismiss(site, who):
    hazard_id = site.report()
    applied(site[who].do("hazard.dismiss", hazard_id, reason="非隐患"))
    assert site.hazard(hazard_id)["history"][-1]["reason"] == "非隐患"


def test_worker_cannot_dismiss(site):
    rejected(site["worker-a1"].do("hazard.dismiss", site.report(), reason="我报错了"), "forbidden")


@pytest.mark.parametrize("state", ["assigned", "rectified", "closed"])
def test_dismiss_only_from_reported(site, state):
    hazard_id = site.assigned() if state == "assigned" else site.rectified()
    if state == "closed":
        applied(site.verify(hazard_id))
    rejected(site["officer-a"].do("hazard.dismiss", hazard_id, reason="x"), "conflict")


def test_dismiss_needs_a_reason(site):
    outcome = rejected(site["officer-a"].do("hazard.dismiss", site.report()), "invalid")
    assert "reason" in outcome["fields"]


# --- other enterprises and check order ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "command", "args"),
    [
        ("officer-b", "hazard.assign", {"due_date": DUE}),
        ("officer-b", "hazard.dismiss", {"reason": "x"}),
        ("officer-b", "hazard.verify", {"accepted": True}),
        ("worker-b1", "hazard.rectify", {"note": "x"}),
        ("worker-b1", "hazard.dismiss", {}),
    ],
)
def test_another_enterprises_hazard_is_not_found(site, who, command, args):
    hazard_id = site.report()
    rejected(site[who].do(command, hazard_id, **args), "not_found")
    assert site.hazard(hazard_id)["_version"] == 1


def test_unknown_hazard_id_is_not_found(site):
    rejected(site["officer-a"].do("hazard.dismiss", str(uuid.uuid4()), reason="x"), "not_found")


def test_unknown_type_comes_before_not_found(site):
    rejected(site["worker-a1"].do("hazard.delete", str(uuid.uuid4())), "unknown_type")


def test_not_found_comes_before_forbidden(site):
    # worker-b1 would be forbidden to dismiss even in its own enterprise.
    rejected(site["worker-b1"].do("hazard.dismiss", site.report(), reason="x"), "not_found")


def test_forbidden_comes_before_conflict(site):
    # verify from reported is a conflict for an officer, but a worker may not verify at all.
    rejected(site.verify(site.report(), who="worker-a2"), "forbidden")


def test_conflict_comes_before_invalid(site):
    # no args at all: the state is wrong first.
    rejected(site["officer-a"].do("hazard.verify", site.report()), "conflict")
    rejected(site["officer-a"].do("hazard.dismiss", site.assigned()), "conflict")


# --- history and versions ----------------------------------------------------------------------------


def test_history_records_every_applied_command_with_who_and_when(site):
    hazard_id = site.report()
    rejected(site.assign(hazard_id, who="worker-a1"), "forbidden")
    site.assign(hazard_id)
    rejected(site.verify(hazard_id), "conflict")
    site.rectify(hazard_id)
    site.verify(hazard_id, who="principal-a")
    state = site.hazard(hazard_id)
    history = state["history"]
    assert [(e["type"], e["by"]) for e in history] == [
        ("hazard.report", site.people["worker-a1"]),
        ("hazard.assign", site.people["officer-a"]),
        ("hazard.rectify", site.people["worker-a2"]),
        ("hazard.verify", site.people["principal-a"]),
    ]
    for event in history:
        assert event["at"].endswith("Z") and event["received_at"].endswith("Z")
    assert history[1]["assignee_id"] == site.people["worker-a2"] and history[1]["due_date"] == DUE
    assert state["_version"] == 4


def test_history_at_is_captured_at_of_each_command(site):
    device = site["officer-a"]
    hazard_id = site.report()
    command = device.command("hazard.assign", hazard_id, assignee_id=site.people["worker-a2"], due_date=DUE)
    command["captured_at"] = "2026-01-02T03:04:05.678Z"
    device.push(command)
    event = site.hazard(hazard_id)["history"][-1]
    assert event["at"] == "2026-01-02T03:04:05.678Z"
    assert event["received_at"] != event["at"]


def test_a_hazard_is_stored_once_as_its_synced_document(site):
    hazard_id = site.rectified()
    with site.app.app_context():
        assert "hazards" not in sa_inspect(db.engine).get_table_names()
        e = tables.entities.c
        row = db.session.execute(
            select(e.data, e.status).where(e.entity == "hazard", e.id == hazard_id)
        ).one()
    assert row.data == {k: v for k, v in site.hazard(hazard_id).items() if k != "_version"}
    # The status column is the document's status, kept for the reports' index.
    assert row.status == row.data["status"] == "rectified"


def test_colleagues_pull_the_hazard_at_its_latest_version(site):
    hazard_id = site.rectified()
    change = site["contractor-a"].pull_all()[("hazard", hazard_id)]
    assert change["version"] == 3 and change["data"]["status"] == "rectified"
    assert change["deleted"] is False
