"""The report form at 360×740: a gallery photo, 类别 and 判定标准条款 picked, the limits (issue 10)."""

from __future__ import annotations

import time

from .conftest import make_png, sign_in_to, wait_for_local_rows, wait_for_server_entity
from .test_inspection_flow import HAS_CHECKLIST
from .test_tap_counts import shot

SYNCED = 30_000
IDS = "els => els.map((e) => e.dataset.criterion)"
OUTBOX_SIZE = """async () => {
  const db = await new Promise((ok) => {
    const r = indexedDB.open('safety-ledger');
    r.onsuccess = () => ok(r.result);
  });
  try {
    return await new Promise((ok) => {
      const q = db.transaction('outbox').objectStore('outbox').count();
      q.onsuccess = () => ok(q.result);
    });
  } finally { db.close(); }
}"""


def test_report_picks_category_and_a_searched_criterion_of_the_enterprises_checklist(base_url, phone, api):
    worker = api("worker-a1")
    page = phone().new_page()
    sign_in_to(page, base_url, "worker-a1")
    wait_for_local_rows(page, "users", 2)
    page.wait_for_function(HAS_CHECKLIST, arg=worker.user["enterprise_id"], timeout=SYNCED)
    page.click("[data-test=tab-report]")

    # The published limits reach the fields: the title takes what the server takes (200), no more.
    page.fill("input[name=title]", "长" * 201)
    assert page.input_value("input[name=title]") == "长" * 200
    assert "0/5000" in page.inner_text("form")
    # Photo first, from the gallery: that input lets the phone offer its gallery (no capture attribute).
    first_field = page.locator("form .van-cell-group").first
    assert first_field.locator("[data-test=photo-gallery]").count() == 1
    gallery = page.locator("[data-test=photo-input]")
    assert gallery.get_attribute("capture") is None and gallery.get_attribute("accept") == "image/*"
    gallery.set_input_files(
        [{"name": "g.png", "mimeType": "image/png", "buffer": make_png(320, 240, (20, 120, 60))}]
    )
    page.wait_for_selector(".photo-picker .photo-thumb")
    title = f"煤气报警器失灵-{int(time.time() * 1000)}"
    page.fill("input[name=title]", title)
    page.fill("input[name=location]", "煤气柜区域")

    page.click("[data-test=pick-category]")
    page.click(".van-action-sheet__item:has-text('监测报警')")
    assert page.input_value("input[name=category]") == "监测报警"

    page.click("[data-test=pick-criterion]")
    picker = "[data-test=criterion-picker]"
    page.wait_for_selector(f"{picker} [data-criterion='4.1']")
    page.fill(f"{picker} input[name=criterion_search]", "煤气")
    page.wait_for_selector(f"{picker} [data-criterion='4.1']", state="detached")
    shown = page.locator(f"{picker} [data-criterion]").evaluate_all(
        "els => els.map((e) => e.dataset.criterion)"
    )
    assert shown and all(page.inner_text(f"{picker} [data-criterion='{c}']").count("煤气") for c in shown)
    # 4.8 was read in one published copy only: it keeps its 待核实 tag in the picker and once chosen.
    assert "4.8" in shown and "待核实" in page.inner_text(f"{picker} [data-criterion='4.8']")
    shot(page, "criterion-picker")
    page.click(f"{picker} [data-criterion='4.8']")
    page.wait_for_selector("[data-test=criterion-unverified]")
    # A major criterion makes the report major (the reporter may set it back).
    assert page.locator("[data-test=severity-major][aria-checked=true]").count() == 1

    shot(page, "report-filled")
    page.click("[data-test=submit]")
    page.wait_for_selector("[data-test=hazard-detail]")
    hazard_id = page.url.rsplit("/", 1)[-1]
    hazard = wait_for_server_entity(
        api("officer-a"), "hazard", hazard_id, lambda h: h["status"] == "reported"
    )
    assert (hazard["title"], hazard["category"], hazard["criterion"]) == (title, "监测报警", "4.8")
    assert hazard["severity"] == "major" and len(hazard["photos"]) == 1


def test_an_empty_required_field_is_named_and_nothing_is_queued(base_url, phone):
    page = phone().new_page()
    sign_in_to(page, base_url, "worker-a2")
    page.click("[data-test=tab-report]")
    page.fill("input[name=title]", "只有名称")
    page.click("[data-test=submit]")
    page.wait_for_selector(".van-field__error-message:has-text('请填写位置/区域')")
    assert "/hazards/new" in page.url
    assert page.evaluate(OUTBOX_SIZE) == 0
