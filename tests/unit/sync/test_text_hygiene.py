"""The text rule itself: which characters are refused, how paths are named, how stored text is repaired."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.text_hygiene import is_clean, refused_fields, repaired, scrubbed

C0_ALLOWED = {"\t", "\n", "\r"}


@pytest.mark.parametrize("code", range(0x20))
def test_every_c0_control_but_tab_and_line_breaks_is_refused(code):
    assert is_clean(f"a{chr(code)}b") is (chr(code) in C0_ALLOWED)


@pytest.mark.parametrize("text", ["\ud800", "\udbff", "\udc00", "\udfff", "x\ud83d"])
def test_a_lone_surrogate_is_refused(text):
    assert not is_clean(text)


@pytest.mark.parametrize("text", ["", "安全台账", "\U0001f600", "\x7f", "\x85", "\u2028", "\ufeff", "\ufffd"])
def test_ordinary_and_non_c0_text_is_clean(text):
    assert is_clean(text)


def test_paths_name_list_items_nested_fields_and_refused_keys():
    value = {"points": [{"location": "ok"}, {"location": "\x00"}], "k\ud800": 1, "tags": ["a", "\x1b"]}
    assert sorted(refused_fields(value)) == ["k\ufffd", "points.1.location", "tags.1"]
    assert list(refused_fields("\x00")) == ["_body"]
    assert refused_fields({"note": "第一行\r\n第二行\t"}) == {}


def test_a_deeply_nested_value_is_walked_without_recursion():
    value = inner = []
    for _ in range(5_000):
        inner.append([])
        inner = inner[0]
    inner.append("\x00")
    assert list(refused_fields(value)) == [".".join(["0"] * 5_001)]
    assert not refused_fields(scrubbed(value))


def test_scrubbing_replaces_refused_characters_and_keeps_clean_values_as_they_are():
    clean = {"a": ["b", 1, None, True], "c": {"d": "e"}}
    assert scrubbed(clean) is clean
    assert scrubbed({"a\x00": ["\ud800x", 2]}) == {"a\ufffd": ["\ufffdx", 2]}


def test_repair_joins_a_split_surrogate_pair_and_replaces_lone_ones():
    assert repaired("\ud83d\ude00") == "\U0001f600"
    assert repaired("a\ud800b\udc00") == "a\ufffdb\ufffd"
    assert repaired("无代理字符") == "无代理字符"


@settings(max_examples=200, derandomize=True, database=None)
@given(st.text(st.characters(exclude_categories=())))
def test_scrubbed_text_is_always_clean_and_encodable(text):
    clean = scrubbed(text)
    assert is_clean(clean)
    clean.encode("utf-8")
    assert (clean == text) is is_clean(text)
