"""/rules: anyone reads the criteria by article, with sources and verified state, cadences and hours."""

from __future__ import annotations

import html
import re

from backend.rules.ling10_items import ITEMS, SOURCES


def test_the_rules_page_lists_every_item_with_its_state_and_every_source(app):
    answer = app.test_client().get("/rules")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    page = answer.get_data(as_text=True)
    # Every item of Art.3–13, each marked: two copies agree, or 待核实 (Art.14 is 待核实 too).
    for _number, text, _sources, _verified in ITEMS:
        assert text in page
    unverified = sum(1 for *_, verified in ITEMS if not verified)
    criteria = page.split("<h2>工艺特征")[0]
    assert criteria.count("待核实</span>") == unverified + 1
    assert criteria.count("已核对两个版本") == len(ITEMS) - unverified
    # Every source, numbered (no letters), its addresses as links that are never translated.
    for number, text in enumerate(SOURCES.values(), start=1):
        assert f"<dt>来源 {number}</dt>" in page
        for address in re.findall(r"`(http[^`]+)`", text):
            assert f'<a href="{html.escape(address)}" translate="no"' in page.replace("&#39;", "&#x27;")
    assert "来源 1、2、4" in page  # Art.3 item 1 was read in R, A and D
    assert "第五条（13 项）" in page and "行业为“有色”的企业" in page
    assert "第十三条（2 项）" in page and "“有限空间有中毒风险”的企业" in page


def test_cadences_hours_and_certificates_are_shown_with_their_sources(app):
    page = app.test_client().get("/rules").get_data(as_text=True)
    assert re.search(r"综合或专项应急预案演练</td><td>每 12 个月</td><td>金属冶炼：每 6 个月", page)
    assert "新上岗从业人员三级安全教育</td><td>24</td><td>8</td>" in page
    assert "每 6 年一次（第二十一条）" in page and "6 个月以上（含）" in page


def test_the_page_keeps_the_content_security_policy_no_inline_script_or_style(app):
    client = app.test_client()
    answer = client.get("/rules")
    page = answer.get_data(as_text=True)
    assert "<script" not in page and "style=" not in page and "<style" not in page
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    with client.get("/rules/rules.css") as css:
        assert css.status_code == 200 and css.mimetype == "text/css" and b".tag" in css.data
