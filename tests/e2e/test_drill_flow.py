"""A drill run entirely offline on the officer's phone — planned, started, roll call by tick and by scanning a
worker's badge QR (photo fallback), ended, evaluated — then synced: the server holds the evaluated drill."""

from __future__ import annotations

import time

from .conftest import (
    confirm_dialog,
    live_flask,
    pulled,
    sign_in_to,
    wait_for_local_rows,
    wait_for_server_entity,
)

SYNCED = 40_000


def drill_detail(status: str, pending: int | None = None) -> str:
    """Selector of the drill screen in `status` (with `pending` unsent commands when given)."""
    return f"[data-test=drill-detail][data-status={status}]" + (
        f"[data-pending='{pending}']" if pending is not None else ""
    )


def badge_png(phone, base: str, username: str) -> tuple[bytes, str]:
    """The person's badge QR as shown by the PWA on their own phone: (PNG screenshot, QR text)."""
    page = phone().new_page()
    sign_in_to(page, base, username)
    page.goto(base + "/#/badge")
    image = page.wait_for_selector("[data-test=badge-qr] img[data-test=qr-code]", timeout=SYNCED)
    page.wait_for_selector(".van-toast", state="hidden")
    return page.locator("[data-test=badge-qr]").screenshot(), image.get_attribute("data-text")


def test_drill_planned_run_and_evaluated_offline_then_synced(base_url, phone, api):
    worker_a1 = api("worker-a1")
    worker_a2 = api("worker-a2")
    officer_api = api("officer-a")
    if not pulled(worker_a1, "badge"):
        live_flask("cadence", "tick")  # the daily recompute makes badges for people seeded without one
    [badge] = pulled(worker_a1, "badge")
    png, shown = badge_png(phone, base_url, "worker-a1")
    assert shown == badge["qr"]

    officer_phone = phone()
    page = officer_phone.new_page()
    sign_in_to(page, base_url, "officer-a")
    wait_for_local_rows(page, "users", 5)

    officer_phone.set_offline(True)
    page.goto(base_url + "/#/drills/new")
    scenario = f"炼钢车间钢包泄漏疏散-{int(time.time())}"
    page.fill("[data-test=drill-scenario] textarea", scenario)
    page.click("[data-test=submit]")
    page.wait_for_selector(drill_detail("planned", 1))
    drill_id = page.url.rsplit("/", 1)[-1]

    page.click("[data-test=drill-start]")
    confirm_dialog(page)
    page.wait_for_selector(drill_detail("running", 2))
    page.wait_for_selector("[data-test=drill-timer]")

    w1, w2 = worker_a1.user["id"], worker_a2.user["id"]
    page.click(f"[data-test=tick-{w2}]")
    page.wait_for_selector(f"[data-test=person-{w2}][data-present=true]")
    page.set_input_files(
        "[data-test=qr-photo-input]", {"name": "badge.png", "mimeType": "image/png", "buffer": png}
    )
    page.wait_for_selector(f"[data-test=person-{w1}][data-present=true]")
    assert page.inner_text("[data-test=present-count]") == "2"

    page.click("[data-test=drill-end]")
    confirm_dialog(page)
    page.wait_for_selector(drill_detail("ended", 5))
    assert page.inner_text("[data-test=missing]").strip()

    page.fill("[data-test=eval-problems] textarea", "二号通道指示灯不亮，集合用时偏长")
    page.fill("[data-test=eval-improvements] textarea", "更换应急指示灯，每季度检查一次")
    page.click("[data-test=drill-evaluate]")
    page.wait_for_selector(drill_detail("evaluated", 6))
    assert not [c for c in officer_api.pull_all() if c["id"] == drill_id], (
        "nothing reached the server while offline"
    )

    officer_phone.set_offline(False)
    page.wait_for_selector(drill_detail("evaluated", 0), timeout=SYNCED)
    drill = wait_for_server_entity(officer_api, "drill", drill_id, lambda d: d["status"] == "evaluated")
    assert drill["scenario"] == scenario and drill["type"] == "evacuation"
    methods = {p["user_id"]: p["method"] for p in drill["participants"]}
    assert methods == {w2: "tick", w1: "qr"}
    assert officer_api.user["id"] in drill["missing_ids"]
    assert w1 not in drill["missing_ids"] and w2 not in drill["missing_ids"]
    assert drill["evacuation_seconds"] is not None and drill["evacuation_seconds"] >= 0
    assert drill["evaluation"]["problems"].startswith("二号通道")
    assert [h["type"] for h in drill["history"]] == [
        "drill.plan",
        "drill.start",
        "drill.check_in",
        "drill.check_in",
        "drill.end",
        "drill.evaluate",
    ]
