"""举一反三 in Chromium: a bureau notice with a self-check due date gives enterprise A a self_check task; the
officer sees it on home, starts the self-check inspection from it offline, passes every item, finishes, and
once back online the server marks the task done with the inspection's id."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..protocol.client import now_rfc3339, uuid7
from .conftest import pulled, sign_in_to, wait_for_server_entity
from .test_inspection_flow import HAS_CHECKLIST, answer, detail
from .test_lockout_flow import SYNCED, reopen_until


def notice_command(notice_id: str, title: str, due: str) -> dict:
    """A bureau `notice.send` to every enterprise, asking for a self-check by `due`."""
    return {
        "seq": 1,
        "id": uuid7(),
        "type": "notice.send",
        "entity_id": notice_id,
        "captured_at": now_rfc3339(),
        "args": {
            "title": title,
            "body": "某企业煤气管道检修未盲板隔断，造成 1 人中毒。请举一反三开展自查。",
            "kind": "accident",
            "target": {"all": True},
            "self_check_due": due,
        },
    }


def send_self_check_notice(bureau, title: str, due: str) -> str:
    """The bureau pushes the notice; return its id."""
    notice_id = uuid7()
    answer_ = bureau.call(
        "POST",
        "/api/v1/sync/push",
        {"client_id": uuid7(), "sent_at": now_rfc3339(), "commands": [notice_command(notice_id, title, due)]},
    )
    [outcome] = answer_["outcomes"]
    assert outcome.get("status") == "applied", outcome
    return notice_id


def test_self_check_task_answered_by_an_offline_inspection(base_url, phone, api):
    officer_api = api("officer-a")
    enterprise_id = officer_api.user["enterprise_id"]
    due = (datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=7)).isoformat()
    title = f"关于举一反三开展煤气安全自查的通知 {uuid7()[-6:]}"
    notice_id = send_self_check_notice(api("bureau"), title, due)

    # The notice's fan-out job writes the task right after the push commits: wait for it.
    task_id = str(uuid.uuid5(uuid.UUID(notice_id), enterprise_id))
    task = wait_for_server_entity(officer_api, "self_check", task_id, lambda _: True)
    assert [t["id"] for t in pulled(officer_api, "self_check") if t["notice_id"] == notice_id] == [task_id]
    assert task["enterprise_id"] == enterprise_id and task["status"] == "open"
    assert task["due_on"] == due and task["inspection_id"] is None
    cell = f"[data-test=self-checks] [data-self-check-id='{task_id}']"

    officer_phone = phone()
    page = officer_phone.new_page()
    sign_in_to(page, base_url, "officer-a")
    page.wait_for_function(HAS_CHECKLIST, arg=enterprise_id, timeout=SYNCED)
    reopen_until(page, base_url + "/#/", cell)
    assert task["title"] in page.inner_text(cell)
    assert due in page.inner_text(cell)
    assert page.locator(f"{cell} [data-test=self-check-overdue]").count() == 0

    page.click(cell)
    page.wait_for_selector(f"[data-test=self-check-task][data-self-check-id='{task_id}']")
    assert task["title"] in page.inner_text("[data-test=self-check-task]")
    assert page.locator("[data-test=kind-self_check][aria-checked=true]").count() == 1

    officer_phone.set_offline(True)
    page.fill("input[name=location]", "煤气柜区域")
    page.click("[data-test=submit]")
    page.wait_for_selector(detail("in_progress", 1))
    inspection_id = page.url.rsplit("/", 1)[-1]

    item_ids = page.locator("[data-test=items] .item").evaluate_all("els => els.map((e) => e.dataset.itemId)")
    assert len(item_ids) > 2, "the pulled checklist is copied into the inspection offline"
    for item_id in item_ids:
        answer(page, f".item[data-item-id='{item_id}']", "pass")
    page.fill("textarea[name=summary]", "举一反三自查煤气区域，未发现隐患")
    page.click("[data-action=finish]")
    page.wait_for_selector(detail("finished", len(item_ids) + 2))

    officer_phone.set_offline(False)
    page.wait_for_selector(detail("finished", 0), timeout=SYNCED)

    wait_for_server_entity(officer_api, "self_check", task_id, lambda d: d["status"] == "done")
    [done] = [t for t in pulled(officer_api, "self_check") if t["id"] == task_id]
    assert done["status"] == "done" and done["inspection_id"] == inspection_id
    inspection = wait_for_server_entity(
        officer_api, "inspection", inspection_id, lambda d: d["status"] == "finished"
    )
    assert inspection["kind"] == "self_check" and inspection.get("self_check_id") == task_id
    assert all(i["result"] == "pass" for i in inspection["items"])

    # Once the server's done version is pulled, home no longer lists the task.
    page.goto(base_url + "/#/")
    page.reload()
    page.wait_for_selector("[data-test=home]")
    page.wait_for_selector(cell, state="detached", timeout=SYNCED)
