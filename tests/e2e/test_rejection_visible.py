"""Every outcome visible where the person looks, at 360×740: a rejected report stays on its record with the
server's reason, the header counts it, the sync page never says 全部同步; the frame's tabs, badge, banner."""

from __future__ import annotations

import re
import time

from .test_hazard_offline import server_hazard, sign_in, wait_for_service_worker

SYNCED = 30_000
LATIN = re.compile(r"[A-Za-z]")

# Replace one queued command's description in the phone's outbox, as a crafted client would send it.
SEED_OUTBOX = """async ([entityId, description]) => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('safety-ledger');
    r.onsuccess = () => ok(r.result);
    r.onerror = fail;
  });
  try {
    return await new Promise((ok, fail) => {
      const tx = db.transaction('outbox', 'readwrite');
      const store = tx.objectStore('outbox');
      const all = store.getAll();
      all.onsuccess = () => {
        const cmd = all.result.find((c) => c.entity_id === entityId && c.type === 'hazard.report');
        if (!cmd) return ok(false);
        cmd.args.description = description;
        store.put(cmd);
        tx.oncomplete = () => ok(true);
      };
      tx.onerror = fail;
    });
  } finally { db.close(); }
}"""

OUTBOX_DESCRIPTIONS = """async () => {
  const db = await new Promise((ok) => {
    const r = indexedDB.open('safety-ledger');
    r.onsuccess = () => ok(r.result);
  });
  try {
    return await new Promise((ok) => {
      const q = db.transaction('outbox').objectStore('outbox').getAll();
      const reports = (rows) => rows.filter((c) => c.type === 'hazard.report');
      q.onsuccess = () => ok(reports(q.result).map((c) => c.args.description.length));
    });
  } finally { db.close(); }
}"""

SET_REAUTH = """async () => {
  const db = await new Promise((ok) => {
    const r = indexedDB.open('safety-ledger');
    r.onsuccess = () => ok(r.result);
  });
  try {
    await new Promise((ok, fail) => {
      const tx = db.transaction('meta', 'readwrite');
      const store = tx.objectStore('meta');
      const q = store.get('session');
      q.onsuccess = () => store.put({ ...q.result, value: { ...q.result.value, reauth_required: true } });
      tx.oncomplete = ok;
      tx.onerror = fail;
    });
  } finally { db.close(); }
}"""


# The fixed nav bar has moved below the banner (the banner's height is measured once it has rendered).
BELOW_BANNER = """() => {
  const banner = document.querySelector('[data-test=reauth-banner]');
  const nav = document.querySelector('.van-nav-bar--fixed');
  return banner && nav && nav.getBoundingClientRect().top >= banner.getBoundingClientRect().bottom - 1;
}"""


def report_offline(page, title: str) -> str:
    """Fill and submit the report form with a short description; return the new hazard's id."""
    page.click("[data-test=tab-report]")
    page.fill("input[name=title]", title)
    page.fill("input[name=location]", "炼钢车间 3号平台")
    page.fill("textarea[name=description]", "平台护栏松动")
    page.click("[data-test=submit]")
    page.wait_for_selector("[data-test=hazard-detail][data-pending='1']")
    return page.url.rsplit("/", 1)[-1]


def test_a_rejected_report_stays_on_its_record_with_the_chinese_reason(base_url, phone, api):
    device = phone()
    page = device.new_page()
    sign_in(page, base_url, "worker-a1")
    wait_for_service_worker(page)

    device.set_offline(True)
    title = f"被退回的上报-{int(time.time())}"
    hazard_id = report_offline(page, title)
    # The form now stops a long description, so the outbox is seeded as a crafted client would send it.
    assert page.evaluate(SEED_OUTBOX, [hazard_id, "很长的描述" * 20_000]) is True

    device.set_offline(False)
    page.wait_for_selector("[data-test=hazard-detail][data-rejected='1']", timeout=SYNCED)
    assert "找不到" not in page.inner_text("body")
    notice = page.inner_text("[data-test=rejected-notice]")
    assert "未通过" in notice and title in page.inner_text("[data-test=hazard-detail]")
    [field_line] = page.locator("[data-test=rejection-field]").all_inner_texts()
    assert field_line.startswith("隐患描述：") and "5000" in field_line
    assert not LATIN.search(notice), f"English reached the person: {notice!r}"
    assert page.locator("[data-action]").count() == 0, "no workflow action on a record the server never had"
    assert server_hazard(api("worker-a1"), hazard_id) is None, "the rejection changed nothing on the server"

    badge = page.locator("[data-test=sync-badge]")
    page.goto(base_url + "/#/hazards")
    card = page.locator(f".hazard-card[data-hazard-id='{hazard_id}']")
    card.wait_for()
    assert card.get_attribute("data-rejected") == "1"
    assert "未通过" in card.inner_text()
    badge.wait_for()
    assert badge.get_attribute("data-rejected") == "1"
    assert badge.get_attribute("data-pending") == "0"
    assert "1 条未通过" in badge.get_attribute("aria-label")
    box = badge.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box

    badge.click()
    page.wait_for_selector("[data-test=sync-status]")
    summary = page.inner_text("[data-test=pending-count]")
    assert "全部同步" not in summary and "1 条未通过" in summary
    assert title in page.inner_text("[data-test=rejected-list]")

    # 立即同步 with no network says so at once.
    device.set_offline(True)
    page.click("[data-test=sync-now]")
    page.wait_for_selector(".van-toast:has-text('当前离线，联网后自动同步')")
    device.set_offline(False)

    # Discarded from the detail page: gone from the list, nothing counted, and only then 已全部同步.
    page.goto(f"{base_url}/#/hazards/{hazard_id}")
    page.click("[data-test=rejection-discard]")
    page.click(".van-dialog__confirm")
    page.wait_for_selector("[data-test=hazard-list]")
    assert page.locator(f".hazard-card[data-hazard-id='{hazard_id}']").count() == 0
    page.wait_for_selector("[data-test=sync-badge][data-rejected='0']")
    page.goto(base_url + "/#/sync")
    page.wait_for_selector("[data-test=pending-count][data-rejected='0']")
    assert "已全部同步" in page.inner_text("[data-test=pending-count]")


def test_the_report_form_stops_a_too_long_description_before_sending(base_url, phone):
    device = phone()
    page = device.new_page()
    sign_in(page, base_url, "worker-a1")
    wait_for_service_worker(page)
    device.set_offline(True)
    page.click("[data-test=tab-report]")
    page.fill("input[name=title]", "超长描述")
    page.fill("input[name=location]", "炼钢车间")
    page.fill("textarea[name=description]", "长" * 5001)
    # The published limit is on the field: the counter stops at it.
    page.wait_for_selector(".van-field__word-limit:has-text('5000/5000')")
    page.click("[data-test=submit]")
    page.wait_for_selector("[data-test=hazard-detail][data-pending='1']")
    # Queued at the server's limit, never past it: the push cannot be refused for its length.
    assert page.evaluate(OUTBOX_DESCRIPTIONS) == [5000]


def test_an_empty_sign_in_names_the_missing_field_before_sending(base_url, phone):
    page = phone().new_page()
    sent = []
    page.on("request", lambda request: "/auth/login" in request.url and sent.append(request.url))
    page.goto(base_url + "/#/login")
    page.click("[data-test=login-submit]")
    page.wait_for_selector(".van-field__error-message:has-text('请填写用户名')")
    page.fill("input[name=username]", "worker-a1")
    page.click("[data-test=login-submit]")
    page.wait_for_selector(".van-field__error-message:has-text('请填写密码')")
    assert sent == [], "nothing is sent while a field is missing"


def test_five_tabs_at_most_with_the_report_action_in_the_centre(base_url, phone):
    page = phone().new_page()
    sign_in(page, base_url, "worker-a1")
    tabs = page.locator("[data-test=tabbar] .van-tabbar-item")
    names = [text.strip() for text in tabs.all_inner_texts()]
    assert len(names) <= 5 and "同步" not in names, names
    assert names[len(names) // 2] == "随手拍", names
    for index in range(tabs.count()):
        box = tabs.nth(index).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (names[index], box)
    # Every tab screen carries the sync status in its header.
    for tab in ("tab-home", "tab-hazards", "tab-report", "tab-inbox", "tab-me"):
        page.click(f"[data-test={tab}]")
        page.wait_for_selector(".van-nav-bar [data-test=sync-badge]")
    # The sync page stays reachable from 我的.
    page.click("[data-test=tab-me]")
    page.click("[data-test=me-sync]")
    page.wait_for_selector("[data-test=sync-status]")


def test_the_bureau_has_its_own_tabs_without_the_report_action(base_url, phone):
    page = phone().new_page()
    page.goto(base_url + "/")
    page.fill("input[name=username]", "bureau")
    page.fill("input[name=password]", "demo1234")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-test=tabbar]")
    names = [text.strip() for text in page.locator("[data-test=tabbar] .van-tabbar-item").all_inner_texts()]
    assert len(names) <= 5 and "随手拍" not in names and "同步" not in names, names


def test_the_expired_session_banner_shows_above_the_nav_bar(base_url, phone):
    page = phone().new_page()
    sign_in(page, base_url, "worker-a1")
    page.evaluate(SET_REAUTH)
    page.reload()
    banner = page.locator("[data-test=reauth-banner]")
    banner.wait_for()
    page.wait_for_function(BELOW_BANNER)
    nav = page.locator(".van-nav-bar--fixed").first
    banner_box, nav_box = banner.bounding_box(), nav.bounding_box()
    assert banner_box["height"] >= 44
    assert nav_box["y"] >= banner_box["y"] + banner_box["height"] - 1, (banner_box, nav_box)
    x, y = banner_box["x"] + banner_box["width"] / 2, banner_box["y"] + banner_box["height"] / 2
    covered = page.evaluate(
        "([x, y]) => !!document.elementFromPoint(x, y).closest('[data-test=reauth-banner]')", [x, y]
    )
    assert covered, "the banner is on top, not under the nav bar"
    banner.click()
    page.wait_for_selector("[data-test=login-submit]")


def test_a_rejected_report_is_fixed_and_sent_again_as_a_new_report(base_url, phone, api):
    device = phone()
    page = device.new_page()
    sign_in(page, base_url, "worker-a1")
    wait_for_service_worker(page)
    device.set_offline(True)
    title = f"改后重报-{int(time.time())}"
    refused_id = report_offline(page, title)
    assert page.evaluate(SEED_OUTBOX, [refused_id, "很长的描述" * 20_000]) is True
    device.set_offline(False)
    page.wait_for_selector("[data-test=hazard-detail][data-rejected='1']", timeout=SYNCED)

    page.click("[data-test=rejection-fix]")
    page.wait_for_selector("[data-test=submit]")
    assert page.input_value("input[name=title]") == title, "the form is filled from the refused report"
    assert len(page.input_value("textarea[name=description]")) <= 5000, "held to the server's limit"
    page.click("[data-test=submit]")
    page.wait_for_selector("[data-test=hazard-detail][data-pending='0'][data-rejected='0']", timeout=SYNCED)
    new_id = page.url.rsplit("/", 1)[-1]
    assert new_id != refused_id
    on_server = server_hazard(api("worker-a1"), new_id)
    assert on_server["title"] == title and len(on_server["description"]) == 5000
    assert server_hazard(api("worker-a1"), refused_id) is None
    # Sent again, the refused one is settled: nothing left to count, nor in the list.
    page.goto(base_url + "/#/hazards")
    page.wait_for_selector("[data-test=sync-badge][data-rejected='0']")
    page.wait_for_selector(f".hazard-card[data-hazard-id='{new_id}']")
    assert page.locator(f".hazard-card[data-hazard-id='{refused_id}']").count() == 0
