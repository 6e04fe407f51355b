"""Every screen each demo role can reach, at 360×740 in zh-CN: no Latin word, no serious axe violation, and
every target at least 44×44 CSS px (issue 10, "done when")."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from .conftest import PHONE, ROOT, sign_in_to
from .screen_checks import axe_violations, latin_words, small_targets

# The demo roles (backend/demo_data.py) and the screens each can reach from its tabs, home cards and links.
# `{kind}` stands for the id of one local record of that kind (hazard, drill, user…), read from the phone.
EVERYONE = [
    "/hazards",
    "/inbox",
    "/inbox/{notification}",
    "/settings/notifications",
    "/sync",
    "/me",
    "/badge",
    "/drills",
    "/trainings",
    "/lockouts",
    "/inspections",
    "/people",
    "/people/{user}",
]
# Records on an enterprise person's phone; a bureau holds none of them (it reads them online, below).
RECORDS = [
    "/hazards/{hazard}",
    "/drills/{drill}",
    "/lockouts/{lockout}",
    "/inspections/{inspection}",
]
ENTERPRISE = ["/", "/hazards/new", "/trainings/{training_session}", "/my-training", "/trainings/scan"]
MANAGER = [
    "/hazards/{hazard}/assign",
    "/hazards/{hazard}/rectify",
    "/hazards/{hazard}/verify",
    "/hazards/{hazard}/dismiss",
    "/drills/new",
    "/trainings/new",
    "/lockouts/new",
    "/lockouts/equipment/new",
    "/lockouts/equipment/{equipment}",
    "/inspections/new",
    "/people/new",
    "/people/{user}/edit",
    "/settings/office-channels",
    "/deliveries",
]
# A bureau's enterprise opens its lists online, one tab each; the records they brought open after them.
BUREAU = [
    "/notices/{notice}",  # the sender's view; a recipient's link opens their own copy in the inbox
    "/bureau",
    "/bureau/regions/{county}",
    "/bureau/{enterprise_summary}",
    *(f"/bureau/{{enterprise_summary}}?tab={t}" for t in ("drills", "trainings", "inspections", "lockouts")),
    *(
        f"/bureau/{{online_{kind}_enterprise}}/records/{kind}/{{online_{kind}}}"
        for kind in ("hazard", "drill", "training_session", "inspection", "lockout")
    ),
    "/enterprises",
    "/enterprises/new",
    "/enterprises/{enterprise_summary}/edit",
    "/notices/new",
    "/settings/office-channels",
    "/deliveries",
]
# A city bureau: its counties as summary cards, then one county's enterprises.
CITY_BUREAU = ["/bureau", "/bureau/regions/{county}", "/notices/new"]
ROLES = {
    "worker-a1": EVERYONE + RECORDS + ENTERPRISE,
    "officer-a": EVERYONE + RECORDS + ENTERPRISE + MANAGER,
    "principal-a": EVERYONE + RECORDS + ENTERPRISE + MANAGER,
    "bureau": EVERYONE + BUREAU,
    "bureau-lvliang": CITY_BUREAU,
}
# Server-rendered pages a person is sent to (the rules in force, linked from the app and the README).
SERVER_PAGES = ["/rules"]

# Router paths that show a screen the crawl already visits under another path.
ALIASES = {"/home": "the HomePage of /"}

# One id per record kind from the phone's IndexedDB (what the lists would link to); a bureau's summary with
# the most hazards, a county, and `online_<kind>` (with its enterprise) for each kind of record read online.
LOCAL_IDS = """async () => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('safety-ledger');
    r.onsuccess = () => ok(r.result);
    r.onerror = fail;
  });
  const all = (store) => new Promise((ok) => {
    if (!db.objectStoreNames.contains(store)) return ok([]);
    const q = db.transaction(store).objectStore(store).getAll();
    q.onsuccess = () => ok(q.result);
    q.onerror = () => ok([]);
  });
  const ids = {};
  const hazards = await all('hazards');
  if (hazards.length) ids.hazard = hazards[0].id;
  const users = await all('users');
  if (users.length) ids.user = users[0].id;
  const enterprises = await all('enterprises');
  if (enterprises.length) ids.enterprise = enterprises[0].id;
  for (const row of await all('entities')) {
    if (!(row.entity in ids)) ids[row.entity] = row.id;
  }
  const weight = (s) => (s.due?.open_major_hazards ?? 0) + (s.due?.overdue_hazards ?? 0)
    + (s.due?.active_lockouts ?? 0);
  const summaries = (await all('summaries')).sort((a, b) => weight(b) - weight(a));
  if (summaries.length) ids.enterprise_summary = summaries[0].id;
  const counties = (await all('regions')).filter((r) => r.level === 'county')
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  if (counties.length) ids.county = counties[0].id;
  for (const row of await all('onlineRecords')) {
    if (`online_${row.entity}` in ids) continue;
    ids[`online_${row.entity}`] = row.id;
    ids[`online_${row.entity}_enterprise`] = row.enterprise_id;
  }
  db.close();
  return ids;
}"""


def router_paths() -> set[str]:
    """Every path the PWA's router declares (src/router.js and each area's routes.js)."""
    sources = [ROOT / "pwa" / "src" / "router.js", *(ROOT / "pwa" / "src").glob("*/routes.js")]
    found = set()
    for source in sources:
        found |= set(re.findall(r"path: '([^']+)'", source.read_text(encoding="utf-8")))
    return found - {"/:rest(.*)*", "/login"} - set(ALIASES)


def matches(template: str, declared: str) -> bool:
    """Whether a crawl template (/hazards/{hazard}/assign) visits a router path (/hazards/:id/:action(…))."""
    pattern = re.sub(r":\w+\(([^)]*)\)", r"(\1)", declared)
    pattern = re.sub(r":\w+", r"[^/]+", pattern)
    concrete = re.sub(r"\{\w+\}", "x", template)
    return re.fullmatch(pattern, concrete) is not None


def test_every_router_path_is_crawled():
    crawled = {t for screens in ROLES.values() for t in screens}
    missing = [p for p in sorted(router_paths()) if not any(matches(t, p) for t in crawled)]
    assert not missing, f"screens no role's crawl visits (add them to ROLES): {missing}"


LOADING = "'.van-loading, .van-skeleton'"
SETTLED = f"() => ![...document.querySelectorAll({LOADING})].some((e) => e.checkVisibility())"


def settle(page) -> None:
    """Wait until the screen has rendered its data: no spinner, the network quiet, transitions done."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(SETTLED, timeout=15_000)
    time.sleep(0.4)


def check_screen(page, label: str, problems: dict) -> None:
    """Run the three checks on the screen now shown and file what they find under its label."""
    if os.environ.get("CRAWL_SHOTS"):
        name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        page.screenshot(path=str(Path(os.environ["CRAWL_SHOTS"]) / f"{name}.png"), full_page=True)
    for word in latin_words(page):
        problems["latin"].append(f"{label}: '{word['word']}' in {word['where']}: {word['text']!r}")
    for target in small_targets(page):
        problems["targets"].append(f"{label}: {target['size']} {target['element']} {target['text']!r}")
    for v in axe_violations(page):
        where = f"{v['id']} ({v['impact']}, {v['count']}×)"
        problems["axe"].append(f"{label}: {where} {v['help']}: {v['targets']}")


def report_of(problems: dict) -> str:
    """Every problem found, one line each, grouped by check."""
    report = "\n".join(f"[{kind}] {line}" for kind, lines in problems.items() for line in lines)
    if report and os.environ.get("CRAWL_REPORT"):
        with open(os.environ["CRAWL_REPORT"], "a", encoding="utf-8") as out:
            out.write(report + "\n")
    return report


def ids_for(page, screens: list[str]) -> dict:
    """One local id per record kind the screens need, once the first pull has brought them all."""
    # Records read online arrive as the crawl opens their lists: those are looked up again when due.
    needed = {k for t in screens for k in re.findall(r"\{(\w+)\}", t) if not k.startswith("online_")}
    deadline = time.monotonic() + 40
    while True:
        ids = page.evaluate(LOCAL_IDS)
        if needed <= set(ids) or time.monotonic() > deadline:
            return ids
        time.sleep(1)


def test_signed_out_pages_are_chinese_accessible_and_big_enough(base_url, phone):
    problems = {"latin": [], "targets": [], "axe": []}
    page = phone().new_page()
    page.goto(base_url + "/")
    page.wait_for_selector("input[name=username]")
    settle(page)
    check_screen(page, "signed out /login", problems)
    for path in SERVER_PAGES:
        page.goto(base_url + path)
        settle(page)
        assert page.locator("#app").count() == 0, f"{path} must be the server's page, not the app shell"
        check_screen(page, f"signed out {path}", problems)
    report = report_of(problems)
    assert not report, "\n" + report


@pytest.mark.parametrize("username", sorted(ROLES))
def test_every_screen_of_a_role_is_chinese_accessible_and_big_enough(base_url, phone, username):
    problems = {"latin": [], "targets": [], "axe": [], "unreached": []}
    screens = ROLES[username]
    page = phone().new_page()
    sign_in_to(page, base_url, username)
    ids = ids_for(page, screens)
    settle(page)
    for template in screens:
        try:
            if "{online_" in template:
                ids = page.evaluate(LOCAL_IDS)
            path = template.format(**ids)
        except KeyError as missing:
            problems["unreached"].append(f"{username} {template}: no local {missing} record")
            continue
        page.goto(f"{base_url}/#{path}")
        settle(page)
        label = f"{username} {template}"
        shown = page.evaluate("() => location.hash.slice(1)")
        if shown != path:
            problems["unreached"].append(f"{label}: redirected to {shown}")
            continue
        check_screen(page, label, problems)
    report = report_of(problems)
    assert not report, "\n" + report


def test_dates_and_times_are_chinese_on_an_english_phone(base_url, browser):
    # A native date input follows the phone's language (mm/dd/yyyy, 10:00 PM); the forms use Vant's pickers.
    context = browser.new_context(**PHONE, locale="en-US", timezone_id="Asia/Shanghai")
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        sign_in_to(page, base_url, "officer-a")
        page.goto(base_url + "/#/trainings/new")
        when = page.input_value("[data-test=training-time] input")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", when), when
        assert page.locator("input[type=date], input[type=time], input[type=datetime-local]").count() == 0
        page.click("[data-test=training-time] input")
        picker = page.locator(".van-picker-group")
        picker.wait_for()
        assert "年" in picker.inner_text() and "月" in picker.inner_text()
        page.click(".van-picker-group .van-tab:nth-child(2)")
        page.wait_for_selector(".van-picker-column__item:has-text('时')")
        assert not re.search(r"\b(AM|PM)\b", picker.inner_text())
    finally:
        context.close()
