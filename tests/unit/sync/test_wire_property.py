"""Random bodies never crash a push: each is a 400, another protocol error, or a valid answer."""

from __future__ import annotations

import json
import sys
import uuid
from datetime import UTC

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync import SyncError
from sync.wire import _is_strict_json, _parse_any_offset, is_uuid, parse_time

from .notes import ALICE, SHA

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
uuids = st.uuids().map(str)
times = st.sampled_from(
    [
        "2026-11-29T08:00:00Z",
        "2026-11-29T08:00:00.123456789+08:00",
        "0001-01-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
    ]
)


def maybe(valid):
    """Mostly a valid value, sometimes any JSON at all."""
    return st.one_of(valid, valid, json_values)


commands = st.fixed_dictionaries(
    {
        "seq": maybe(st.integers(min_value=1, max_value=4)),
        "id": maybe(uuids),
        "type": maybe(
            st.sampled_from(["note.create", "note.edit", "note.delete", "note.attach", "note.fly"])
        ),
        "entity_id": maybe(uuids),
        "captured_at": maybe(times),
        "args": maybe(st.fixed_dictionaries({"text": json_values, "photos": st.just([SHA])})),
    }
)
bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "client_id": maybe(uuids),
            "sent_at": maybe(times),
            "commands": maybe(st.lists(commands, max_size=4)),
        }
    ),
)


def check_answer(engine, sessions, body) -> None:
    with sessions() as session:
        try:
            answer = engine.push(session, ALICE, body, 100)
        except SyncError as error:
            assert error.status in (400, 409) and error.code
            return
    assert set(answer) == {"last_seq", "outcomes", "blocked"}
    for outcome in answer["outcomes"]:
        assert outcome["status"] in ("applied", "rejected")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_random_bodies_never_crash_the_engine(engine, sessions, body):
    if isinstance(body, dict) and is_uuid(body.get("client_id")):
        body = {**body, "client_id": str(uuid.uuid4())}  # a fresh client each example, so seq 1 applies
    check_answer(engine, sessions, body)


any_floats = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12,
)


@given(any_floats)
@settings(max_examples=300, deadline=None)
def test_args_are_strict_json_exactly_when_the_standard_library_would_write_them_without_nan(value):
    try:
        json.dumps(value, allow_nan=False)
        expected = True
    except ValueError:
        expected = False
    assert _is_strict_json(value) is expected


def test_args_nested_past_the_recursion_limit_are_not_strict_json():
    deep: list = []
    for _ in range(sys.getrecursionlimit() + 10):
        deep = [deep]
    assert _is_strict_json({"a": deep}) is False


@given(st.datetimes().map(lambda moment: moment.replace(tzinfo=UTC)))
@settings(max_examples=300, deadline=None)
def test_the_browsers_time_form_parses_as_the_general_parser_reads_it(moment):
    text = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    expected = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    assert parse_time(text) == _parse_any_offset(text) == expected
    assert parse_time(text).tzinfo is UTC
    # Other forms of the same moment take the general path.
    assert parse_time(text.replace("T", "t")) == parse_time(text[:-1] + "+00:00") == expected
