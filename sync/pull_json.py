"""A pull page as JSON bytes: each change's JSON made by the database from the stored text, joined here.

The database writes each change's envelope around the entity's stored JSON text (`change_wire`), so a
page is one join of byte strings: nothing is decoded, re-encoded or formatted row by row in Python.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from json.encoder import encode_basestring

from sqlalchemy import ColumnElement, LargeBinary
from sqlalchemy.ext.compiler import compiles

from . import tables
from .text_hygiene import repaired


class change_wire(ColumnElement):  # noqa: N801 (reads as the SQL function it renders)
    """One change of sync_entities as UTF-8 JSON bytes: {"data","deleted","entity","id","version"}."""

    type = LargeBinary()
    # No state of its own: one cache key for every instance, so statements using it compile once.
    inherit_cache = True
    _traverse_internals = ()


def _envelope(compiler, data: str, quote: str) -> str:
    """Render the envelope around data; quote is the dialect's JSON string quoting, {} for the column."""
    e = tables.entities.c
    deleted, entity, id_, version = (compiler.process(c) for c in (e.deleted, e.entity, e.id, e.version))
    return (
        f"""'{{"data":' || COALESCE({data}, 'null') || ',"deleted":' || """
        f"""CASE WHEN {deleted} THEN 'true' ELSE 'false' END || ',"entity":' || {quote.format(entity)} || """
        f"""',"id":' || {quote.format(id_)} || ',"version":' || {version} || '}}'"""
    )


@compiles(change_wire, "sqlite")
def _sqlite(element, compiler, **kw) -> str:
    data = compiler.process(tables.entities.c.data)
    return f"CAST({_envelope(compiler, data, 'json_quote({})')} AS BLOB)"


@compiles(change_wire, "postgresql")
def _postgresql(element, compiler, **kw) -> str:
    # Text, not bytea: bytea travels hex-encoded, twice the bytes; page_json encodes each row in C.
    data = f"CAST({compiler.process(tables.entities.c.data)} AS TEXT)"
    return f"({_envelope(compiler, data, 'CAST(to_json({}) AS TEXT)')})"


def page_json(changes: Sequence[bytes | str], cursor: str, last_seq: int | None, more: bool) -> bytes:
    """Join changes (from change_wire) into the pull answer's UTF-8 bytes.

    The stored text goes out as it is, \\uXXXX escapes and all. Only a page that may hold an escaped
    surrogate is decoded and re-encoded, so that a lone one is written as U+FFFD (a pair as its character),
    as the app's JSON provider does.
    """
    parts = [c if isinstance(c, bytes) else c.encode("utf-8") for c in changes]
    body = b"".join(
        (
            b'{"changes":[',
            b",".join(parts),
            f'],"cursor":{encode_basestring(cursor)},'
            f'"last_seq":{"null" if last_seq is None else int(last_seq)},'
            f'"more":{"true" if more else "false"}}}\n'.encode(),
        )
    )
    # A backslash first (memchr, ~3 µs for a 200 KB page): searching the 3-byte escape straight away took
    # ~330 µs, a fifth of the server's time for a page. Stored text written by orjson has no backslash
    # unless it holds a quote, a control character or an escape.
    if b"\\" in body and (b"\\ud" in body or b"\\uD" in body):
        text = json.dumps(json.loads(body), ensure_ascii=False)
        try:
            return (text + "\n").encode("utf-8")
        except UnicodeEncodeError:
            return (repaired(text) + "\n").encode("utf-8")
    return body
