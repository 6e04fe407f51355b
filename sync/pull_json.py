"""A pull page as JSON bytes: each entity's stored JSON text spliced in, not decoded and re-encoded."""

from __future__ import annotations

import json
from collections.abc import Iterable
from json.encoder import encode_basestring

from .text_hygiene import repaired


def spliceable(text: str) -> str:
    """Return stored JSON text ready to splice into an answer, meaning the same value.

    The store's text goes out as it is: \\uXXXX escapes and all (decoding them costs more CPU than the
    compression they save). Only text that may hold an escaped surrogate is decoded and re-encoded, so that
    a lone one reaches page_json as a character it repairs, as the app's JSON provider does.
    """
    if "\\ud" in text or "\\uD" in text:
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


def change_json(entity: str, entity_id: str, version: int, deleted: bool, data: str | None) -> str:
    """Return one change as JSON text; data is the stored JSON text of the entity's state."""
    return (
        f'{{"data":{"null" if data is None else spliceable(data)},"deleted":{"true" if deleted else "false"},'
        f'"entity":{encode_basestring(entity)},"id":{encode_basestring(entity_id)},"version":{int(version)}}}'
    )


def page_json(changes: Iterable[str], cursor: str, last_seq: int | None, more: bool) -> bytes:
    """Join changes (from change_json) into the pull answer's UTF-8 bytes.

    A lone surrogate cannot be encoded as UTF-8: as the app's JSON provider does, the whole answer is then
    repaired (a split pair joined, a lone one written as U+FFFD).
    """
    text = (
        '{"changes":['
        + ",".join(changes)
        + f'],"cursor":{encode_basestring(cursor)},'
        + f'"last_seq":{"null" if last_seq is None else int(last_seq)},'
        + f'"more":{"true" if more else "false"}}}\n'
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return repaired(text).encode("utf-8")
