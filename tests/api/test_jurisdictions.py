"""Bureaus by jurisdiction: a county bureau pulls its county's summaries only, both ways; the city bureau
pulls both counties'; records are read online, page by page, never pulled; nothing of a neighbour county."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event, func, select

from backend.derived.tick import tick
from backend.extensions import db
from backend.models import Delivery, NoticeFanout, User
from backend.rules.regions import counties_of, within
from backend.sync_setup import sync_engine
from scripts.bench_notices import seed_recipients
from sync import tables

from .hazard_site import Site

JIAOCHENG, WENSHUI, LVLIANG = "141122", "141121", "141100"
# Entities a bureau pulls: its region's summaries and nodes, its notices and receipts, and its own things.
BUREAU_ENTITIES = {"enterprise_summary", "region", "notice", "notice_receipt"}
PERSONAL = {"user", "badge", "notification", "notification_settings"}


@pytest.fixture
def world(app, people):
    """Hazards with photos in A (交城县) and C (文水县), derived entities computed as the tick does."""
    site = Site(app, people)
    photos = {"A": site.photo(1, holder="worker-a1"), "C": site.photo(2, holder="worker-c1")}
    hazards = {
        "A": site.report("worker-a1", severity="major", photos=[photos["A"]]),
        "C": site.report("worker-c1", severity="major", photos=[photos["C"]]),
    }
    with app.app_context():
        tick(db.session, sync_engine())
    site.photos, site.hazards = photos, hazards
    return site


def pulled(site: Site, username: str) -> dict[tuple[str, str], dict]:
    return site[username].pull_all()


def enterprise_of(change: dict, people: dict) -> str | None:
    data = change["data"]
    return data.get("enterprise_id")


def test_each_county_bureau_pulls_only_its_own_county_both_ways(world, people):
    counties = {"bureau": (JIAOCHENG, {people["A"], people["B"]}), "bureau-wenshui": (WENSHUI, {people["C"]})}
    for username, (county, enterprises) in counties.items():
        changes = pulled(world, username)
        summaries = {i for (entity, i) in changes if entity == "enterprise_summary"}
        assert summaries == enterprises, username
        assert {i for (entity, i) in changes if entity == "region"} == {county}
        for (entity, _), change in changes.items():
            owner = enterprise_of(change, people)
            assert owner is None or owner in enterprises, (username, entity, change["data"])
            region = change["data"].get("region_code") or change["data"].get("code")
            assert region is None or within(region, county), (username, entity)


def test_a_bureau_pulls_summaries_never_records(world, people):
    for username in ("bureau", "bureau-wenshui", "bureau-lvliang"):
        entities = {entity for entity, _ in pulled(world, username)}
        assert entities <= BUREAU_ENTITIES | PERSONAL, entities - BUREAU_ENTITIES - PERSONAL
        assert {"enterprise_summary", "region"} <= entities
    users = {i for (entity, i) in pulled(world, "bureau") if entity == "user"}
    assert users == {people["bureau"]}  # its own record, not the enterprises' people


def test_the_city_bureau_pulls_both_counties_and_every_node_below_it(world, people):
    changes = pulled(world, "bureau-lvliang")
    summaries = {i for (entity, i) in changes if entity == "enterprise_summary"}
    assert summaries == {people["A"], people["B"], people["C"]}
    nodes = {i for (entity, i) in changes if entity == "region"}
    assert nodes == {LVLIANG, *counties_of(LVLIANG)} and len(nodes) == 14
    city = changes[("region", LVLIANG)]["data"]
    assert city == {
        "code": LVLIANG,
        "name": "吕梁市",
        "level": "city",
        "parent_code": "140000",
        "path": [{"code": "140000", "name": "山西省"}],
    }


def test_a_summary_holds_the_profile_and_exactly_the_stored_due(world, people, app):
    changes = pulled(world, "bureau-wenshui")
    summary = changes[("enterprise_summary", people["C"])]["data"]
    with app.app_context():
        due = sync_engine().load(db.session, "due", people["C"]).data
    assert summary["due"] == due
    assert summary["due"]["open_major_hazards"] == 1
    assert {k: summary[k] for k in ("id", "enterprise_id", "name", "region_code", "industry")} == {
        "id": people["C"],
        "enterprise_id": people["C"],
        "name": "文水县示范特钢有限公司",
        "region_code": WENSHUI,
        "industry": "metallurgy",
    }
    assert set(summary) == {
        "id",
        "enterprise_id",
        "name",
        "uscc",
        "industry",
        "flags",
        "region_code",
        "address",
        "standardisation_grade",
        "ledger_confirmed_on",
        "registered_on",
        "due",
    }


def test_a_profile_change_reaches_the_summary(world, people):
    outcome = world["bureau"].do("enterprise.update", people["A"], address="交城县夏家营镇新址")
    assert outcome["status"] == "applied", outcome
    summary = pulled(world, "bureau")[("enterprise_summary", people["A"])]["data"]
    assert summary["address"] == "交城县夏家营镇新址"


def records(site: Site, username: str, enterprise: str, expect: int = 200, **query):
    query = {"entity": "hazard", **query}
    answer = site.client.get(
        f"/api/v1/bureau/enterprises/{enterprise}/records", query_string=query, headers=site[username].headers
    )
    assert answer.status_code == expect, answer.get_json()
    return answer.get_json()


def test_details_are_read_online_in_the_region_and_404_outside_it(world, people):
    page = records(world, "bureau", people["A"])
    assert [r["id"] for r in page["records"]] == [world.hazards["A"]] and page["next_cursor"] is None
    assert page["records"][0]["entity"] == "hazard" and page["records"][0]["data"]["severity"] == "major"
    outside = records(world, "bureau", people["C"], expect=404)
    unknown = records(world, "bureau", str(uuid.uuid4()), expect=404)
    assert outside == unknown and outside["code"] == "not_found"
    records(world, "bureau-wenshui", people["A"], expect=404)
    assert [r["id"] for r in records(world, "bureau-lvliang", people["C"])["records"]] == [world.hazards["C"]]
    assert records(world, "worker-a1", people["A"], expect=403)["code"] == "forbidden"


def test_one_record_is_read_by_the_bureaus_over_it_only(world, people):
    url = f"/api/v1/bureau/enterprises/{people['C']}/records/hazard/{world.hazards['C']}"
    mine = world.client.get(url, headers=world["bureau-wenshui"].headers)
    assert mine.status_code == 200 and mine.get_json()["id"] == world.hazards["C"]
    assert set(mine.get_json()) == {"entity", "id", "data"}
    assert world.client.get(url, headers=world["bureau"].headers).status_code == 404
    # Another enterprise's record under an enterprise the bureau may read: not found either.
    crossed = f"/api/v1/bureau/enterprises/{people['A']}/records/hazard/{world.hazards['C']}"
    assert world.client.get(crossed, headers=world["bureau-lvliang"].headers).status_code == 404
    secret = f"/api/v1/bureau/enterprises/{people['C']}/records/training_key/x"
    assert world.client.get(secret, headers=world["bureau-wenshui"].headers).get_json()["code"] == "invalid"


@pytest.mark.parametrize(
    "query", [{"entity": "training_key"}, {"entity": "nope"}, {"limit": 0}, {"limit": 201}, {"cursor": "x"}]
)
def test_a_bad_entity_limit_or_cursor_is_invalid(world, people, query):
    assert records(world, "bureau", people["A"], expect=400, **query)["code"] == "invalid"


def test_a_cursor_of_another_list_is_invalid(world, people):
    for _ in range(3):
        world.report("worker-a1")
    cursor = records(world, "bureau", people["A"], limit=1)["next_cursor"]
    assert (
        records(world, "bureau", people["A"], expect=400, entity="drill", cursor=cursor)["code"] == "invalid"
    )
    assert records(world, "bureau", people["B"], expect=400, cursor=cursor)["code"] == "invalid"


def test_details_page_newest_change_first_each_record_once(world, people):
    made = [world.report("worker-a1") for _ in range(5)]
    world.assign(made[0])  # changed last: first on the first page
    seen, cursor, pages = [], None, 0
    while True:
        page = records(world, "bureau", people["A"], limit=2, **({"cursor": cursor} if cursor else {}))
        seen += [r["id"] for r in page["records"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [made[0], *reversed(made[1:]), world.hazards["A"]]
    assert pages == 3


def blob(site: Site, username: str, sha: str) -> int:
    return site.client.get(f"/api/v1/blobs/{sha}", headers=site[username].headers).status_code


def test_photos_are_served_to_the_bureaus_over_the_enterprise_only(world):
    assert blob(world, "bureau-wenshui", world.photos["C"]) == 200
    assert blob(world, "bureau-lvliang", world.photos["C"]) == 200
    assert blob(world, "bureau", world.photos["C"]) == 404
    assert blob(world, "bureau", world.photos["A"]) == 200
    assert blob(world, "bureau-wenshui", world.photos["A"]) == 404


def test_a_notice_to_a_neighbours_enterprise_is_rejected_and_writes_nothing(world, people, app):
    target = {"enterprise_ids": [people["C"]]}
    outcome = world["bureau"].do("notice.send", title="t", body="b", kind="warning", target=target)
    assert (outcome["status"], outcome["code"]) == ("rejected", "invalid")
    assert "target" in outcome["fields"]
    with app.app_context():
        e = tables.entities.c
        assert db.session.scalar(select(func.count()).where(e.entity == "notice")) == 0
        assert db.session.scalar(select(func.count()).select_from(NoticeFanout)) == 0
        assert db.session.scalar(select(func.count()).select_from(Delivery)) == 0


def notifications_of(site: Site, username: str) -> set[str]:
    return {
        c["data"].get("notice_id")
        for (entity, _), c in pulled(site, username).items()
        if entity == "notification"
    }


def test_a_county_notice_reaches_its_county_only_and_its_bureaus_see_it(world, people):
    sent = world["bureau"].do(
        "notice.send", title="交城县警示", body="b", kind="warning", target={"all": True}
    )
    assert sent["status"] == "applied", sent
    notice = sent["entity_id"]
    assert notice in notifications_of(world, "worker-a1") and notice in notifications_of(world, "worker-b1")
    assert notice not in notifications_of(world, "worker-c1")
    for username, sees in (("bureau", True), ("bureau-lvliang", True), ("bureau-wenshui", False)):
        changes = pulled(world, username)
        assert (("notice", notice) in changes) is sees, username
        receipts = {c["data"]["enterprise_id"] for (e, _), c in changes.items() if e == "notice_receipt"}
        assert receipts == ({people["A"], people["B"]} if sees else set()), username


def test_the_city_notice_to_named_enterprises_of_both_counties(world, people):
    target = {"enterprise_ids": [people["A"], people["C"]]}
    sent = world["bureau-lvliang"].do(
        "notice.send", title="市局通知", body="b", kind="warning", target=target
    )
    assert sent["status"] == "applied", sent
    assert sent["entity_id"] in notifications_of(world, "worker-c1")
    assert sent["entity_id"] in notifications_of(world, "worker-a1")
    assert sent["entity_id"] not in notifications_of(world, "worker-b1")
    receipts = pulled(world, "bureau-wenshui")
    assert {c["data"]["enterprise_id"] for (e, _), c in receipts.items() if e == "notice_receipt"} == {
        people["C"]
    }


def test_exports_are_limited_to_the_region(world, people):
    url = "/api/v1/exports/hazards.xlsx"
    headers = world["bureau"].headers
    assert (
        world.client.get(url, query_string={"enterprise_id": people["C"]}, headers=headers).status_code == 404
    )
    whole = world.client.get(url, headers=headers)
    assert whole.status_code == 200
    text = _workbook_text(whole.data)
    assert "交城县示范钢铁有限公司" in text and "文水县示范特钢有限公司" not in text
    city = _workbook_text(world.client.get(url, headers=world["bureau-lvliang"].headers).data)
    assert "交城县示范钢铁有限公司" in city and "文水县示范特钢有限公司" in city


def _workbook_text(data: bytes) -> str:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    return " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)


def put_channel(site: Site, username: str, url: str) -> dict:
    body = {"kind": "wecom", "url": url, "name": username, "active": True}
    answer = site.client.put("/api/v1/office-channels", json=body, headers=site[username].headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_office_channels_and_deliveries_are_limited_to_the_region(world, people):
    jiaocheng = put_channel(world, "bureau", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=jc")
    wenshui = put_channel(world, "bureau-wenshui", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=ws")
    assert (jiaocheng["region_code"], wenshui["region_code"]) == (JIAOCHENG, WENSHUI)
    listed = world.client.get("/api/v1/office-channels", headers=world["bureau"].headers).get_json()
    assert [c["id"] for c in listed] == [jiaocheng["id"]]
    for username in ("bureau", "bureau-wenshui"):
        sent = world[username].do(
            "notice.send", title=username, body="b", kind="warning", target={"all": True}
        )
        assert sent["status"] == "applied", sent
    rows = world.client.get("/api/v1/deliveries", headers=world["bureau"].headers).get_json()
    assert {r["target"] for r in rows} == {jiaocheng["id"]}
    city = world.client.get("/api/v1/deliveries", headers=world["bureau-lvliang"].headers).get_json()
    assert {r["target"] for r in city} == {jiaocheng["id"], wenshui["id"]}
    outside = world.client.get(
        "/api/v1/deliveries", query_string={"enterprise_id": people["C"]}, headers=world["bureau"].headers
    )
    assert outside.status_code == 404


def test_commands_on_a_neighbours_enterprise_are_refused(world, people):
    bureau = world["bureau"]
    assert bureau.do("enterprise.update", people["C"], address="x")["code"] == "not_found"
    inspection = bureau.do("inspection.start", kind="enforcement", enterprise_id=people["C"])
    assert inspection["code"] == "not_found"
    created = bureau.do(
        "user.create",
        enterprise_id=people["C"],
        username="new-c",
        display_name="新人",
        role="worker",
        password="demo12345",
    )
    assert (created["status"], created["code"]) == ("rejected", "invalid")
    user = world["bureau-wenshui"].do("user.update", people["worker-c1"], job="炉前工")
    assert user["status"] == "applied", user
    assert bureau.do("user.update", people["worker-c1"], job="x")["code"] == "not_found"


def test_register_takes_a_county_of_the_bureaus_region(world):
    bureau = world["bureau-lvliang"]
    args = {"uscc": "91110000802100433B", "name": "新企业", "industry": "textile"}
    outside = bureau.do("enterprise.register", region_code="140105", **args)  # 太原市小店区
    assert (outside["code"], set(outside["fields"])) == ("invalid", {"region_code"})
    city = bureau.do("enterprise.register", region_code=LVLIANG, **args)
    assert (city["code"], set(city["fields"])) == ("invalid", {"region_code"})
    made = bureau.do("enterprise.register", region_code="141182", **args)  # 汾阳市
    assert made["status"] == "applied", made
    assert ("enterprise_summary", made["entity_id"]) in pulled(world, "bureau-lvliang")
    assert ("enterprise_summary", made["entity_id"]) not in pulled(world, "bureau")
    assert world["bureau"].do("enterprise.register", region_code="141121", **args)["code"] == "invalid"


def test_a_bureau_moved_to_another_region_starts_its_pull_over(world, people, app):
    bureau = world["bureau"]
    cursor = world.client.get("/api/v1/sync/pull", headers=bureau.headers).get_json()["cursor"]
    again = world.client.get("/api/v1/sync/pull", query_string={"cursor": cursor}, headers=bureau.headers)
    assert again.status_code == 200
    with app.app_context():
        db.session.get(User, people["bureau"]).region_code = WENSHUI
        db.session.commit()
    moved = world.client.get("/api/v1/sync/pull", query_string={"cursor": cursor}, headers=bureau.headers)
    assert (moved.status_code, moved.get_json()["code"]) == (410, "reset_required")
    summaries = {i for (entity, i) in pulled(world, "bureau") if entity == "enterprise_summary"}
    assert summaries == {people["C"]}


def test_a_province_bureau_pulls_every_node_and_summary_of_the_province(world, people, app):
    """130 region scopes: merged from the (scope, position) index like a county's few (sync/pull.py)."""
    with app.app_context():
        db.session.get(User, people["bureau-lvliang"]).region_code = "140000"
        db.session.commit()
    changes = world["bureau-lvliang"].pull_all()
    nodes = {i for (entity, i) in changes if entity == "region"}
    assert len(nodes) == 1 + 11 + 117 and {"140000", "140100", "140105", WENSHUI, JIAOCHENG} <= nodes
    summaries = {i for (entity, i) in changes if entity == "enterprise_summary"}
    assert summaries == {people["A"], people["B"], people["C"]}
    assert records(world, "bureau-lvliang", people["C"])["records"]


def statements_while(app, action) -> list[tuple[str, object]]:
    """Run `action`; return every SQL statement the app sent meanwhile, with its parameters."""
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return sent


def test_a_province_bureau_reads_a_photo_and_acts_without_listing_its_enterprises(world, people, app):
    """Its readable scopes listed every enterprise of its region: a province's thousands, per request."""
    with app.app_context():
        seed_recipients(db.session, 300, per_enterprise=1)  # 300 more enterprises in 交城县
        db.session.get(User, people["bureau-lvliang"]).region_code = "140000"
        db.session.commit()
    province = world["bureau-lvliang"]

    def read_and_act():
        assert blob(world, "bureau-lvliang", world.photos["A"]) == 200
        assert (
            province.do("enterprise.update", people["C"], address="文水县开栅镇工业园区1号")["status"]
            == "applied"
        )

    sent = statements_while(app, read_and_act)
    assert sent
    asked = {people["A"], people["C"]}
    for statement, parameters in sent:
        values = parameters.values() if isinstance(parameters, dict) else parameters
        if "blob_refs" in statement:
            assert len(values) < 10, statement  # the photo's references, not one per readable scope
        if "FROM enterprises" in statement:
            assert asked & {str(v) for v in values}, statement  # each enterprise looked up by its id
    # And still nothing outside: the 文水 bureau is refused 交城's photo and enterprise.
    assert blob(world, "bureau-wenshui", world.photos["A"]) == 404
    assert world["bureau-wenshui"].do("enterprise.update", people["A"], address="x")["code"] == "not_found"
