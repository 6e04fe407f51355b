"""Turns the limits the server publishes (OpenAPI `args.*` schemas) into the PWA forms' limits file."""

from __future__ import annotations

import json
from pathlib import Path

from .config import ROOT

# The file the PWA's forms read (pwa/src/lib/limits.js); committed, so a clone builds without Python.
LIMITS_FILE = ROOT / "pwa" / "src" / "generated" / "limits.json"
ARGS_PREFIX = "args."
# Request bodies of forms that are not commands: form name -> published component schema.
BODIES = {"auth.login": "LoginBody"}
# The keywords a form can enforce before sending; anything else (formats, uuids) is the server's alone.
KEYWORDS = ("type", "minLength", "maxLength", "minItems", "maxItems", "enum", "pattern", "minimum", "maximum")


def form_limits(schemas: dict) -> dict:
    """Return {form: {field: limits}} from the OpenAPI document's component schemas."""
    commands = (name for name in schemas if name.startswith(ARGS_PREFIX))
    forms = {name.removeprefix(ARGS_PREFIX): schemas[name] for name in commands}
    forms.update({form: schemas[name] for form, name in BODIES.items()})
    return {form: _fields(schema) for form, schema in sorted(forms.items())}


def _fields(schema: dict) -> dict:
    """Return each property's enforceable keywords, with `required` when the server needs the key."""
    required = set(schema.get("required", ()))
    fields = {}
    for name, prop in sorted(schema.get("properties", {}).items()):
        limits = {key: prop[key] for key in KEYWORDS if key in prop}
        if "$ref" in prop:
            limits["type"] = "object"
        if isinstance(prop.get("items"), dict):
            items = {key: prop["items"][key] for key in KEYWORDS if key in prop["items"]}
            if items:
                limits["items"] = items
        if name in required:
            limits["required"] = True
        fields[name] = limits
    return fields


def limits_json(schemas: dict) -> str:
    """The generated file's text: stable key order, readable diffs."""
    return json.dumps(form_limits(schemas), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_limits(schemas: dict, path: Path = LIMITS_FILE) -> bool:
    """Write the limits file; True when its content changed."""
    text = limits_json(schemas)
    changed = not path.exists() or path.read_text(encoding="utf-8") != text
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return changed
