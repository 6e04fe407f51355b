"""Taps counted on a 360×740 phone: a report with a photo, an assignment, a 12-item inspection (issue 10).

Every tap or click the test makes goes through Taps, which counts it; typing is not a tap, and the date
picker's taps are counted apart ("≤ 4 taps plus the date"). Each test also checks the server got the record.
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path

from backend.rules.uscc import check_character

from ..protocol.client import now_rfc3339, uuid7
from .conftest import make_png, sign_in_to, wait_for_server_entity
from .test_inspection_flow import HAS_CHECKLIST

SYNCED = 30_000
# The phone's own today, as the assign form counts the offered deadline from it.
TODAY_IN_SHANGHAI = "() => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())"


class Taps:
    """A page whose taps are counted: `tap` for the task's own taps, `date_tap` for the date picker's."""

    def __init__(self, page, name: str):
        self.page, self.name = page, name
        self.count = 0
        self.dates = 0
        self.log: list[str] = []

    def tap(self, selector: str) -> None:
        """Tap (click) one element and count it."""
        self.page.click(selector)
        self.count += 1
        self.log.append(selector)

    def date_tap(self, target) -> None:
        """Tap inside the date picker (a selector or a locator): counted apart from the task's taps."""
        (self.page.locator(target) if isinstance(target, str) else target).click()
        self.dates += 1

    def photo(self, selector: str, files: list[dict]) -> None:
        """Tap a photo button and choose the files in the chooser the phone opens (one tap)."""
        with self.page.expect_file_chooser() as chooser:
            self.tap(selector)
        chooser.value.set_files(files)

    def report(self) -> str:
        """The count as printed (shown with pytest -s)."""
        line = f"TAPS {self.name}: {self.count} taps" + (f" + {self.dates} date taps" if self.dates else "")
        print(f"\n{line} ({' → '.join(self.log)})")
        return line


def shot(page, name: str) -> None:
    """Save a screenshot when TAP_SHOTS names a folder (to look at the screens the taps went through)."""
    folder = os.environ.get("TAP_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def wait_synced(page, selector: str) -> None:
    """Wait until the screen's record shows nothing pending (the server has it)."""
    page.wait_for_selector(f"{selector}[data-pending='0']", timeout=SYNCED)


def test_worker_reports_a_hazard_with_a_photo_in_at_most_4_taps(base_url, phone, api):
    page = phone().new_page()
    sign_in_to(page, base_url, "worker-a1")
    page.wait_for_selector("[data-test=home]")
    taps = Taps(page, "worker reports a hazard with a photo")
    title = f"护栏松动-{int(time.time() * 1000)}"

    taps.tap("[data-test=tab-report]")
    # Photo first: both ways in are offered, and the gallery's input forces no camera.
    page.wait_for_selector("[data-test=photo-camera]")
    assert page.locator("[data-test=photo-camera], [data-test=photo-gallery]").count() == 2
    assert page.get_attribute("[data-test=photo-input]", "capture") is None
    taps.photo(
        "[data-test=photo-camera]",
        [{"name": "a.png", "mimeType": "image/png", "buffer": make_png(640, 480, (200, 60, 40))}],
    )
    page.wait_for_selector(".photo-picker .photo-thumb")
    page.fill("input[name=title]", title)
    page.fill("input[name=location]", "炼钢车间 3号平台")
    shot(page, "report")
    taps.tap("[data-test=submit]")
    page.wait_for_selector("[data-test=hazard-detail][data-status=reported]")
    hazard_id = page.url.rsplit("/", 1)[-1]

    taps.report()
    assert taps.count <= 4
    worker = api("worker-a1")
    hazard = wait_for_server_entity(
        api("officer-a"), "hazard", hazard_id, lambda h: h["status"] == "reported"
    )
    assert (hazard["title"], hazard["location"]) == (title, "炼钢车间 3号平台")
    assert hazard["reported_by"] == worker.user["id"] and hazard["severity"] == "general"
    assert len(hazard["photos"]) == 1


def report_as(api_user, title: str) -> str:
    """Push a general hazard report as this API user; return its id."""
    hazard_id = uuid7()
    args = {"title": title, "description": "", "location": "转炉平台", "severity": "general", "photos": []}
    push(api_user, "hazard.report", hazard_id, args)
    return hazard_id


def next_day_in_column(due: str) -> tuple[str, str]:
    """The day option to tap next to the offered date (within its month) and the date it gives."""
    offered = date.fromisoformat(due)
    chosen = offered + timedelta(days=1) if offered.day < 28 else offered - timedelta(days=1)
    return f"{chosen.day}日", chosen.isoformat()


def test_officer_assigns_in_at_most_4_taps_plus_the_date(base_url, phone, api):
    hazard_id = report_as(api("worker-a2"), f"皮带机护罩缺失-{int(time.time() * 1000)}")
    page = phone().new_page()
    sign_in_to(page, base_url, "officer-a")
    detail = "[data-test=hazard-detail][data-status=reported]"
    deadline = time.monotonic() + 40
    while True:  # each start syncs: reopen until the report has reached this phone
        page.goto(f"{base_url}/#/hazards/{hazard_id}")
        page.reload()
        try:
            page.wait_for_selector(detail, timeout=4000)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
    taps = Taps(page, "officer assigns a hazard")

    taps.tap("[data-action=assign]")
    page.wait_for_selector("[data-test=assignee-option]")
    shot(page, "assign")
    assert page.locator("[data-test=assignee-option]").count() >= 2
    chip = page.locator("[data-test=assignee-option]").first
    assignee_id = chip.get_attribute("data-user-id")
    taps.tap(f"[data-test=assignee-option][data-user-id='{assignee_id}']")
    # A deadline is offered for the severity; the officer moves it one day with Vant's date picker (年/月/日).
    offered = page.get_attribute("[data-test=due-field]", "data-due")
    today = page.evaluate(TODAY_IN_SHANGHAI)
    assert offered == (date.fromisoformat(today) + timedelta(days=7)).isoformat(), "a general hazard: 7 days"
    option, chosen = next_day_in_column(offered)
    taps.date_tap("[data-test=due-field]")
    picker = "[data-test=due-picker]"
    page.wait_for_selector(f"{picker} .van-picker-column__item--selected")
    shot(page, "assign-date")
    days = page.locator(f"{picker} .van-picker-column").nth(2)
    taps.date_tap(days.get_by_text(option, exact=True))
    page.wait_for_timeout(400)  # the column settles on the tapped day
    taps.date_tap(f"{picker} .van-picker__confirm")
    page.wait_for_selector(f"[data-due='{chosen}']")
    taps.tap("[data-test=submit]")
    page.wait_for_selector("[data-test=hazard-detail][data-status=assigned]")

    taps.report()
    assert taps.count <= 4
    assert taps.dates == 3
    hazard = wait_for_server_entity(
        api("officer-a"), "hazard", hazard_id, lambda h: h["status"] == "assigned"
    )
    assert hazard["assignee_id"] == assignee_id
    assert hazard["due_date"] == chosen


def push(api_user, command_type: str, entity_id: str, args: dict) -> None:
    """Push one command as this API user and require it applied."""
    command = {
        "seq": 1,
        "id": uuid7(),
        "type": command_type,
        "entity_id": entity_id,
        "captured_at": now_rfc3339(),
        "args": args,
    }
    body = {"client_id": uuid7(), "sent_at": now_rfc3339(), "commands": [command]}
    [outcome] = api_user.call("POST", "/api/v1/sync/push", body)["outcomes"]
    assert outcome["status"] == "applied", outcome


def smelter_with_a_principal(api) -> str:
    """The bureau registers a steel works that smelts (12 checklist items) and its principal; the username."""
    bureau = api("bureau")
    enterprise_id, stamp = uuid7(), f"{time.time_ns() % 10**12:012d}"
    first17 = f"91141122{stamp[:9]}"
    push(
        bureau,
        "enterprise.register",
        enterprise_id,
        {
            "uscc": first17 + check_character(first17),
            "name": f"交城县炼钢厂{stamp[-4:]}",
            "industry": "metallurgy",
            "flags": ["metal_smelting"],
            "address": "交城县",
            "region_code": "141122",  # a county of the bureau's region (交城县), required since regions
        },
    )
    username = f"principal-t{stamp[-6:]}"
    push(
        bureau,
        "user.create",
        uuid7(),
        {
            "username": username,
            "display_name": "孙厂长",
            "role": "principal",
            "employment_type": "own",
            "password": "demo1234",
            "enterprise_id": enterprise_id,
        },
    )
    return username


def test_twelve_item_all_pass_inspection_in_at_most_14_taps(base_url, phone, api):
    principal = api(smelter_with_a_principal(api))
    page = phone().new_page()
    sign_in_to(page, base_url, principal.user["username"])
    page.wait_for_function(HAS_CHECKLIST, arg=principal.user["enterprise_id"], timeout=SYNCED)
    page.goto(f"{base_url}/#/inspections/new")
    page.wait_for_selector("[data-test=submit]")
    taps = Taps(page, "12-item all-pass inspection")

    taps.tap("[data-test=submit]")
    page.wait_for_selector("[data-test=inspection-detail][data-status=in_progress]")
    inspection_id = page.url.rsplit("/", 1)[-1]
    # The detail can show its status a render before its items (seen once on a loaded machine).
    page.wait_for_selector("[data-test=items] .item")
    item_ids = page.locator("[data-test=items] .item").evaluate_all("els => els.map((e) => e.dataset.itemId)")
    assert len(item_ids) == 12, "a steel works that smelts has 12 items (Art.3, Art.4, Art.14)"
    shot(page, "inspection")
    for n, item_id in enumerate(item_ids, 1):
        taps.tap(f".item[data-item-id='{item_id}'] [data-test=result-pass]")
        page.wait_for_selector(f"[data-test=progress][data-done='{n}']")
    assert page.inner_text("[data-test=progress] .count") == "12/12"
    page.fill("textarea[name=summary]", "带队检查炼钢车间，未发现隐患")
    shot(page, "inspection-done")
    taps.tap("[data-action=finish]")
    page.wait_for_selector("[data-test=inspection-detail][data-status=finished]")
    assert page.locator("[data-test=item-open]").count() == 0

    taps.report()
    assert taps.count <= 14
    inspection = wait_for_server_entity(
        principal, "inspection", inspection_id, lambda i: i["status"] == "finished"
    )
    assert inspection["led_by"] == principal.user["id"] and inspection["kind"] == "principal"
    assert sorted(i["id"] for i in inspection["items"]) == sorted(item_ids)
    assert all(i["result"] == "pass" for i in inspection["items"])
    assert inspection["summary"] == "带队检查炼钢车间，未发现隐患"
