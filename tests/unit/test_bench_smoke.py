"""The bench harness: peer JSON becomes the ratio rows; a cloned template holds as many records as pushes."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from backend.extensions import db
from scripts.bench import peers, seed
from scripts.bench.apps import sqlite_app
from sync import tables

RECORD_TYPES = ("hazard", "drill", "equipment", "lockout", "training_session", "inspection")


def _rep(push: float, pull: float, incr: float) -> dict:
    return {"push_rps": push, "pull_rps": pull, "incr_ms": incr}


def test_peer_json_gives_ratios_and_rounds():
    answer = {
        "n": 100,
        "results": {
            "ours": {"reps": [_rep(500, 10_000, 10), _rep(400, 12_000, 12), _rep(300, 14_000, 14)]},
            # As peers.py names it: the table once showed "n/a" for a key spelt "pouchdb".
            "pouchdb-mem": {"reps": [_rep(1000, 6000, 6)] * 3},
        },
    }
    rows = {row.figure: row.values["SQLite"] for row in peers.rows_of(answer)}
    assert rows["ours/pouchdb push rec/s"] == "0.4"
    assert rows["ours/pouchdb initial pull rec/s"] == "2"
    assert rows["ours/pouchdb incremental pull ms"] == "2"
    assert rows["ours push rec/s by round (100/round)"] == "500 → 400 → 300"
    assert rows["ours push last round / first"] == "0.60"


def test_clone_copies_every_record_of_the_template_with_fresh_ids():
    with sqlite_app() as app:
        enterprise = seed.Enterprise(app)
        done = seed.seed(enterprise, 30, "clone", template=10)
        with app.app_context():
            e = tables.entities.c
            rows = db.session.execute(select(e.entity, e.id).where(e.entity.in_(RECORD_TYPES))).all()
            commands = db.session.scalar(select(db.func.count()).select_from(tables.commands))
    assert done["how"] == "clone" and done["cloned_rows"] > 0
    kinds = Counter(entity for entity, _ in rows)
    # 10 records of the mix: 4 hazards, 1 drill, 2 lockouts (2 equipment), 2 trainings, 1 inspection; × 3.
    assert kinds == {
        "hazard": 12,
        "drill": 3,
        "equipment": 6,
        "lockout": 6,
        "training_session": 6,
        "inspection": 3,
    }
    assert len({entity_id for _, entity_id in rows}) == len(rows)
    assert commands == 3 * done["pushed"]


def test_make_bench_runs_every_part_when_none_is_named_even_with_options(monkeypatch, tmp_path):
    # `make bench BENCH_ARGS="--json F"` once stopped at argparse: a list default checked as one choice.
    from scripts.bench import __main__ as bench

    ran: list[str] = []
    monkeypatch.setattr(bench, "run_part", lambda part, databases, args: ran.append(part) or [])
    monkeypatch.setattr(bench, "print_table", lambda *args: None)
    for argv, expected in (
        (["--json", str(tmp_path / "rows.json")], list(bench.PARTS)),
        ([], list(bench.PARTS)),
        (["devices", "growth"], ["growth", "devices"]),
    ):
        ran.clear()
        monkeypatch.setattr("sys.argv", ["bench", *argv])
        bench.main()
        assert ran == expected
