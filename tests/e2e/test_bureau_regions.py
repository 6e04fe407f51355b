"""Bureaus by region on a 360 px phone: a county bureau sees its county only; a city bureau sees its counties
as summary cards, then their enterprises, reads an enterprise's hazards online and still has what it opened
offline; the phone pulls summaries, never the enterprises' records (issue 11, part 3)."""

from __future__ import annotations

from .conftest import pulled, sign_in_to, wait_for_local_rows

# The bureau's IndexedDB after its sync: how many rows each table holds (absent tables count 0).
TABLE_ROWS = """async (tables) => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('safety-ledger');
    r.onsuccess = () => ok(r.result);
    r.onerror = fail;
  });
  const count = (table) => new Promise((ok) => {
    if (!db.objectStoreNames.contains(table)) return ok(0);
    const q = db.transaction(table).objectStore(table).count();
    q.onsuccess = () => ok(q.result);
    q.onerror = () => ok(-1);
  });
  const counts = {};
  for (const t of tables) counts[t] = await count(t);
  const entities = await new Promise((ok) => {
    const q = db.transaction('entities').objectStore('entities').getAll();
    q.onsuccess = () => ok([...new Set(q.result.map((r) => r.entity))].sort());
  });
  db.close();
  return { counts, entities };
}"""
RECORD_TYPES = ["hazard", "drill", "training_session", "inspection", "lockout", "equipment", "due"]
TITLE = "[data-test=bureau-header] .van-nav-bar__title"


def local_rows(page) -> dict:
    """Row counts of the record tables and the entity types of the generic table, on this phone."""
    return page.evaluate(TABLE_ROWS, ["hazards", "enterprises", "summaries", "regions", "users"])


def summary_ids(api, username: str) -> dict[str, str]:
    """The enterprises a bureau pulls summaries of, name → id."""
    return {s["name"]: s["id"] for s in pulled(api(username), "enterprise_summary")}


def test_a_county_bureau_sees_its_county_only_and_pulls_summaries_not_records(base_url, phone, api):
    mine, neighbour = summary_ids(api, "bureau"), summary_ids(api, "bureau-wenshui")
    assert mine and neighbour and not set(mine) & set(neighbour), (mine, neighbour)
    page = phone().new_page()
    sign_in_to(page, base_url, "bureau")
    wait_for_local_rows(page, "summaries", len(mine))
    page.wait_for_selector("[data-test=bureau-cards] .ent-card")
    assert page.inner_text(TITLE) == "交城县应急管理局 · 交城县"
    assert page.locator("[data-test=region-cards]").count() == 0, "a county has no lower regions"
    shown = page.locator("[data-test=bureau-cards] .ent-card .ent-name").all_inner_texts()
    assert sorted(shown) == sorted(mine)
    assert "文水" not in page.inner_text("body")

    rows = local_rows(page)
    assert rows["counts"]["hazards"] == 0 and rows["counts"]["enterprises"] == 0, rows
    assert not set(rows["entities"]) & set(RECORD_TYPES), rows
    assert rows["counts"]["summaries"] == len(mine) and rows["counts"]["regions"] >= 1, rows

    # A neighbour's enterprise is not on the phone, and the server answers its records as unknown.
    other = next(iter(neighbour.values()))
    page.goto(f"{base_url}/#/bureau/{other}")
    page.wait_for_selector("[data-test=not-in-region]:has-text('该企业不在本辖区')")
    page.goto(f"{base_url}/#/bureau/{other}/records/hazard/{other}")
    page.wait_for_selector("[data-test=bureau-record] [data-test=online-empty]:has-text('该企业不在本辖区')")
    assert "文水" not in page.inner_text("body")

    # Its notices go to the enterprises of its region only.
    page.goto(f"{base_url}/#/notices/new")
    page.wait_for_selector(f"[data-test=notice-reach][data-reach='{len(mine)}']")

    # An enforcement check reads the enterprise's checklist online: it is not pulled either.
    steel = next(i for n, i in mine.items() if "钢铁" in n)
    page.goto(f"{base_url}/#/inspections/new?enterprise={steel}")
    items = page.locator("[data-test=checklist-items] .van-cell__value")
    items.wait_for()
    assert int(items.inner_text()) > 0
    assert local_rows(page)["entities"] == rows["entities"], "nothing pulled for it"


def test_a_city_bureau_drills_down_reads_a_hazard_online_and_keeps_it_offline(base_url, phone, api):
    counties = {"交城县": summary_ids(api, "bureau"), "文水县": summary_ids(api, "bureau-wenshui")}
    device = phone()
    page = device.new_page()
    sign_in_to(page, base_url, "bureau-lvliang")
    wait_for_local_rows(page, "summaries", sum(len(c) for c in counties.values()))
    page.wait_for_selector("[data-test=region-cards] .region-card")
    assert page.inner_text(TITLE) == "吕梁市应急管理局 · 吕梁市"
    # Two counties have enterprises; the city's other counties share one line.
    cards = page.locator("[data-test=region-cards] .region-card[data-region]")
    assert cards.count() == 2
    assert "尚无登记企业" in page.inner_text("[data-test=empty-regions]")
    for name, enterprises in counties.items():
        card = page.locator(f"[data-test=region-cards] .region-card:has-text('{name}')")
        assert card.get_attribute("data-enterprises") == str(len(enterprises))
        assert card.bounding_box()["height"] >= 44
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360

    # A county card opens that county's enterprises; back, the other county's.
    for name in ("文水县", "交城县"):
        page.click(f"[data-test=region-cards] .region-card:has-text('{name}') .region-head")
        page.wait_for_selector("[data-test=bureau-cards] .ent-card")
        assert page.inner_text(TITLE) == f"吕梁市应急管理局 · {name}"
        shown = page.locator("[data-test=bureau-cards] .ent-card .ent-name").all_inner_texts()
        assert sorted(shown) == sorted(counties[name])
        if name == "文水县":
            page.click("[data-test=bureau-header] .van-nav-bar__left")
            page.wait_for_selector("[data-test=region-cards]")

    # An enterprise of 交城县: its hazards are read online, a page of them, and one opens read-only.
    enterprise = next(i for n, i in counties["交城县"].items() if "钢铁" in n)
    page.click(f"[data-test=bureau-cards] .ent-card[data-enterprise-id='{enterprise}'] .ent-head")
    page.wait_for_selector("[data-test=online-list-hazard][data-source=online] .hazard-card")
    hazard = page.locator("[data-test=online-list-hazard] .hazard-card").first
    title = hazard.locator(".title").inner_text()
    hazard.click()
    page.wait_for_selector("[data-test=bureau-record][data-source=online] [data-test=record-hazard]")
    assert title in page.inner_text("[data-test=record-hazard]")
    assert page.evaluate(TABLE_ROWS, ["hazards"])["counts"]["hazards"] == 0, "read online, never pulled"

    # Offline: the hazard opened stays readable, with the notice and the time it was read.
    device.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-test=bureau-record][data-source=saved] [data-test=record-hazard]")
    notice = page.inner_text("[data-test=online-notice]")
    assert notice.startswith("离线：显示上次联网时查看的内容") and "（" in notice, notice
    assert title in page.inner_text("[data-test=record-hazard]")
    # So does the list it was opened from; a list never opened says it needs the network.
    page.goto(f"{base_url}/#/bureau/{enterprise}")
    page.wait_for_selector("[data-test=online-list-hazard][data-source=saved] .hazard-card")
    assert page.locator("[data-test=online-list-hazard] [data-test=online-notice]").is_visible()
    page.click(".van-tab:has-text('挂牌上锁')")
    empty = page.locator("[data-test=online-list-lockout] [data-test=online-empty]")
    empty.wait_for()
    assert "联网后可查看" in empty.inner_text()
    device.set_offline(False)
