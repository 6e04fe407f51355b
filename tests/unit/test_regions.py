"""GB/T 2260 regions: levels and parents read from the code, the Shanxi data, county ⊂ city ⊂ province."""

from __future__ import annotations

import pytest

from backend.rules.region_codes import CITIES, COUNTIES, NAMES
from backend.rules.regions import (
    ancestors,
    code_range,
    counties_of,
    is_code,
    level_of,
    parent_of,
    region,
    subtree,
    within,
)

LVLIANG_COUNTIES = {
    "141102": "离石区",
    "141121": "文水县",
    "141122": "交城县",
    "141123": "兴县",
    "141124": "临县",
    "141125": "柳林县",
    "141126": "石楼县",
    "141127": "岚县",
    "141128": "方山县",
    "141129": "中阳县",
    "141130": "交口县",
    "141181": "孝义市",
    "141182": "汾阳市",
}


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [("140000", "province", None), ("141100", "city", "140000"), ("141122", "county", "141100")],
)
def test_level_and_parent_come_from_the_code(code, level, parent):
    assert (level_of(code), parent_of(code)) == (level, parent)


def test_shanxi_has_its_11_cities_and_117_county_level_divisions():
    assert len(CITIES) == 11 and len(COUNTIES) == 117
    assert all(len(code) == 6 and code.isdigit() and NAMES[code] for code in NAMES)
    assert all(level_of(c) == "city" for c in CITIES) and all(level_of(c) == "county" for c in COUNTIES)
    assert all(parent_of(c) in CITIES for c in COUNTIES)


def test_every_county_of_lvliang_and_taiyuan_is_there():
    assert {c: NAMES[c] for c in counties_of("141100")} == LVLIANG_COUNTIES
    assert len(counties_of("140100")) == 10 and NAMES["140105"] == "小店区"


def test_a_county_lies_in_its_city_and_province_and_not_in_its_neighbour():
    assert within("141122", "141122") and within("141122", "141100") and within("141122", "140000")
    assert not within("141122", "141121") and not within("141100", "141122")
    assert not within("141122", "140100")
    assert ancestors("141122") == ["140000", "141100"]


def test_a_subtree_is_the_node_and_everything_below_it():
    assert subtree("141122") == ("141122",)
    assert subtree("141100") == ("141100", *sorted(LVLIANG_COUNTIES))
    assert len(subtree("140000")) == 1 + 11 + 117


def test_the_code_range_of_a_node_holds_exactly_its_subtree():
    for node in ("140000", "141100", "141122"):
        low, high = code_range(node)
        assert {c for c in NAMES if low <= c <= high} == set(subtree(node))


def test_the_region_entity_names_its_ancestors_province_first():
    assert region("141121").as_data() == {
        "code": "141121",
        "name": "文水县",
        "level": "county",
        "parent_code": "141100",
        "path": [{"code": "140000", "name": "山西省"}, {"code": "141100", "name": "吕梁市"}],
    }


@pytest.mark.parametrize("value", ["141199", "14112", 141122, None, "", "110000"])
def test_unknown_codes_are_not_codes(value):
    assert not is_code(value)
