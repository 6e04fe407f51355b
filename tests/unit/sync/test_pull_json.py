"""The pull answer built by the database around stored JSON text means what decoding and re-encoding would."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, select, text

from sync import tables
from sync.pull_json import change_wire, page_json
from tests.databases import postgres_schema


@contextmanager
def _engine(kind: str, tmp_path):
    if kind == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'wire.db'}")
        yield engine
        engine.dispose()
        return
    with postgres_schema() as (url, connect_args):
        engine = create_engine(url, connect_args=connect_args)
        yield engine
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def answer(request, tmp_path):
    """Store (id, deleted, data text) rows as the store does and return the page the database builds."""
    with _engine(request.param, tmp_path) as engine:
        tables.entities.create(engine)

        def build(*rows: tuple[str, bool, str], cursor: str = "cur", last_seq: int | None = 7) -> bytes:
            with engine.begin() as connection:
                connection.execute(text("DELETE FROM sync_entities"))
                for position, (entity_id, deleted, data) in enumerate(rows, start=1):
                    connection.execute(
                        text(
                            "INSERT INTO sync_entities (entity, id, scope, version, deleted, data, position,"
                            " updated_at) VALUES ('note', :id, 's', :v, :d, :data, :p, CURRENT_TIMESTAMP)"
                        ),
                        {"id": entity_id, "v": position, "d": deleted, "data": data, "p": position},
                    )
                wires = connection.execute(
                    select(change_wire()).select_from(tables.entities).order_by(tables.entities.c.position)
                ).scalars()
                return page_json(list(wires), cursor, last_seq, True)

        yield build


def stored(value) -> str:
    """The text the store writes: JSON, possibly with \\u escapes."""
    return json.dumps(value)


def test_a_page_means_the_stored_values_with_its_envelope(answer):
    values = [{"title": "1号高炉煤气报警仪失灵", "n": 1.5, "tags": ['a"b', "c\\d", "e\nf"]}, {}, None]
    ids = ["id-0", 'id-"1"\\', "id-2"]  # ids are quoted by the database, whatever they hold
    page = json.loads(answer(*((ids[i], i == 1, stored(v)) for i, v in enumerate(values))))
    assert page == {
        "changes": [
            {"entity": "note", "id": ids[i], "version": i + 1, "deleted": i == 1, "data": v}
            for i, v in enumerate(values)
        ],
        "cursor": "cur",
        "last_seq": 7,
        "more": True,
    }


def test_escaped_pairs_become_their_character(answer):
    body = answer(("n", False, stored({"a": ["\U0001f600", "\\ud800 is text"]})))
    assert json.loads(body)["changes"][0]["data"] == {"a": ["\U0001f600", "\\ud800 is text"]}


def test_stored_lone_surrogates_go_out_as_replacement_characters_and_the_answer_is_utf8():
    # Only SQLite can hold them (PostgreSQL's jsonb refuses them): no database needed to build the page.
    data = stored({"a\ud800": ["x\udfffy", "\U0001f600"]})
    wire = '{"data":' + data + ',"deleted":false,"entity":"n","id":"n","version":1}'
    body = page_json([wire.encode()], "c", None, False)
    change = json.loads(body.decode("utf-8"))["changes"][0]
    assert change["data"] == {"a\ufffd": ["x\ufffdy", "\U0001f600"]}
    assert json.loads(body)["last_seq"] is None


def test_statements_using_the_wire_compile_once():
    # SQLAlchemy caches a statement's compiled form by its key: an element without one ("no key") is
    # compiled again on every pull, a fifth of an incremental pull's time.
    statement = select(change_wire()).select_from(tables.entities)
    assert statement._generate_cache_key() is not None
