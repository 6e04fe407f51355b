"""Parsing and formatting of protocol values: RFC 3339 times, UUIDs, the push body."""

from __future__ import annotations

import functools
import math
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from .types import Command, SyncError, Text

UUID_TEXT = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")
# Stored in a String(64) column: anything else is malformed, not an unknown type the DB cannot hold.
COMMAND_TYPE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def utc_now() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return datetime.now(UTC)


@functools.lru_cache(maxsize=1024)
def format_time(value: datetime | None) -> str | None:
    """Format a datetime as RFC 3339 UTC with milliseconds and a Z (cached: a push formats its time often)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: Any) -> datetime | None:
    """Parse an RFC 3339 string into aware UTC, or None when it is not one."""
    if not isinstance(value, str) or not RFC3339.fullmatch(value):
        return None
    if len(value) == 24 and value[-1] == "Z" and value[10] == "T":
        # The form every client sends (JavaScript's toISOString): no case folding, no long fraction.
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return _parse_any_offset(value)


def _parse_any_offset(value: str) -> datetime | None:
    """Parse any RFC 3339 form the pattern admits: either case, any offset, up to nanoseconds."""
    text = value.replace("z", "Z").replace("t", "T")
    frac = re.search(r"\.(\d+)", text)
    if frac and len(frac.group(1)) > 6:
        text = text.replace(frac.group(0), "." + frac.group(1)[:6])
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError):  # year 1 or 9999 shifted out of range by its offset
        return None


def is_uuid(value: Any) -> bool:
    """Tell whether a value is a UUID in its canonical text form."""
    return isinstance(value, str) and bool(UUID_TEXT.fullmatch(value))


def as_utc(value: datetime) -> datetime:
    """Treat naive datetimes read back from SQLite as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def new_id() -> str:
    """Return a new random UUID string (for server-made records)."""
    return str(uuid.uuid4())


def _malformed(fields: dict[str, list[str]]) -> SyncError:
    return SyncError(
        400, "malformed", Text("请求体格式不正确", "The request body is malformed"), fields=fields
    )


def parse_push(body: Any) -> tuple[str, datetime, list[Command]]:
    """Check the push body's shape and return client id, sent_at and commands, else 400."""
    if not isinstance(body, dict):
        raise _malformed({"_body": ["must be a JSON object"]})
    errors: dict[str, list[str]] = {}
    client_id = body.get("client_id")
    if not is_uuid(client_id):
        errors["client_id"] = ["must be a UUID string"]
    sent_at = parse_time(body.get("sent_at"))
    if sent_at is None:
        errors["sent_at"] = ["must be an RFC 3339 time"]
    raw = body.get("commands")
    if not isinstance(raw, list):
        errors["commands"] = ["must be a list"]
        raise _malformed(errors)
    commands: list[Command] = []
    for index, item in enumerate(raw):
        command = _parse_command(item, f"commands.{index}", errors)
        if command is not None:
            commands.append(command)
    if not errors:
        for before, after in zip(commands, commands[1:], strict=False):
            if after.seq <= before.seq:
                errors["commands"] = ["must be in increasing seq order"]
                break
    if errors:
        raise _malformed(errors)
    return client_id.lower(), sent_at, commands


def _parse_command(item: Any, where: str, errors: dict[str, list[str]]) -> Command | None:
    if not isinstance(item, dict):
        errors[where] = ["must be an object"]
        return None
    problems = []
    seq = item.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        problems.append("seq must be a positive integer")
    if not is_uuid(item.get("id")):
        problems.append("id must be a UUID string")
    if not isinstance(item.get("type"), str) or not COMMAND_TYPE.fullmatch(item["type"]):
        problems.append("type must be 1..64 letters, digits or . _ : -")
    if not is_uuid(item.get("entity_id")):
        problems.append("entity_id must be a UUID string")
    captured_at = parse_time(item.get("captured_at"))
    if captured_at is None:
        problems.append("captured_at must be an RFC 3339 time")
    if not isinstance(item.get("args"), dict):
        problems.append("args must be an object")
    elif not _is_strict_json(item["args"]):
        problems.append("args must be JSON without NaN or Infinity")
    if problems:
        errors[where] = problems
        return None
    return Command(
        seq=seq,
        id=item["id"].lower(),
        type=item["type"],
        entity_id=item["entity_id"].lower(),
        captured_at=captured_at,
        args=item["args"],
    )


def _is_strict_json(value: Any) -> bool:
    """Tell whether a value is JSON as RFC 8259 has it: JSON types only, no NaN or Infinity."""
    try:
        return _strict(value)
    except RecursionError:
        return False


def _strict(value: Any) -> bool:
    if isinstance(value, str) or value is None or isinstance(value, bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _strict(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return all(_strict(item) for item in value)
    return False
