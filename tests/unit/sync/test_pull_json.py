"""The pull answer spliced from stored JSON text means what decoding and re-encoding it would."""

from __future__ import annotations

import json

from sync.pull_json import change_json, page_json


def stored(value) -> str:
    """The text the store writes (SQLAlchemy's JSON type: json.dumps, ASCII with escapes)."""
    return json.dumps(value)


def answer(*datas) -> dict:
    changes = [change_json("note", f"id-{i}", i + 1, i == 1, d) for i, d in enumerate(datas)]
    return json.loads(page_json(changes, "cur", 7, True))


def test_a_page_means_the_stored_values_with_its_envelope():
    values = [{"title": "1号高炉煤气报警仪失灵", "n": 1.5, "tags": ['a"b', "c\\d", "e\nf"]}, {}, None]
    page = answer(*(stored(v) for v in values))
    assert page == {
        "changes": [
            {"entity": "note", "id": f"id-{i}", "version": i + 1, "deleted": i == 1, "data": v}
            for i, v in enumerate(values)
        ],
        "cursor": "cur",
        "last_seq": 7,
        "more": True,
    }


def test_stored_lone_surrogates_go_out_as_replacement_characters_and_pairs_as_their_character():
    text = stored({"a\ud800": ["x\udfffy", "\U0001f600", "c\x00d", "\\ud800 is text"]})
    [change] = answer(text)["changes"]
    assert change["data"] == {"a\ufffd": ["x\ufffdy", "\U0001f600", "c\x00d", "\\ud800 is text"]}


def test_the_answer_is_utf8_json_even_when_repaired():
    body = page_json([change_json("note", "n", 1, False, stored({"t": "\udc00"}))], "c", None, False)
    assert json.loads(body.decode("utf-8"))["changes"][0]["data"] == {"t": "\ufffd"}
    assert json.loads(body)["last_seq"] is None
