"""Lockout-tagout in real Chromium: every step taken offline on the phones, synced between the two people."""

from __future__ import annotations

import time

from .conftest import make_png

SYNCED = 30_000


def sign_in(page, base: str, username: str) -> None:
    """Open the app, sign in and wait for the home screen and the service worker."""
    page.goto(base + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo1234")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-test=home]")
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")


def photo(name: str, colour: tuple[int, int, int]) -> dict:
    """A camera-like picture for set_input_files."""
    return {"name": name, "mimeType": "image/png", "buffer": make_png(480, 360, colour)}


def add_photo(page, scope: str, name: str, colour: tuple[int, int, int]) -> None:
    """Pick a photo in the photo picker inside `scope` and wait until it is stored."""
    page.set_input_files(f"{scope} input[type=file]", [photo(name, colour)])
    page.wait_for_selector(f"{scope} .photo-picker .photo-thumb")


def reopen_until(page, url: str, selector: str, seconds: float = 40) -> None:
    """Reopen `url` (each start syncs) until `selector` shows."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        page.reload()
        try:
            page.wait_for_selector(selector, timeout=4000)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise


def server_entity(api, entity: str, entity_id: str) -> dict | None:
    """One entity's data as the server holds it for this user, or None."""
    for change in api.pull_all():
        if change["entity"] == entity and change["id"] == entity_id:
            return change["data"]
    return None


def wait_on_server(api, entity: str, ready, seconds: float = 40) -> dict:
    """Poll the server until an entity of this type satisfies `ready(data)`; return its data."""
    deadline = time.monotonic() + seconds
    while True:
        found = [c["data"] for c in api.pull_all() if c["entity"] == entity and ready(c["data"])]
        if found:
            return found[-1]
        if time.monotonic() > deadline:
            raise AssertionError(f"no {entity} got ready on the server")
        time.sleep(1)


def detail(status: str, pending: int | None = None) -> str:
    """Selector of the lockout screen in `status` (with `pending` unsent commands when given)."""
    sel = f"[data-test=lockout-detail][data-status={status}]"
    return sel + (f"[data-pending='{pending}']" if pending is not None else "")


def test_lockout_taken_offline_step_by_step_by_two_workers(base_url, phone, api):
    name = f"e2e-2#轧机-{int(time.time())}"
    # The demo has no equipment: the officer registers one with two isolation points (online).
    officer_phone = phone()
    officer = officer_phone.new_page()
    sign_in(officer, base_url, "officer-a")
    officer.goto(base_url + "/#/lockouts/equipment/new")
    officer.fill("input[name=name]", name)
    officer.fill("input[name=code]", "ZJ-02")
    officer.fill("input[name=location]", "轧钢车间")
    officer.fill("input[name=point_location_0]", "主电源柜 QF3")
    officer.click("[data-test=add-point]")
    officer.click("input[name=energy_type_1]")
    officer.click(".van-picker-column__item:has-text('液压')")
    officer.click(".van-picker__confirm")
    officer.fill("input[name=point_location_1]", "液压站截止阀 V2")
    officer.click("[data-test=submit]")
    officer.wait_for_selector("[data-test=active-lockouts]")
    equipment = wait_on_server(api("officer-a"), "equipment", lambda d: d.get("name") == name)
    assert [p["energy_type"] for p in equipment["points"]] == ["electrical", "hydraulic"]
    points = [p["id"] for p in equipment["points"]]

    # Both workers sign in while online (the first pull brings the equipment).
    a1_phone, a2_phone = phone(), phone()
    a1, a2 = a1_phone.new_page(), a2_phone.new_page()
    sign_in(a1, base_url, "worker-a1")
    sign_in(a2, base_url, "worker-a2")
    reopen_until(a1, base_url + "/#/lockouts", "[data-test=open-lockout]")
    a1.click(".van-tab:has-text('设备')")
    a1.wait_for_selector(f".equipment-row[data-equipment-id='{equipment['id']}']")

    # worker-a1, offline: open, lock both points with photos, zero-energy try-out.
    a1_phone.set_offline(True)
    a1.goto(f"{base_url}/#/lockouts/new?equipment={equipment['id']}")
    # The form fills the equipment's name from IndexedDB after the route changes: wait for it.
    a1.wait_for_function(
        "(name) => document.querySelector('input[name=equipment]')?.value.includes(name)", arg=name
    )
    a1.click("[data-test=work-maintenance]")
    a1.fill("textarea[name=reason]", "更换 2# 轧机主轴承")
    a1.click("[data-test=submit]")
    a1.wait_for_selector(detail("applying", 1))
    lockout_id = a1.url.rsplit("/", 1)[-1]
    for n, point in enumerate(points):
        a1.click(f"[data-point-id='{point}'] [data-action=apply_lock]")
        a1.fill(".lock-form input[name=lock_number]", f"L-0{n + 1}")
        add_photo(a1, ".lock-form", f"lock{n}.png", (180, 40 + n * 60, 40))
        a1.click("[data-test=submit-lock]")
        a1.wait_for_selector(f"[data-point-id='{point}'][data-locked=true]")
    a1.wait_for_selector(detail("locked", 3))
    add_photo(a1, "[data-test=tryout-form]", "tryout.png", (40, 40, 200))
    a1.fill("textarea[name=tryout_note]", "按下启动按钮无动作，验电无电压，液压表归零")
    a1.click("[data-action=verify_zero_energy]")
    a1.wait_for_selector(detail("verified", 4))
    assert a1.locator("[data-action=confirm]").count() == 0, "whoever applied a lock is not the second person"
    a1.wait_for_selector("[data-test=confirm-blocked]")
    assert server_entity(api("worker-a1"), "lockout", lockout_id) is None

    a1_phone.set_offline(False)
    a1.wait_for_selector(detail("verified", 0), timeout=SYNCED)

    # worker-a2's home asks for the second-person confirmation (待确认的挂牌上锁); the applier's does not.
    awaiting = f"[data-test=next-confirm] [data-id='{lockout_id}']"
    reopen_until(a2, f"{base_url}/#/", awaiting)
    a1.goto(f"{base_url}/#/")
    a1.wait_for_selector(f"[data-test=home-lockouts] [data-lockout-id='{lockout_id}'][data-status=verified]")
    assert a1.locator(awaiting).count() == 0, "the applier is not asked to confirm"
    # worker-a2 opens it from there, then confirms offline.
    a2.click(awaiting)
    a2.wait_for_selector(detail("verified", 0))
    a2_phone.set_offline(True)
    a2.click("[data-action=confirm]")
    a2.wait_for_selector(detail("safe_to_work", 1))
    a2_phone.set_offline(False)
    a2.wait_for_selector(detail("safe_to_work", 0), timeout=SYNCED)

    # worker-a1 pulls it, then releases and removes both locks offline.
    reopen_until(a1, f"{base_url}/#/lockouts/{lockout_id}", detail("safe_to_work", 0))
    a1_phone.set_offline(True)
    a1.click("[data-test=people-clear]")
    a1.click("[data-test=tools-clear]")
    a1.click("[data-action=release]")
    a1.wait_for_selector(detail("releasing", 1))
    for n, point in enumerate(points):
        a1.click(f"[data-point-id='{point}'] [data-action=remove_lock]")
        a1.wait_for_selector(detail("releasing" if n == 0 else "released", n + 2))
    a1_phone.set_offline(False)
    a1.wait_for_selector(detail("released", 0), timeout=SYNCED)

    on_server = server_entity(api("officer-a"), "lockout", lockout_id)
    a1_id, a2_id = api("worker-a1").user["id"], api("worker-a2").user["id"]
    assert on_server["status"] == "released"
    assert on_server["confirmation"]["by"] == a2_id
    assert on_server["opened_by"] == a1_id
    assert on_server["tryout"]["by"] == a1_id and len(on_server["tryout"]["photos"]) == 1
    assert sorted(lock["point_id"] for lock in on_server["locks"]) == sorted(points)
    assert all(lock["applied_by"] == a1_id and lock["removed_by"] == a1_id for lock in on_server["locks"])
    assert all(len(lock["photos"]) == 1 for lock in on_server["locks"])
    assert on_server["release"]["people_clear"] is True and on_server["release"]["tools_clear"] is True
