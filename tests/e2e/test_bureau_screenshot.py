"""The bureau's desktop overview: obligations from the pulled `due` entities, drill-down, exports online."""

from __future__ import annotations

import os
import shutil
import time

from .conftest import ROOT, follow_test_clock

DESKTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}


def test_bureau_overview_drills_down_and_exports_only_online(base_url, browser, tmp_path):
    context = browser.new_context(**DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    follow_test_clock(context)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        page.goto(base_url + "/")
        page.fill("input[name=username]", "bureau")
        page.fill("input[name=password]", "demo1234")
        page.click("button[type=submit]")
        page.wait_for_selector("[data-test=bureau-matrix] tbody tr")
        page.wait_for_selector(
            "[data-test=bureau-matrix] td.cell[data-rag=green], "
            "[data-test=bureau-matrix] td.cell[data-rag=red]",
            timeout=30_000,
        )
        rows = page.locator("[data-test=bureau-matrix] tbody tr")
        assert rows.count() >= 2, "enterprises A and B"
        headers = page.locator("[data-test=bureau-matrix] thead th").all_inner_texts()
        assert any("演练" in h for h in headers), headers
        page.wait_for_selector(".van-notify", state="hidden")
        time.sleep(0.5)
        shot = tmp_path / "screenshot-bureau.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        if os.environ.get("UPDATE_SCREENSHOT"):
            shutil.copy(shot, ROOT / "docs" / "screenshot-bureau.png")

        # A cell opens the enterprise with the records behind that obligation.
        page.locator("[data-test=bureau-matrix] td.cell[data-key=evacuation_drill]").first.click()
        page.wait_for_selector("[data-test=bureau-enterprise]")
        assert "obligation=evacuation_drill" in page.url
        page.wait_for_selector(".van-tab--active:has-text('演练')")

        # Excel ledgers need the network: disabled offline, downloaded online.
        context.set_offline(True)
        page.wait_for_selector("[data-test=export-offline]")
        assert page.locator("[data-ledger=hazards]").is_disabled()
        context.set_offline(False)
        page.wait_for_selector("[data-test=export-offline]", state="hidden")
        with page.expect_download() as download:
            page.click("[data-ledger=hazards]")
        saved = tmp_path / "hazards.xlsx"
        download.value.save_as(saved)
        assert saved.read_bytes()[:2] == b"PK", "an .xlsx is a zip file"
    finally:
        context.close()
