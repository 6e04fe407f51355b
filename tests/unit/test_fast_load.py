"""The args fast path: whenever it answers, marshmallow loads the args alike, for every command type."""

from __future__ import annotations

import importlib
import pkgutil
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import fields, validate

import backend.commands
from backend.commands.common import load_args
from backend.schemas.fast_load import ASK_MARSHMALLOW, fast_load, schema_loader
from backend.schemas.hazard_commands import ReportArgs
from sync import Rejection


def registered_args() -> dict[str, type]:
    """Every command type's args schema, from the ARGS dict of each module under backend/commands."""
    found = {}
    for module_info in pkgutil.iter_modules(backend.commands.__path__):
        module = importlib.import_module(f"backend.commands.{module_info.name}")
        found.update(getattr(module, "ARGS", {}))
    return found


ARGS = registered_args()

FAST_COMMANDS = {
    "certificate.revoke",
    "drill.add_photos",
    "drill.cancel",
    "drill.end",
    "drill.evaluate",
    "drill.start",
    "enterprise.confirm_ledger",
    "equipment.retire",
    "hazard.dismiss",
    "hazard.rectify",
    "hazard.report",
    "inspection.finish",
    "inspection.start",
    "lockout.apply_lock",
    "lockout.confirm",
    "lockout.open",
    "lockout.remove_lock",
    "lockout.verify_zero_energy",
    "notification.acknowledge",
    "notification.read",
    "training.cancel",
    "training.close",
    "training.sign_in",
    "training.tick",
    "user.deactivate",
    "user.reactivate",
    "user.reset_password",
}

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(["", " ", "1", "0", "true", "false", "null", "general\n", "3.2.1\n", "١٢"]),
    st.binary(max_size=8),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=8)), max_size=4),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)

UUID_FORMS = (str, lambda u: str(u).upper(), lambda u: u.hex, lambda u: f"{{{u}}}", lambda u: u.urn)
FIELD_STATES = ("missing", "valid", "near miss", "junk")
SHAPES = ("valid", "valid", "one field off", "any fields", "not a dict")


def repeated(lengths: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    """Strings of a drawn length, of any one character (cheap even at 5,000 characters)."""
    return st.builds(lambda char, n: char * n, st.characters(), lengths)


def valid_value(field: fields.Field) -> st.SearchStrategy:
    """Values valid for a field by construction: its type, its choices, its pattern, within its limits."""
    rules = {type(rule): rule for rule in field.validators}
    limit = rules.get(validate.Length)
    low = (limit.min or 0) if limit else 0
    high = limit.max if limit and limit.max is not None else 50
    if isinstance(field, fields.List):
        value = st.lists(valid_value(field.inner), min_size=low, max_size=min(high, 25))
    elif isinstance(field, fields.Boolean):
        value = st.booleans()
    elif isinstance(field, fields.UUID):
        value = st.builds(lambda u, form: form(u), st.uuids(), st.sampled_from(UUID_FORMS))
    elif isinstance(field, fields.Date):
        value = st.dates().map(lambda day: day.isoformat())
    elif validate.OneOf in rules:
        value = st.sampled_from(list(rules[validate.OneOf].choices))
    elif isinstance(field, fields.Integer):
        value = st.integers(-5, 105)
    elif validate.Regexp in rules:
        value = st.from_regex(rules[validate.Regexp].regex)
    else:
        value = st.one_of(st.text(min_size=low, max_size=min(high, 40)), repeated(st.integers(low, high)))
    return st.one_of(value, st.none()) if field.allow_none else value


def near_miss(field: fields.Field) -> st.SearchStrategy:
    """Values just outside what a field takes: past its limits, off its choices or pattern, a cousin type."""
    rules = {type(rule): rule for rule in field.validators}
    limit = rules.get(validate.Length)
    misses = [JUNK, st.none()]
    if limit and isinstance(field, fields.List):
        item = valid_value(field.inner)
        misses += [st.lists(item, min_size=limit.max + 1, max_size=limit.max + 1)] if limit.max else []
        misses += [st.lists(st.one_of(item, JUNK, near_miss(field.inner)), min_size=1, max_size=3)]
    elif limit:
        misses += [repeated(st.sampled_from([max(limit.min or 0, 1) - 1, (limit.max or 0) + 1]))]
    if validate.OneOf in rules:
        choices = list(rules[validate.OneOf].choices)
        misses += [st.sampled_from(choices).map(lambda c: f"{c}\n"), st.sampled_from(choices).map(str)]
    if validate.Regexp in rules:
        valid = st.from_regex(rules[validate.Regexp].regex)
        misses += [valid.map(lambda v: v + "x"), valid.map(lambda v: " " + v), valid.map(str.upper)]
    if isinstance(field, fields.UUID):
        misses += [st.uuids(), st.uuids().map(lambda u: str(u)[:-1]), st.uuids().map(lambda u: f" {u} ")]
    if isinstance(field, fields.Integer):
        misses += [st.sampled_from([True, False, 1.0, 1.5, "1", "01"])]
    return st.one_of(misses)


@st.composite
def args_for(draw, schema_class: type) -> object:
    """Args: valid, one field off, or any fields missing, junk or near misses, with extra keys; or no dict."""
    load_fields = schema_class().load_fields
    shape = draw(st.sampled_from(SHAPES))
    if shape == "not a dict":
        return draw(JUNK)
    args = {}
    for name, field in load_fields.items():
        how = draw(st.sampled_from(FIELD_STATES)) if shape == "any fields" else "valid"
        if how == "valid" and (field.required or draw(st.booleans())):
            args[name] = draw(valid_value(field))
        elif how in ("near miss", "junk"):
            args[name] = draw(near_miss(field) if how == "near miss" else JUNK)
    if shape == "one field off" and load_fields:
        name = draw(st.sampled_from(sorted(load_fields)))
        args[name] = draw(near_miss(load_fields[name]))
    return {**draw(st.dictionaries(st.text(max_size=10), JUNK, max_size=3)), **args}


def same(left: object, right: object) -> bool:
    """Tell equal values of the very same types (True == 1 and str(u) != u would otherwise slip by)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same(left[key], right[key]) for key in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    return left == right


def assert_fast_path_agrees(schema_class: type, args: object) -> None:
    """Whenever the fast path answers, marshmallow loads the same args to the same value."""
    schema = schema_class()
    loaded = fast_load(schema, args)
    if loaded is not ASK_MARSHMALLOW:
        assert same(loaded, schema.load(args)), (args, loaded)


@pytest.mark.parametrize("command_type", sorted(ARGS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_path_answers_only_what_marshmallow_loads_alike(command_type, data):
    assert_fast_path_agrees(ARGS[command_type], data.draw(args_for(ARGS[command_type])))


# hazard.report is the push's hot path: its near misses get a closer look.
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(args=args_for(ReportArgs))
def test_hazard_report_fast_path_agrees_with_marshmallow(args):
    assert_fast_path_agrees(ReportArgs, args)


def test_fast_path_covers_the_simple_schemas_and_hazard_report():
    covered = {command_type for command_type, schema in ARGS.items() if schema_loader(schema) is not None}
    assert covered == FAST_COMMANDS
    assert ARGS["hazard.report"] is ReportArgs


def test_hazard_report_loads_on_the_fast_path_as_marshmallow_would():
    schema = ReportArgs()
    args = {"title": "出口堵塞", "description": "", "location": "B库", "severity": "major", "extra": 1}
    loaded = fast_load(schema, args)
    assert loaded is not ASK_MARSHMALLOW
    assert same(loaded, schema.load(args))
    assert loaded["photos"] == [] and loaded["criterion"] is None and "category" not in loaded


def test_uuids_load_as_uuid_objects_on_the_fast_path():
    schema = ARGS["training.tick"]()
    user_id = uuid.uuid4()
    assert fast_load(schema, {"user_id": str(user_id).upper()}) == {"user_id": user_id}


def test_fast_path_declines_options_it_was_not_built_for():
    assert fast_load(ReportArgs(partial=True), {"title": "t"}) is ASK_MARSHMALLOW
    assert fast_load(ReportArgs(only=("title",)), {"title": "t"}) is ASK_MARSHMALLOW


@pytest.mark.parametrize(
    ("change", "field"),
    [({"description": "x" * 5001}, "description"), ({"severity": "catastrophic"}, "severity")],
)
def test_hazard_report_rejections_keep_marshmallow_messages(change, field):
    schema = ReportArgs()
    args = {"title": "t", "description": "", "location": "l", "severity": "general", **change}
    expected = schema.validate(args)
    with pytest.raises(Rejection) as rejected:
        load_args(schema, args)
    assert rejected.value.code == "invalid"
    assert rejected.value.fields == expected
    assert list(expected) == [field]
