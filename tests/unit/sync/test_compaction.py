"""Compaction: old commands and tombstones are forgotten, the horizon moves, and no client misses a thing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from sync import SyncError, compaction, positions, tables
from sync.pull import decode_cursor, encode_cursor, scope_fingerprint

from .notes import ALICE, Device, make_engine, new_id

DAY_0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
KEEP = timedelta(days=90)


class Clock:
    """The engine's clock, moved by the test."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock(DAY_0)


@pytest.fixture
def engine(clock):
    """The note engine on the test's clock (overrides the suite's real-clock engine)."""
    return make_engine(clock=clock)


def compact(sessions, clock, keep=KEEP, **options):
    with sessions() as session:
        return compaction.compact(session, clock(), keep, **options)


def reset_of(call) -> SyncError:
    with pytest.raises(SyncError) as caught:
        call()
    assert (caught.value.status, caught.value.code) == (410, "reset_required")
    return caught.value


def count(sessions, table, *where) -> int:
    with sessions() as session:
        return session.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def horizon(sessions) -> int:
    with sessions() as session:
        return positions.current_position(session)[1]


def state(changes) -> dict[str, tuple[int, dict]]:
    """Fold changes into what a device holds: id → (version, data), tombstones removed."""
    held: dict[str, tuple[int, dict]] = {}
    for change in changes:
        if change["deleted"]:
            held.pop(change["id"], None)
        else:
            held[change["id"]] = (change["version"], change["data"])
    return held


def history_with_a_deletion(alice: Device, clock: Clock) -> dict[str, str]:
    """On day 0: notes kept, edited and deleted; then, 100 days later, one new note."""
    kept, gone, edited = (
        alice.do("note.create", text=name)["entity_id"] for name in ("kept", "gone", "edited")
    )
    alice.do("note.edit", edited, text="edited on day 0")
    alice.do("note.delete", gone)
    clock.now = DAY_0 + timedelta(days=100)
    fresh = alice.do("note.create", text="fresh")["entity_id"]
    return {"kept": kept, "gone": gone, "edited": edited, "fresh": fresh}


def test_a_cursor_older_than_the_horizon_is_reset_and_a_fresh_pull_is_the_current_state(
    alice, clock, sessions
):
    kept = alice.do("note.create", text="kept")["entity_id"]
    gone = alice.do("note.create", text="gone")["entity_id"]
    _, stale = alice.pull_all()  # this device then sleeps through the deletion
    alice.do("note.delete", gone)
    clock.now = DAY_0 + timedelta(days=100)
    fresh = alice.do("note.create", text="fresh")["entity_id"]
    result = compact(sessions, clock)
    assert (result["commands"], result["tombstones"]) == (3, 1)
    assert result["cutoff"] == "2026-01-15T08:00:00.000Z"
    assert count(sessions, tables.entities, tables.entities.c.deleted.is_(True)) == 0
    assert horizon(sessions) == result["horizon"] > decode_cursor(stale)[0]

    reset_of(lambda: alice.pull(stale))

    changes, _ = alice.pull_all()
    assert [(c["id"], c["deleted"]) for c in changes] == [(kept, False), (fresh, False)]


def test_a_cursor_at_or_after_the_horizon_keeps_working_and_misses_nothing(alice, clock, sessions):
    notes = history_with_a_deletion(alice, clock)
    _, current = alice.pull_all()  # pulled on day 100, after every change so far
    result = compact(sessions, clock)
    assert result["tombstones"] == 1
    assert decode_cursor(current)[0] >= result["horizon"]

    later = alice.do("note.create", text="after compaction")["entity_id"]
    alice.do("note.edit", notes["kept"], text="edited after compaction")
    page = alice.pull(current)
    assert [(c["id"], c["version"]) for c in page["changes"]] == [(later, 1), (notes["kept"], 2)]


def test_a_cursor_at_the_horizon_itself_keeps_working_one_below_is_reset(alice, clock, sessions):
    history_with_a_deletion(alice, clock)
    at = compact(sessions, clock)["horizon"]
    fingerprint = scope_fingerprint(ALICE, {"enterprise:ent-a"})
    assert alice.pull(encode_cursor(at, fingerprint))["changes"]  # the fresh note, above the horizon
    reset_of(lambda: alice.pull(encode_cursor(at - 1, fingerprint)))


def test_a_device_paging_from_scratch_across_the_horizon_is_never_reset(alice, clock, sessions):
    notes = history_with_a_deletion(alice, clock)
    compact(sessions, clock)
    seen, cursor = [], None
    while True:
        page = alice.pull(cursor, limit=1)  # raises if any page were refused
        seen += page["changes"]
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert set(state(seen)) == {notes["kept"], notes["edited"], notes["fresh"]}


def test_a_device_that_pulls_regularly_stays_ahead_of_the_horizon_even_when_its_scope_is_quiet(
    alice, clock, sessions
):
    alice.do("note.create", text="once, long ago")
    _, cursor = alice.pull_all()
    for day in range(1, 200, 30):  # the enterprise changes nothing; other enterprises do
        clock.now = DAY_0 + timedelta(days=day)
        neighbour = Device(alice.engine, sessions, ALICE.__class__(new_id(), "worker", "ent-b"))
        neighbour.do("note.delete", neighbour.do("note.create", text="elsewhere")["entity_id"])
        compact(sessions, clock)
        page = alice.pull(cursor)  # never reset_required
        assert page["changes"] == []
        cursor = page["cursor"]
    assert horizon(sessions) > 0


def test_a_compaction_committing_while_a_page_is_read_makes_that_cursor_start_over(
    alice, clock, sessions, monkeypatch
):
    alice.do("note.create", text="kept")
    gone = alice.do("note.create", text="gone")["entity_id"]
    _, stale = alice.pull_all()
    alice.do("note.delete", gone)
    clock.now = DAY_0 + timedelta(days=100)
    real = positions.current_position
    calls = []

    def compaction_slips_in(session):
        calls.append(1)
        # The pull read counter and horizon with its header, then its rows (the tombstone among them); this
        # is its second look at the horizon.
        if len(calls) == 1:
            monkeypatch.setattr(positions, "current_position", real)
            assert compact(sessions, clock)["tombstones"] == 1
        return real(session)

    monkeypatch.setattr(positions, "current_position", compaction_slips_in)
    reset_of(lambda: alice.pull(stale))
    assert len(calls) == 1


def test_a_resent_old_seq_after_compaction_is_settled_and_not_applied_twice(alice, clock, sessions):
    note = new_id()
    create, edit = alice.command("note.create", note, text="a"), alice.command("note.edit", note, text="b")
    first = alice.push(create, edit)
    assert [o["status"] for o in first["outcomes"]] == ["applied", "applied"]
    clock.now = DAY_0 + timedelta(days=100)
    assert compact(sessions, clock)["commands"] == 2
    _, cursor = alice.pull_all()

    answer = alice.push(edit, alice.command("note.edit", note, text="c"))
    assert answer["last_seq"] == 3 and answer["blocked"] is None
    assert answer["outcomes"][0] == {
        "seq": 2,
        "id": edit["id"],
        "status": "rejected",
        "entity_id": note,
        "code": "outcome_expired",
        "message": compaction_message(),
        "replayed": True,
    }
    assert answer["outcomes"][1]["version"] == 3  # 1 create, 2 the first edit, 3 the new one: not 4
    assert count(sessions, tables.commands) == 1  # only seq 3: the replay stored nothing
    assert [(c["version"], c["data"]["text"]) for c in alice.pull(cursor)["changes"]] == [(3, "c")]
    assert alice.push(create)["outcomes"][0]["code"] == "outcome_expired"  # and again: still settled


def compaction_message() -> dict[str, str]:
    from sync.push import FORGOTTEN

    return FORGOTTEN.as_dict()


def test_within_the_retention_window_outcomes_and_the_reused_id_check_stay(alice, clock, sessions):
    note = new_id()
    create = alice.command("note.create", note, text="a")
    alice.push(create)
    clock.now = DAY_0 + timedelta(days=89)
    result = compact(sessions, clock)
    assert (result["commands"], result["tombstones"]) == (0, 0)
    assert alice.push(create)["outcomes"][0] == {
        "seq": 1,
        "id": create["id"],
        "status": "applied",
        "entity_id": note,
        "version": 1,
        "replayed": True,
    }
    other = Device(alice.engine, sessions, ALICE)
    with pytest.raises(SyncError) as caught:
        other.push({**create})  # the same command id under another client's seq 1
    assert caught.value.code == "seq_mismatch"


def test_young_tombstones_stay_and_the_horizon_stops_below_them(alice, clock, sessions):
    old = alice.do("note.create", text="old")["entity_id"]
    alice.do("note.delete", old)
    clock.now = DAY_0 + timedelta(days=50)
    young = alice.do("note.create", text="young")["entity_id"]
    alice.do("note.delete", young)
    clock.now = DAY_0 + timedelta(days=100)
    result = compact(sessions, clock)
    assert result["tombstones"] == 1
    with sessions() as session:
        left = session.execute(select(tables.entities.c.id, tables.entities.c.position)).all()
    assert [row.id for row in left] == [young]
    assert result["horizon"] < left[0].position


def test_compaction_is_idempotent(alice, clock, sessions):
    history_with_a_deletion(alice, clock)
    first = compact(sessions, clock)
    again = compact(sessions, clock)
    assert (again["commands"], again["tombstones"], again["horizon"]) == (0, 0, first["horizon"])


def test_an_empty_database_compacts_to_nothing(clock, sessions):
    assert compact(sessions, clock) == {
        "cutoff": "2025-10-07T08:00:00.000Z",
        "commands": 0,
        "tombstones": 0,
        "horizon": 0,
    }


def test_a_retention_under_a_day_is_refused(clock, sessions):
    with pytest.raises(ValueError):
        compact(sessions, clock, keep=timedelta(hours=23))


def test_small_batches_drop_the_same_as_one_big_one(alice, clock, sessions):
    ids = [
        o["entity_id"]
        for o in alice.push(*[alice.command("note.create", text="x") for _ in range(9)])["outcomes"]
    ]
    alice.push(*[alice.command("note.delete", i) for i in ids[::2]])
    clock.now = DAY_0 + timedelta(days=100)
    kept = alice.do("note.create", text="young")["entity_id"]
    result = compact(sessions, clock, batch=2)
    assert (result["commands"], result["tombstones"]) == (14, 5)
    assert set(state(alice.pull_all()[0])) == {*ids[1::2], kept}


def test_a_compaction_with_nothing_new_to_forget_costs_the_same_whatever_the_history(alice, clock, sessions):
    def statements_of_a_second_run(notes: int) -> int:
        alice.push(*[alice.command("note.create", text="x") for _ in range(notes)])
        clock.now += timedelta(days=100)
        alice.do("note.create", text="young")
        compact(sessions, clock, batch=10)
        executed = []
        bind = sessions.kw["bind"]
        listener = lambda *args: executed.append(1)  # noqa: E731
        event.listen(bind, "before_cursor_execute", listener)
        try:
            compact(sessions, clock, batch=10)
        finally:
            event.remove(bind, "before_cursor_execute", listener)
        return len(executed)

    assert statements_of_a_second_run(5) == statements_of_a_second_run(120)
