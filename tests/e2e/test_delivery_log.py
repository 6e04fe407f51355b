"""The delivery log in Chromium: an officer sees a notice's push delivery and status; offline, a notice."""

from __future__ import annotations

from .conftest import live_flask, pulled, sign_in_to
from .test_notifications import fake_subscription, send_notice, wait_until


def test_officer_sees_the_push_delivery_of_a_notice_and_the_log_needs_a_connection(base_url, phone, api):
    officer = api("officer-a")
    # A device whose push service refuses the message (this server answers the POST with 405).
    officer.call("POST", "/api/v1/push/subscriptions", fake_subscription(base_url))
    notice_id = send_notice(api("bureau"), "关于冬季煤气设施安全检查的通知")
    # The fan-out job queues the push with the officer's inbox entry, in one commit: wait for it.
    wait_until(
        lambda: [n for n in pulled(officer, "notification") if n.get("notice_id") == notice_id],
        what="the fan-out to officer-a",
    )
    live_flask("notify", "deliver")

    context = phone()
    page = context.new_page()
    sign_in_to(page, base_url, "officer-a")
    page.goto(base_url + "/#/settings/notifications")
    page.click("[data-test=deliveries-link]")
    rows = page.locator("[data-test=deliveries] .van-cell")
    rows.filter(has_text="关于冬季煤气设施安全检查的通知").first.wait_for()
    row = rows.filter(has_text="关于冬季煤气设施安全检查的通知").first
    assert "webpush" in row.inner_text()
    assert "失败" in row.inner_text() and "405" in row.inner_text()

    context.set_offline(True)
    page.reload()
    page.locator("[data-test=deliveries-offline]").wait_for()
