"""Inspection commands through push: who leads which kind, items answered, quiz, failed items as hazards."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image

from backend import demo_data
from backend.blob_setup import blob_store
from backend.extensions import db
from sync.blobs import save_blob

from ..api_client import Device

INSPECTION_FIELDS = set(
    "id enterprise_id kind led_by location started_at finished_at status items quiz summary history".split()
)


class Inspections:
    """Demo people with devices, photos they uploaded, and inspections they start."""

    def __init__(self, app, people):
        self.app, self.people = app, people
        self.client = app.test_client()
        self._devices: dict[str, Device] = {}

    def __getitem__(self, username: str) -> Device:
        if username not in self._devices:
            self._devices[username] = Device(self.client, username)
        return self._devices[username]

    def photo(self, holder: str) -> str:
        buffer = io.BytesIO()
        Image.new("RGB", (32, 24), (200, 80, 40)).save(buffer, "JPEG")
        with self.app.app_context():
            sha = save_blob(db.session, blob_store(), buffer.getvalue(), self.people[holder])
            db.session.commit()
        return sha

    def start(self, who="principal-a", kind="principal", **extra) -> tuple[str, dict]:
        inspection_id = str(uuid.uuid4())
        return inspection_id, self[who].do("inspection.start", inspection_id, kind=kind, **extra)

    def pulled(self, who="officer-a") -> dict:
        return self[who].pull_all()

    def inspection(self, inspection_id: str, who="officer-a") -> dict:
        return self.pulled(who)[("inspection", inspection_id)]["data"]


@pytest.fixture
def site(app, people):
    return Inspections(app, people)


@pytest.fixture
def principal_inspection(site):
    inspection_id, outcome = site.start(location="炼钢车间")
    assert outcome["status"] == "applied", outcome
    return inspection_id


def rejected(outcome: dict, code: str) -> None:
    assert outcome["status"] == "rejected", outcome
    assert outcome["code"] == code, outcome


def test_principal_led_inspection_of_a_smelter_has_articles_three_and_four_not_eleven(
    site, principal_inspection
):
    data = site.inspection(principal_inspection)
    assert set(data) == INSPECTION_FIELDS
    assert data["status"] == "in_progress" and data["led_by"] == site.people["principal-a"]
    assert data["enterprise_id"] == site.people["A"] and data["quiz"] is None
    ids = [item["id"] for item in data["items"]]
    assert {"3.1", "3.3", "4.2", "4.4"} <= set(ids)
    assert not any(i.startswith("11.") for i in ids)
    assert set(data["items"][0]) == {
        "id",
        "article",
        "item",
        "text",
        "major",
        "verified",
        "result",
        "note",
        "photos",
        "hazard_id",
    }


def test_enterprise_people_pull_their_checklist_after_a_push(site, principal_inspection):
    checklist = site.pulled("worker-a1")[("checklist", site.people["A"])]["data"]
    assert checklist["enterprise_id"] == site.people["A"]
    assert {"4.2", "13.1"} <= {item["id"] for item in checklist["items"]}
    assert set(checklist["items"][0]) == {"id", "article", "item", "text", "industry", "major", "verified"}
    assert ("checklist", site.people["A"]) not in site.pulled("worker-b1")


def test_officer_may_not_lead_a_principal_inspection(site):
    rejected(site.start("officer-a")[1], "forbidden")


def test_officer_leads_a_self_check(site):
    assert site.start("officer-a", "self_check")[1]["status"] == "applied"


def test_worker_may_not_start_any_inspection(site):
    rejected(site.start("worker-a1", "self_check")[1], "forbidden")


def test_principal_may_not_start_an_enforcement_inspection(site):
    rejected(site.start("principal-a", "enforcement")[1], "forbidden")


def test_bureau_may_not_lead_a_principal_inspection(site):
    rejected(site.start("bureau", "principal", enterprise_id=site.people["A"])[1], "forbidden")


def test_an_unknown_kind_is_invalid(site):
    outcome = site.start("principal-a", "audit")[1]
    rejected(outcome, "invalid")
    assert "kind" in outcome["fields"]


def test_naming_another_enterprise_is_not_found(site):
    rejected(site.start("principal-a", "principal", enterprise_id=site.people["B"])[1], "not_found")


def test_bureau_enforcement_needs_an_enterprise(site):
    outcome = site.start("bureau", "enforcement")[1]
    rejected(outcome, "invalid")
    assert "enterprise_id" in outcome["fields"]


def test_bureau_enforcement_of_an_unknown_enterprise_is_not_found(site):
    rejected(site.start("bureau", "enforcement", enterprise_id=str(uuid.uuid4()))[1], "not_found")


def test_reusing_an_inspection_id_is_a_conflict(site, principal_inspection):
    outcome = site["principal-a"].do("inspection.start", principal_inspection, kind="principal")
    rejected(outcome, "conflict")


def test_leader_answers_items_and_may_answer_again(site, principal_inspection):
    principal = site["principal-a"]
    assert (
        principal.do("inspection.record_item", principal_inspection, item_id="4.2", result="pass")["version"]
        == 2
    )
    principal.do("inspection.record_item", principal_inspection, item_id="4.2", result="na", note="停产检修")
    item = next(i for i in site.inspection(principal_inspection)["items"] if i["id"] == "4.2")
    assert (item["result"], item["note"]) == ("na", "停产检修")


def test_someone_other_than_the_leader_may_not_answer(site, principal_inspection):
    rejected(
        site["officer-a"].do("inspection.record_item", principal_inspection, item_id="4.2", result="pass"),
        "forbidden",
    )


def test_another_enterprise_may_not_see_the_inspection(site, principal_inspection):
    outcome = site["officer-b"].do(
        "inspection.record_item", principal_inspection, item_id="4.2", result="pass"
    )
    rejected(outcome, "not_found")
    rejected(site["officer-b"].do("inspection.finish", principal_inspection, summary=""), "not_found")


def test_a_failed_item_needs_a_note(site, principal_inspection):
    outcome = site["principal-a"].do(
        "inspection.record_item", principal_inspection, item_id="4.2", result="fail"
    )
    rejected(outcome, "invalid")
    assert "note" in outcome["fields"]


def test_an_item_not_on_the_checklist_is_invalid(site, principal_inspection):
    outcome = site["principal-a"].do(
        "inspection.record_item", principal_inspection, item_id="11.3", result="pass"
    )
    rejected(outcome, "invalid")
    assert "item_id" in outcome["fields"]


def test_a_failed_major_item_becomes_a_major_hazard_linked_to_the_inspection(site, principal_inspection):
    principal = site["principal-a"]
    photo = site.photo("principal-a")
    principal.do(
        "inspection.record_item",
        principal_inspection,
        item_id="4.2",
        result="fail",
        note="2号转炉平台积水",
        photos=[photo],
    )
    principal.do("inspection.record_item", principal_inspection, item_id="3.1", result="pass")
    outcome = principal.do("inspection.finish", principal_inspection, summary="发现重大隐患1项")
    assert outcome["status"] == "applied", outcome
    hazard_id = str(uuid.uuid5(uuid.UUID(principal_inspection), "4.2"))
    pulled = site.pulled("worker-a1")
    inspection = pulled[("inspection", principal_inspection)]["data"]
    assert inspection["status"] == "finished" and inspection["summary"] == "发现重大隐患1项"
    assert inspection["finished_at"] is not None
    items = {i["id"]: i for i in inspection["items"]}
    assert items["4.2"]["hazard_id"] == hazard_id and items["3.1"]["hazard_id"] is None
    hazard = pulled[("hazard", hazard_id)]["data"]
    assert hazard["inspection_id"] == principal_inspection
    assert (hazard["severity"], hazard["status"], hazard["criterion"]) == ("major", "reported", "4.2")
    assert hazard["photos"] == [photo] and hazard["description"] == "2号转炉平台积水"
    assert hazard["location"] == "炼钢车间" and hazard["reported_by"] == site.people["principal-a"]
    answer = site.client.get(f"/api/v1/blobs/{photo}", headers=site["worker-a1"].headers)
    assert answer.status_code == 200


def test_a_finished_inspection_takes_no_more_answers(site, principal_inspection):
    site["principal-a"].do("inspection.finish", principal_inspection, summary="")
    outcome = site["principal-a"].do(
        "inspection.record_item", principal_inspection, item_id="4.2", result="pass"
    )
    rejected(outcome, "conflict")
    rejected(site["principal-a"].do("inspection.finish", principal_inspection, summary=""), "conflict")


def test_finish_needs_a_summary_and_the_leader(site, principal_inspection):
    rejected(site["officer-a"].do("inspection.finish", principal_inspection, summary="x"), "forbidden")
    outcome = site["principal-a"].do("inspection.finish", principal_inspection)
    rejected(outcome, "invalid")
    assert "summary" in outcome["fields"]


def test_bureau_enforcement_with_the_principals_quiz(site):
    bureau = site["bureau"]
    inspection_id, outcome = site.start("bureau", "enforcement", enterprise_id=site.people["B"])
    assert outcome["status"] == "applied", outcome
    assert (
        bureau.do("inspection.record_quiz", inspection_id, score=85, note="能说出粉尘涉爆判定标准")["status"]
        == "applied"
    )
    bureau.do(
        "inspection.record_item", inspection_id, item_id="11.10", result="fail", note="抛光车间积尘严重"
    )
    bureau.do("inspection.finish", inspection_id, summary="责令整改")
    pulled = site.pulled("officer-b")
    data = pulled[("inspection", inspection_id)]["data"]
    assert data["kind"] == "enforcement" and data["enterprise_id"] == site.people["B"]
    assert data["quiz"] == {"score": 85, "passed": True, "note": "能说出粉尘涉爆判定标准"}
    assert {i["id"] for i in data["items"]} >= {"3.1", "11.1", "11.10"}
    assert not any(i["id"].startswith("4.") for i in data["items"])
    hazard = pulled[("hazard", str(uuid.uuid5(uuid.UUID(inspection_id), "11.10")))]["data"]
    assert hazard["enterprise_id"] == site.people["B"] and hazard["severity"] == "major"
    assert ("inspection", inspection_id) not in site.pulled("worker-a1")


def test_a_failed_quiz_is_recorded_as_not_passed(site):
    inspection_id, _ = site.start("bureau", "enforcement", enterprise_id=site.people["A"])
    site["bureau"].do("inspection.record_quiz", inspection_id, score=79)
    assert site.inspection(inspection_id)["quiz"]["passed"] is False


def test_the_quiz_belongs_to_enforcement_and_the_bureau(site, principal_inspection):
    rejected(site["bureau"].do("inspection.record_quiz", principal_inspection, score=90), "forbidden")
    rejected(site["principal-a"].do("inspection.record_quiz", principal_inspection, score=90), "forbidden")


@pytest.mark.parametrize("score", [101, -5, "80", True])
def test_a_quiz_score_outside_zero_to_hundred_is_invalid(site, score):
    inspection_id, _ = site.start("bureau", "enforcement", enterprise_id=site.people["A"])
    outcome = site["bureau"].do("inspection.record_quiz", inspection_id, score=score)
    rejected(outcome, "invalid")
    assert "score" in outcome["fields"]


def test_bureau_may_not_answer_an_enterprises_own_inspection(site, principal_inspection):
    outcome = site["bureau"].do("inspection.record_item", principal_inspection, item_id="4.2", result="pass")
    rejected(outcome, "forbidden")


def test_checklist_is_republished_only_when_the_enterprises_flags_change(app, site, principal_inspection):
    from backend.derived import checklist
    from backend.records import record
    from sync import Change

    enterprise_id = site.people["A"]
    with app.app_context():
        stored = record(db.session, "checklist", enterprise_id)
        same = Change(
            "enterprise",
            enterprise_id,
            f"ent:{enterprise_id}",
            {"flags": sorted(demo_data.ENTERPRISES[0]["flags"])},
        )
        assert checklist.changed_checklist(db.session, enterprise_id, "metallurgy", same.data["flags"]) == []
        assert checklist.rebuild(db.session, enterprise_id) == []
        (fresh,) = checklist.changed_checklist(db.session, enterprise_id, "metallurgy", ["dust_explosion"])
    assert (fresh.entity, fresh.id, fresh.scope) == ("checklist", enterprise_id, f"ent:{enterprise_id}")
    assert "11.1" in {i["id"] for i in fresh.data["items"]} and stored != fresh.data
