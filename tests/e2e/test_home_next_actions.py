"""The officer's home on a 360×740 phone opens with 我的待办: 待指派 with the enterprise's count of reported
hazards, above the first obligation; each next action is a tappable cell that opens its record; an
obligation never fulfilled says 从未开展, never 正常."""

from __future__ import annotations

import os
import shutil

from .conftest import ROOT, pulled, sign_in_to, wait_for_local_rows


def test_officer_home_opens_with_hazards_to_assign_above_the_obligations(base_url, phone, api, tmp_path):
    officer = api("officer-a")
    reported = [h for h in pulled(officer, "hazard") if h["status"] == "reported"]
    assert reported, "the demo data has reported hazards awaiting assignment"

    page = phone().new_page()
    sign_in_to(page, base_url, "officer-a")
    wait_for_local_rows(page, "hazards", len(reported))
    group = page.locator("[data-test=next-assign]")
    group.wait_for()
    count_is = "n => document.querySelector('[data-test=next-assign]')?.dataset.count === String(n)"
    page.wait_for_function(count_is, arg=len(reported))
    assert str(len(reported)) in group.locator(".van-badge").inner_text()
    assert "待指派" in group.inner_text()

    first_obligation = page.locator("[data-test=obligations] .obligation").first
    first_obligation.wait_for()
    assert group.bounding_box()["y"] < first_obligation.bounding_box()["y"], "next actions come first"
    assert group.bounding_box()["y"] < 740, "待指派 is on the first screen"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    obligations = page.locator("[data-test=obligations] .obligation").all_inner_texts()
    never_done = [text for text in obligations if "尚无记录" in text]
    assert never_done, "the demo enterprise has obligations it never fulfilled"
    assert not [text for text in never_done if "正常" in text], "never done is never 正常"
    assert any("从未开展" in text for text in never_done), never_done

    page.wait_for_selector(".van-notify", state="hidden")  # "已可离线使用" covers the header for a moment
    shot = tmp_path / "screenshot-home.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOT"):
        shutil.copy(shot, ROOT / "docs" / "screenshot-home.png")

    rows = group.locator(".row")
    for row in rows.all():
        box = row.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box
    newest = max(reported, key=lambda h: h["captured_at"])
    assert rows.first.get_attribute("data-id") == newest["id"], "the newest report first"
    rows.first.click()
    page.wait_for_function("id => location.hash === `#/hazards/${id}`", arg=newest["id"])
