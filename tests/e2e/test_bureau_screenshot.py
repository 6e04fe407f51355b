"""The bureau's overview on a 360 px phone: a card per enterprise, worst first, filtered by colour; late
entries in Chinese; drill-down and exports online; nothing wider than the screen."""

from __future__ import annotations

import os
import re
import shutil
import time

from .conftest import ROOT, sign_in_to

RANK = {"red": 3, "amber": 2, "green": 1, "none": 0}
LATIN = re.compile(r"[A-Za-z]")
# A lower-case Latin word is a key or unit leaking (evacuation, molten_metal, h); codes are upper-case.
RAW_KEY = re.compile(r"\b[a-z]+\b")


def scroll_width(page) -> int:
    """The page's scrollable width: more than the viewport means something sticks out sideways."""
    return page.evaluate("document.scrollingElement.scrollWidth")


def cards(page) -> list[tuple[str, float]]:
    """The cards shown, in order, as (worst colour, lateness)."""
    rows = page.locator("[data-test=bureau-cards] .ent-card").evaluate_all(
        "els => els.map(e => [e.dataset.worst, e.dataset.lateness])"
    )
    return [(worst, float(late) if late else float("-inf")) for worst, late in rows]


def test_bureau_overview_is_cards_worst_first_and_fits_a_phone(base_url, phone, tmp_path):
    page = phone().new_page()
    sign_in_to(page, base_url, "bureau")
    page.wait_for_selector("[data-test=bureau-cards] .ent-card[data-worst=red]", timeout=30_000)
    shown = cards(page)
    assert len(shown) >= 2, "enterprises A and B"
    order = [(RANK[worst], late) for worst, late in shown]
    assert order == sorted(order, reverse=True), f"red before amber before green, most overdue first: {shown}"
    assert scroll_width(page) <= 360, "no horizontal overflow at 360 px"
    for target in page.locator("[data-test=bureau-cards] .van-cell").all():
        box = target.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box

    # Late entries name their command in Chinese, never `lockout.apply_lock`.
    page.wait_for_selector("[data-test=late-type]")
    types = page.locator("[data-test=late-type]").all_inner_texts()
    assert types and not any(LATIN.search(t) for t in types), types
    assert "lockout." not in page.inner_text("[data-test=bureau]")

    page.wait_for_selector(".van-notify", state="hidden")
    time.sleep(0.5)
    shot = tmp_path / "screenshot-bureau.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOT"):
        shutil.copy(shot, ROOT / "docs" / "screenshot-bureau.png")

    # The filter keeps only the overdue (red) or the due-soon (amber) cards, as many as its tab says.
    for name, label in (("red", "已逾期"), ("amber", "即将到期")):
        tab = page.locator(f"[data-test=bureau-filter] .van-tab:has-text('{label}')")
        assert tab.bounding_box()["height"] >= 44
        tab.click()
        count = int(re.search(r"\((\d+)\)", tab.inner_text()).group(1))
        page.wait_for_function(
            "([n, worst]) => [...document.querySelectorAll('[data-test=bureau-cards] .ent-card')]"
            ".filter(e => e.dataset.worst === worst).length === n"
            " && document.querySelectorAll('[data-test=bureau-cards] .ent-card').length === n",
            arg=[count, name],
        )
    page.locator("[data-test=bureau-filter] .van-tab:has-text('全部')").click()

    # An overdue obligation of a card opens the enterprise with the records behind it.
    page.locator(".ent-card[data-worst=red] .ent-obligation[data-key=evacuation_drill]").first.click()
    page.wait_for_selector("[data-test=bureau-enterprise]")
    assert "obligation=evacuation_drill" in page.url
    page.wait_for_selector(".van-tab--active:has-text('演练')")
    assert scroll_width(page) <= 360, "the enterprise page fits at 360 px too"
    drills = page.inner_text("[data-test=bureau-enterprise]")
    assert not RAW_KEY.findall(drills), "drill types, states and units in Chinese, never their keys"

    # Excel ledgers need the network: disabled offline, downloaded online.
    context = page.context
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
