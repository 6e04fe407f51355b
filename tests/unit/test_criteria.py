"""令第10号 as data: unique ids in article order, every article present, flags selecting the items."""

from __future__ import annotations

from backend.rules.major_hazard_criteria import (
    ARTICLES,
    CRITERIA,
    CRITERIA_BY_ID,
    PLACEHOLDER_TEXT,
    applies_to,
    criteria_for,
)
from backend.rules.roles import ENTERPRISE_FLAGS


def test_item_ids_are_unique_and_name_their_article_and_item():
    assert len(CRITERIA_BY_ID) == len(CRITERIA)
    for criterion in CRITERIA:
        expected = (
            f"{criterion.article}" if criterion.item is None else f"{criterion.article}.{criterion.item}"
        )
        assert criterion.id == expected


def test_every_article_from_three_to_fourteen_has_an_item():
    assert {c.article for c in CRITERIA} == set(range(3, 15)) == set(ARTICLES)


def test_every_item_is_a_major_hazard_with_chinese_text():
    for criterion in CRITERIA:
        assert criterion.major is True
        assert criterion.text and any("\u4e00" <= ch <= "\u9fff" for ch in criterion.text)


def test_placeholders_are_unverified_and_only_for_the_industry_articles_five_to_ten():
    placeholders = [c for c in CRITERIA if c.placeholder]
    assert {c.article for c in placeholders} == set(range(5, 11))
    assert all(c.text == PLACEHOLDER_TEXT and not c.verified for c in placeholders)


def test_domain_examples_of_article_four_are_verified():
    assert CRITERIA_BY_ID["4.2"].verified and "积水" in CRITERIA_BY_ID["4.2"].text
    assert "水冷元件" in CRITERIA_BY_ID["4.4"].text


def test_article_three_applies_to_every_enterprise_but_its_smelting_item():
    assert applies_to(CRITERIA_BY_ID["3.1"], [])
    assert not applies_to(CRITERIA_BY_ID["3.3"], ["dust_explosion"])
    assert applies_to(CRITERIA_BY_ID["3.3"], ["metal_smelting"])


def test_metal_smelting_selects_article_four_not_eleven():
    ids = {c.id for c in criteria_for(["metal_smelting", "gas", "confined_space"])}
    assert {"3.1", "3.2", "3.3", "4.1", "4.2", "13.1", "14"} <= ids
    assert not any(i.startswith("11.") for i in ids)


def test_dust_explosion_selects_article_eleven_not_four():
    ids = {c.id for c in criteria_for(["dust_explosion"])}
    assert "11.3" in ids and "3.1" in ids and "14" in ids
    assert not any(i.startswith("4.") for i in ids) and "3.3" not in ids


def test_placeholders_never_reach_a_checklist():
    assert not any(c.placeholder for c in criteria_for(ENTERPRISE_FLAGS))


def test_selecting_flags_are_known_profile_flags_or_industries_without_one():
    industries_without_flag = {ARTICLES[a][0] for a in range(6, 11)}
    for criterion in CRITERIA:
        assert criterion.applies_when <= set(ENTERPRISE_FLAGS) | industries_without_flag
