"""Pull contract: pages, cursors, latest-state compaction, tombstones, scopes, last_seq, resets."""

from __future__ import annotations

import base64
import json

import pytest

from sync import SyncError
from sync.pull import encode_cursor, scope_fingerprint

from .notes import ALICE, BOB, CAROL, NOBODY, Device, new_id


def error_of(call) -> SyncError:
    with pytest.raises(SyncError) as caught:
        call()
    return caught.value


def test_a_new_device_pulls_everything_from_no_cursor(alice):
    ids = [alice.do("note.create", text=f"n{i}")["entity_id"] for i in range(3)]
    page = alice.pull()
    assert [c["id"] for c in page["changes"]] == ids
    assert page["more"] is False and page["last_seq"] is None
    assert page["changes"][0] == {
        "entity": "note",
        "id": ids[0],
        "version": 1,
        "deleted": False,
        "data": {"author": ALICE.id, "text": "n0", "locked": False, "edited_by": ALICE.id},
    }


def test_an_empty_database_pulls_nothing_and_the_cursor_still_works(alice):
    page = alice.pull()
    assert page["changes"] == [] and page["more"] is False
    note = alice.do("note.create", text="a")["entity_id"]
    assert [c["id"] for c in alice.pull(page["cursor"])["changes"]] == [note]


def test_pages_follow_the_limit(alice):
    ids = [
        c["entity_id"]
        for c in alice.push(*[alice.command("note.create", text="x") for _ in range(7)])["outcomes"]
    ]
    first = alice.pull(limit=3)
    second = alice.pull(first["cursor"], limit=3)
    third = alice.pull(second["cursor"], limit=3)
    assert (first["more"], second["more"], third["more"]) == (True, True, False)
    pulled = [c["id"] for page in (first, second, third) for c in page["changes"]]
    assert pulled == ids
    assert alice.pull(third["cursor"], limit=3)["changes"] == []


def test_an_entity_changed_three_times_comes_once_at_its_latest_version(alice):
    note = alice.do("note.create", text="a")["entity_id"]
    other = alice.do("note.create", text="b")["entity_id"]
    alice.do("note.edit", note, text="c")
    alice.do("note.edit", note, text="d")
    changes, _ = alice.pull_all()
    assert [(c["id"], c["version"]) for c in changes] == [(other, 1), (note, 3)]
    assert changes[1]["data"]["text"] == "d"


def test_a_change_after_the_cursor_comes_again_at_its_new_version(alice):
    note = alice.do("note.create", text="a")["entity_id"]
    _, cursor = alice.pull_all()
    alice.do("note.edit", note, text="b")
    assert [(c["id"], c["version"]) for c in alice.pull(cursor)["changes"]] == [(note, 2)]


def test_a_deleted_entity_comes_as_a_tombstone(alice):
    note = alice.do("note.create", text="a")["entity_id"]
    _, cursor = alice.pull_all()
    alice.do("note.delete", note)
    [change] = alice.pull(cursor)["changes"]
    assert (change["id"], change["version"], change["deleted"]) == (note, 2, True)
    [again] = alice.pull()["changes"]
    assert again["deleted"] is True


def test_readers_see_only_their_own_scope(alice, engine, sessions):
    carol = Device(engine, sessions, CAROL)
    bob = Device(engine, sessions, BOB)
    nobody = Device(engine, sessions, NOBODY)
    mine = alice.do("note.create", text="a")["entity_id"]
    theirs = carol.do("note.create", text="b")["entity_id"]
    assert [c["id"] for c in alice.pull_all()[0]] == [mine]
    assert [c["id"] for c in bob.pull_all()[0]] == [mine]
    assert [c["id"] for c in carol.pull_all()[0]] == [theirs]
    assert nobody.pull_all()[0] == []


def test_last_seq_is_null_without_client_id_zero_when_unknown_else_the_clients(alice):
    assert alice.pull()["last_seq"] is None
    assert alice.pull(client_id=new_id())["last_seq"] == 0
    alice.push(alice.command("note.create", text="a"), alice.command("note.edit", new_id(), text="b"))
    assert alice.pull(client_id=alice.client_id)["last_seq"] == 2


def test_a_client_id_that_is_no_uuid_is_invalid(alice):
    error = error_of(lambda: alice.pull(client_id="phone"))
    assert (error.status, error.code) == (400, "invalid")


@pytest.mark.parametrize("limit", [0, -1, 1001, 10**9])
def test_limit_outside_1_to_1000_is_invalid(alice, limit):
    error = error_of(lambda: alice.pull(limit=limit))
    assert (error.status, error.code, list(error.extra["fields"])) == (400, "invalid", ["limit"])


@pytest.mark.parametrize("limit", [1, 1000, None])
def test_limit_bounds_themselves_are_fine(alice, limit):
    alice.do("note.create", text="a")
    assert len(alice.pull(limit=limit)["changes"]) == 1


def _raw_cursor(data) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!!",
        "é",
        _raw_cursor([1, 2]),
        _raw_cursor({"v": 2, "p": 0, "f": "x"}),
        _raw_cursor({"v": 1, "p": "1", "f": "x"}),
        _raw_cursor({"v": 1, "p": 1}),
        _raw_cursor(7),
    ],
)
def test_a_garbage_cursor_is_reset_required(alice, cursor):
    alice.do("note.create", text="a")
    error = error_of(lambda: alice.pull(cursor))
    assert (error.status, error.code) == (410, "reset_required")


def test_a_cursor_made_for_another_scope_is_reset_required(alice, engine, sessions):
    alice.do("note.create", text="a")
    _, cursor = alice.pull_all()
    carol = Device(engine, sessions, CAROL)
    assert error_of(lambda: carol.pull(cursor)).code == "reset_required"
    moved = Device(engine, sessions, ALICE.__class__(ALICE.id, ALICE.role, "ent-b"))
    assert error_of(lambda: moved.pull(cursor)).code == "reset_required"
    promoted = Device(engine, sessions, ALICE.__class__(ALICE.id, "officer", ALICE.enterprise_id))
    assert error_of(lambda: promoted.pull(cursor)).code == "reset_required"


def test_a_cursor_beyond_the_top_is_reset_required(alice):
    alice.do("note.create", text="a")
    fingerprint = scope_fingerprint(ALICE, {"enterprise:ent-a"})
    assert alice.pull(encode_cursor(1, fingerprint))["changes"] == []
    assert error_of(lambda: alice.pull(encode_cursor(2, fingerprint))).code == "reset_required"
    assert error_of(lambda: alice.pull(encode_cursor(-1, fingerprint))).code == "reset_required"


def test_following_a_cursor_an_entity_appears_once_unless_changed_again(alice):
    notes = [
        c["entity_id"]
        for c in alice.push(*[alice.command("note.create", text="x") for _ in range(6)])["outcomes"]
    ]
    seen: list[tuple[str, int]] = []
    page = alice.pull(limit=2)
    seen += [(c["id"], c["version"]) for c in page["changes"]]
    alice.do("note.edit", notes[0], text="again")  # already pulled: must come again, at version 2
    alice.do("note.edit", notes[4], text="again")  # not yet pulled: comes once, at version 2
    while page["more"] or page["changes"]:
        page = alice.pull(page["cursor"], limit=2)
        seen += [(c["id"], c["version"]) for c in page["changes"]]
        if not page["more"]:
            break
    ids = [i for i, _ in seen]
    assert sorted(set(ids)) == sorted(notes)
    assert ids.count(notes[0]) == 2 and all(ids.count(n) == 1 for n in notes[1:])
    assert (notes[4], 1) not in seen and (notes[4], 2) in seen and (notes[0], 2) in seen


@pytest.mark.parametrize("extra_scopes", [1, 20])
def test_a_reader_of_several_or_many_scopes_gets_the_same_pages(alice, engine, extra_scopes):
    # Up to MERGE_MAX_SCOPES the scopes' index ranges are merged; past it one position scan filters them.
    ids = [alice.do("note.create", text=f"n{i}")["entity_id"] for i in range(5)]
    alone = [c["id"] for c in alice.pull_all(limit=2)[0]]
    policy = engine.scope_policy
    engine.scope_policy = lambda session, actor: (
        policy(session, actor) | {f"other:{i}" for i in range(extra_scopes)}
    )
    assert [c["id"] for c in alice.pull_all(limit=2)[0]] == alone == ids
