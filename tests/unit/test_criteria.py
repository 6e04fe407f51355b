"""令第10号 as data: ids in article order, every item of every article, industry and flags selecting them."""

from __future__ import annotations

import pytest

from backend.rules.industries import INDUSTRIES, INDUSTRY_KEYS, INDUSTRY_OF_ARTICLE
from backend.rules.ling10_items import ITEM_COUNTS, ITEMS, SOURCES
from backend.rules.major_hazard_criteria import (
    CRITERIA,
    CRITERIA_BY_ID,
    FLAG_OF_ARTICLE,
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
    assert {c.article for c in CRITERIA} == set(range(3, 15))


def test_every_item_is_a_major_hazard_with_chinese_text():
    for criterion in CRITERIA:
        assert criterion.major is True
        assert criterion.text and any("\u4e00" <= ch <= "\u9fff" for ch in criterion.text)


# 令第10号 as numbered in the order: 3 management, 47 industry and 14 special items, 64 in all.
LAW_COUNTS = {3: 3, 4: 8, 5: 13, 6: 8, 7: 7, 8: 7, 9: 2, 10: 2, 11: 10, 12: 2, 13: 2}


@pytest.mark.parametrize("article", sorted(LAW_COUNTS))
def test_each_article_has_every_item_the_law_has(article):
    numbers = [c.item for c in CRITERIA if c.article == article]
    assert numbers == list(range(1, LAW_COUNTS[article] + 1))
    assert ITEM_COUNTS[article] == LAW_COUNTS[article]


def test_sixty_four_items_in_three_groups_plus_article_fourteen():
    assert len(ITEMS) == 64
    assert sum(LAW_COUNTS[a] for a in range(4, 11)) == 47
    assert sum(LAW_COUNTS[a] for a in (11, 12, 13)) == 14
    assert [c.id for c in CRITERIA if c.article == 14] == ["14"]


def test_every_item_names_where_its_text_was_read_and_only_two_copies_verify_it():
    for number, text, sources, verified in ITEMS:
        keys = sources.split()
        assert keys and set(keys) <= set(SOURCES), number
        assert not text.endswith(("的", "；", "。")) and not text.startswith("（"), number
        if verified:
            assert len(keys) >= 2, number


def test_domain_examples_of_article_four_are_verified():
    assert CRITERIA_BY_ID["4.2"].verified and "积水" in CRITERIA_BY_ID["4.2"].text
    assert "水冷元件" in CRITERIA_BY_ID["4.4"].text


def test_each_industry_article_names_one_industry_and_commerce_has_none():
    assert INDUSTRY_OF_ARTICLE == {
        4: "metallurgy",
        5: "nonferrous",
        6: "building_materials",
        7: "machinery",
        8: "light_industry",
        9: "textile",
        10: "tobacco",
    }
    labels = [i.label_zh for i in INDUSTRIES]
    assert labels == ["冶金", "有色", "建材", "机械", "轻工", "纺织", "烟草", "商贸"]
    for criterion in CRITERIA:
        assert criterion.industry == INDUSTRY_OF_ARTICLE.get(criterion.article)


def test_article_three_applies_to_every_enterprise_but_its_smelting_item():
    assert applies_to(CRITERIA_BY_ID["3.1"], None, [])
    assert not applies_to(CRITERIA_BY_ID["3.3"], "metallurgy", ["dust_explosion"])
    assert applies_to(CRITERIA_BY_ID["3.3"], "machinery", ["metal_smelting"])


def test_article_four_follows_the_metallurgy_industry_not_the_smelting_flag():
    # 令第10号 Art.4 is for 冶金 enterprises: an unflagged rolling mill gets it, a smelting foundry does not.
    assert applies_to(CRITERIA_BY_ID["4.1"], "metallurgy", [])
    assert not applies_to(CRITERIA_BY_ID["4.1"], "machinery", ["metal_smelting"])
    ids = {c.id for c in criteria_for("machinery", ["metal_smelting"])}
    assert "3.3" in ids and not any(i.startswith("4.") for i in ids)


def test_a_steel_works_gets_article_four_and_its_flags_articles():
    ids = {c.id for c in criteria_for("metallurgy", ["metal_smelting", "gas", "confined_space_toxic"])}
    assert {"3.1", "3.2", "3.3", "4.1", "4.2", "13.1", "13.2", "14"} <= ids
    assert not any(i.startswith(("11.", "12.")) for i in ids)


def test_dust_explosion_selects_article_eleven_in_any_industry():
    ids = {c.id for c in criteria_for("commerce", ["dust_explosion"])}
    assert "11.3" in ids and "3.1" in ids and "14" in ids
    assert not any(i.startswith("4.") for i in ids) and "3.3" not in ids


def test_article_thirteen_needs_poisoning_risk_not_just_a_confined_space():
    # Art.13 covers confined spaces with H2S/CO poisoning risk (confined_space_toxic).
    assert not any(c.article == 13 for c in criteria_for("metallurgy", ["confined_space"]))
    assert {c.id for c in criteria_for(None, ["confined_space_toxic"]) if c.article == 13} == {"13.1", "13.2"}


@pytest.mark.parametrize("industry", [*INDUSTRY_KEYS, None])
def test_no_industry_gets_another_industrys_items(industry):
    for criterion in criteria_for(industry, ENTERPRISE_FLAGS):
        assert criterion.industry in (None, industry)


@pytest.mark.parametrize("industry", INDUSTRY_KEYS)
def test_an_enterprise_of_each_industry_gets_exactly_its_articles_items(industry):
    article = next(i.article for i in INDUSTRIES if i.key == industry)
    ids = [c.id for c in criteria_for(industry, [])]
    industry_ids = [i for i in ids if 4 <= int(i.split(".")[0]) <= 10]
    expected = [f"{article}.{n}" for n in range(1, LAW_COUNTS[article] + 1)] if article else []
    assert industry_ids == expected
    # No flags: the management items but 3(三), and Art.14.
    assert [i for i in ids if i not in industry_ids] == ["3.1", "3.2", "14"]


def test_selecting_flags_are_known_process_flags():
    assert set().union(*FLAG_OF_ARTICLE.values()) <= set(ENTERPRISE_FLAGS)
    for criterion in CRITERIA:
        assert criterion.applies_when <= set(ENTERPRISE_FLAGS)
