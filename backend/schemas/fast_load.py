"""A plain-Python fast path for command argument schemas: valid args loaded as marshmallow would load them.

For an args schema made only of fields and validators it can mirror exactly, `fast_load` returns what
`schema.load(args)` returns for valid args; for anything else (invalid args, an unfamiliar type, a field or
schema feature it does not mirror) it returns ASK_MARSHMALLOW, so every error still comes from marshmallow.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any, Final

from marshmallow import EXCLUDE, Schema, fields, missing, validate
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA

from .hazard_commands import StrictBoolean

ASK_MARSHMALLOW: Final = object()

Convert = Callable[[Any], Any]
Check = Callable[[Any], bool]

# Schema methods on marshmallow's load path: a schema that overrides one is not mirrored.
LOAD_PATH_METHODS = ("load", "_do_load", "_deserialize", "_invoke_field_validators", "_call_and_store")
LOAD_HOOKS = (PRE_LOAD, POST_LOAD, VALIDATES, VALIDATES_SCHEMA)
CHOICE_TYPES = (tuple, list, set, frozenset)


def fast_load(schema: Schema, args: Any) -> Any:
    """Return schema.load(args) for args the fast path is sure are valid, else ASK_MARSHMALLOW."""
    loader = schema_loader(type(schema))
    if loader is None or not _default_shaped(schema):
        return ASK_MARSHMALLOW
    return loader(args)


def _default_shaped(schema: Schema) -> bool:
    """Tell whether an instance loads as its class built with no options does (the loader's assumption)."""
    return (
        schema.only is None
        and not schema.exclude
        and schema.many is False
        and not schema.partial
        and schema.unknown == EXCLUDE
        and not schema.load_only
        and not schema.dump_only
    )


@cache
def schema_loader(schema_class: type[Schema]) -> Callable[[Any], Any] | None:
    """Build (once per class) the loader of a schema, or None when any part of it is not mirrored."""
    schema = schema_class()
    if not _default_shaped(schema) or schema_class.dict_class is not dict:
        return None
    if any(schema._hooks[hook] for hook in LOAD_HOOKS):
        return None
    if any(getattr(schema_class, name) is not getattr(Schema, name) for name in LOAD_PATH_METHODS):
        return None
    plan = []
    for name, field in schema.load_fields.items():
        convert = field_converter(field)
        if convert is None or "." in name:
            return None
        plan.append((name, convert, field.required, field.load_default))
    return _loader(tuple(plan))


def _loader(plan: tuple[tuple[str, Convert, bool, Any], ...]) -> Callable[[Any], Any]:
    """Make the loader: unknown keys dropped (EXCLUDE), missing ones required or defaulted, others loaded."""

    def load(args: Any) -> Any:
        if type(args) is not dict:
            return ASK_MARSHMALLOW
        loaded = {}
        for name, convert, required, default in plan:
            raw = args.get(name, missing)
            if raw is missing:
                if required:
                    return ASK_MARSHMALLOW
                if default is not missing:
                    loaded[name] = default() if callable(default) else default
                continue
            value = convert(raw)
            if value is ASK_MARSHMALLOW:
                return ASK_MARSHMALLOW
            loaded[name] = value
        return loaded

    return load


def field_converter(field: fields.Field) -> Convert | None:
    """Return a raw value → loaded value (or ASK_MARSHMALLOW) function for a mirrored field, else None."""
    if field.pre_load or field.post_load or field.data_key is not None or field.attribute is not None:
        return None
    if field.load_only or field.dump_only:
        return None
    parse = _parser(field)
    checks = [_check(rule, field) for rule in field.validators]
    if parse is None or None in checks:
        return None
    allow_none = field.allow_none

    def convert(raw: Any) -> Any:
        if raw is None:
            return None if allow_none else ASK_MARSHMALLOW
        value = parse(raw)
        if value is ASK_MARSHMALLOW:
            return value
        for check in checks:
            if not check(value):
                return ASK_MARSHMALLOW
        return value

    return convert


def _parser(field: fields.Field) -> Convert | None:
    """Return the type step of a field: only the JSON types marshmallow turns into themselves."""
    kind = type(field)
    if kind is fields.String:
        return _exact(str)
    if kind is fields.Integer:
        # Strict or not, an int loads as itself; floats and numeric strings are marshmallow's to cast.
        return _exact(int)
    if kind is StrictBoolean or (kind is fields.Boolean and _default_words(field)):
        return _boolean
    if kind is fields.UUID:
        return _uuid
    if kind is fields.List:
        inner = field_converter(field.inner)
        return None if inner is None else _list_of(inner)
    return None


def _default_words(field: fields.Boolean) -> bool:
    """Tell a Boolean that keeps marshmallow's truthy/falsy sets, where true and false load as themselves."""
    return field.truthy is fields.Boolean.truthy and field.falsy is fields.Boolean.falsy


def _exact(python_type: type) -> Convert:
    # Exact types only: marshmallow converts subclasses (bool is an int, str subclasses become str).
    def parse(raw: Any) -> Any:
        return raw if type(raw) is python_type else ASK_MARSHMALLOW

    return parse


def _boolean(raw: Any) -> Any:
    """Load JSON true/false as themselves; strings and numbers go to marshmallow."""
    return raw if raw is True or raw is False else ASK_MARSHMALLOW


def _uuid(raw: Any) -> Any:
    """Load a string as marshmallow does, with uuid.UUID(raw); a uuid.UUID object comes back."""
    if type(raw) is not str:
        return ASK_MARSHMALLOW
    try:
        return uuid.UUID(raw)
    except (ValueError, AttributeError, TypeError):
        return ASK_MARSHMALLOW


def _list_of(inner: Convert) -> Convert:
    """Load a JSON array item by item; one item marshmallow must judge sends the whole list to it."""

    def parse(raw: Any) -> Any:
        if type(raw) is not list:
            return ASK_MARSHMALLOW
        loaded = [inner(item) for item in raw]
        return ASK_MARSHMALLOW if ASK_MARSHMALLOW in loaded else loaded

    return parse


def _check(rule: Any, field: fields.Field) -> Check | None:
    """Return a predicate equal to a validator on this field's loaded values, or None if not mirrored."""
    kind, rule_kind = type(field), type(rule)
    if rule_kind is validate.Length and kind in (fields.String, fields.List):
        return _length(rule)
    if rule_kind is validate.OneOf and kind in (fields.String, fields.Integer):
        choices = rule.choices
        return (lambda value: value in choices) if type(choices) in CHOICE_TYPES else None
    if rule_kind is validate.Regexp and kind is fields.String:
        regex = rule.regex
        if not isinstance(regex, re.Pattern) or not isinstance(regex.pattern, str):
            return None
        # marshmallow's Regexp uses match (anchored at the start only), not fullmatch.
        return lambda value: regex.match(value) is not None
    return None


def _length(rule: validate.Length) -> Check:
    """Mirror validate.Length: equal alone, else inclusive min and max (of str characters, list items)."""
    low, high, equal = rule.min, rule.max, rule.equal
    if equal is not None:
        return lambda value: len(value) == equal
    return lambda value: (low is None or len(value) >= low) and (high is None or len(value) <= high)
