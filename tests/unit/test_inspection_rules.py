"""The inspection workflow as data: who leads which kind, who may answer, the checklist from flags."""

from __future__ import annotations

import pytest

from backend.rules.inspection_rules import (
    checklist_for,
    criterion_of,
    decide,
    inspection_items,
    may_lead,
    quiz_passes,
)

LEADER = "leader-id"


def inspection(kind="principal", status="in_progress"):
    return {"kind": kind, "status": status, "led_by": LEADER}


def test_only_a_principal_leads_a_principal_inspection():
    assert may_lead("principal", "principal")
    assert not may_lead("principal", "officer")
    assert not may_lead("principal", "bureau")


def test_officers_and_principals_lead_self_checks():
    assert may_lead("self_check", "officer") and may_lead("self_check", "principal")
    assert not may_lead("self_check", "worker")


def test_only_the_bureau_leads_enforcement():
    assert may_lead("enforcement", "bureau")
    assert not may_lead("enforcement", "principal")


def test_unknown_kind_has_no_leader():
    assert not may_lead("audit", "principal")


def test_the_leader_records_items_and_finishes():
    assert decide("inspection.record_item", "principal", LEADER, inspection()).next_state == "in_progress"
    assert decide("inspection.finish", "principal", LEADER, inspection()).next_state == "finished"


def test_someone_else_may_not_record_items_even_with_the_leaders_role():
    assert decide("inspection.record_item", "principal", "other", inspection()).code == "forbidden"


def test_a_finished_inspection_is_a_conflict_for_its_leader():
    assert decide("inspection.finish", "principal", LEADER, inspection(status="finished")).code == "conflict"


def test_the_quiz_is_the_bureaus_on_enforcement_only():
    assert decide("inspection.record_quiz", "bureau", "any", inspection("enforcement")).code is None
    assert decide("inspection.record_quiz", "bureau", "any", inspection("principal")).code == "forbidden"
    assert decide("inspection.record_quiz", "principal", LEADER, inspection()).code == "forbidden"


def test_quiz_passes_at_eighty():
    assert quiz_passes(80) and not quiz_passes(79)
    with pytest.raises(ValueError):
        quiz_passes(101)


def test_checklist_items_carry_the_documented_fields():
    items = checklist_for("metallurgy", ["metal_smelting"])
    assert set(items[0]) == {"id", "article", "item", "text", "industry", "major", "verified"}
    assert items[0]["id"] == "3.1"


def test_inspection_items_start_unanswered():
    items = inspection_items(checklist_for(None, []))
    assert items and all(i["result"] is None and i["photos"] == [] and i["hazard_id"] is None for i in items)
    assert set(items[0]) == {
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


def test_an_unverified_item_stays_marked_in_the_inspection():
    # 11.6 was read in one copy only: the inspection keeps saying so (待核实 on screen).
    items = inspection_items(checklist_for(None, ["dust_explosion"]))
    verified = {i["id"]: i["verified"] for i in items}
    assert verified["11.3"] is True and verified["11.6"] is False


def test_a_hazard_cites_the_items_article_and_item():
    assert criterion_of({"id": "4.2"}) == "4.2"
