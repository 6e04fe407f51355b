"""Push contract: outcomes, versions, idempotency, seq checks, limits, rejections, blobs, durability."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from sync import Change, Rejection, SyncError, Text, tables
from sync.wire import as_utc

from .conftest import store_blob
from .notes import ALICE, BOB, CAROL, OTHER_SHA, SHA, VIEWER, Device, make_engine, new_id, now_text


def error_of(call) -> SyncError:
    with pytest.raises(SyncError) as caught:
        call()
    return caught.value


def push_raw(device: Device, body) -> dict:
    """Push a body exactly as given."""
    with device.sessions() as session:
        return device.engine.push(session, device.actor, body, 10)


def count(sessions, table) -> int:
    with sessions() as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def test_create_applies_at_version_one_and_each_applied_command_adds_one(alice):
    note = new_id()
    first = alice.do("note.create", note, text="hello")
    assert first == {"seq": 1, "id": first["id"], "status": "applied", "entity_id": note, "version": 1}
    assert alice.do("note.edit", note, text="again")["version"] == 2
    assert alice.do("note.lock", note)["version"] == 3


def test_rejected_command_leaves_version_unchanged(alice):
    note = new_id()
    alice.do("note.create", note, text="hello")
    rejected = alice.do("note.edit", note, text="")
    assert rejected["status"] == "rejected" and rejected["code"] == "invalid"
    assert rejected["fields"] == {"text": ["must be a non-empty string"]}
    assert rejected["message"] == {"zh-CN": "拒绝：invalid", "en": "rejected: invalid"}
    assert "version" not in rejected
    assert alice.do("note.edit", note, text="fine")["version"] == 2


def test_replay_returns_the_stored_outcomes_and_changes_nothing(alice, sessions):
    note = new_id()
    commands = [alice.command("note.create", note, text="a"), alice.command("note.edit", note, text="")]
    first = alice.push(*commands)
    again = alice.push(*commands)
    assert again["last_seq"] == 2 and again["blocked"] is None
    assert again["outcomes"] == [{**outcome, "replayed": True} for outcome in first["outcomes"]]
    with sessions() as session:
        assert alice.engine.load(session, "note", note).version == 1
    assert count(sessions, tables.commands) == 2


def test_replay_then_new_commands_in_one_push(alice):
    note = new_id()
    create = alice.command("note.create", note, text="a")
    alice.push(create)
    answer = alice.push(create, alice.command("note.edit", note, text="b"))
    assert [o.get("replayed", False) for o in answer["outcomes"]] == [True, False]
    assert answer["outcomes"][1]["version"] == 2 and answer["last_seq"] == 2


def test_same_seq_with_another_command_id_is_seq_mismatch(alice):
    create = alice.command("note.create", text="a")
    alice.push(create)
    error = error_of(lambda: alice.push({**create, "id": new_id()}))
    assert (error.status, error.code, error.extra["seq"]) == (409, "seq_mismatch", 1)


def test_command_id_reused_under_a_new_seq_is_seq_mismatch(alice):
    create = alice.command("note.create", text="a")
    alice.push(create)
    error = error_of(lambda: alice.push({**create, "seq": 2}))
    assert (error.status, error.code, error.extra["seq"]) == (409, "seq_mismatch", 2)


def test_a_logged_id_reused_after_new_commands_refuses_the_whole_push(alice, sessions):
    # Without a gap the log's unique id finds the reuse when outcomes are written: the commands before
    # it were already decided, and must be undone with it.
    create = alice.command("note.create", text="a")
    alice.push(create)
    before = count(sessions, tables.entities), count(sessions, tables.commands)
    fresh = [alice.command("note.create", text="b"), alice.command("note.create", text="c")]
    error = error_of(lambda: alice.push(*fresh, {**create, "seq": 4}))
    assert (error.status, error.code, error.extra["seq"]) == (409, "seq_mismatch", 4)
    assert (count(sessions, tables.entities), count(sessions, tables.commands)) == before
    alice.seq = 1
    assert alice.push(alice.command("note.create", text="b"))["last_seq"] == 2  # the queue moves on


def test_command_id_twice_in_one_push_is_seq_mismatch_at_the_second(alice, sessions):
    first = alice.command("note.create", text="a")
    second = {**alice.command("note.create", text="b"), "id": first["id"]}
    third = alice.command("note.create", text="c")
    error = error_of(lambda: alice.push(first, second, third))
    assert (error.code, error.extra["seq"]) == ("seq_mismatch", 2)
    assert count(sessions, tables.entities) == 0


def test_first_seq_past_last_plus_one_is_seq_gap_with_expected(alice, sessions):
    alice.push(alice.command("note.create", text="a"))
    alice.seq += 3
    error = error_of(lambda: alice.push(alice.command("note.create", text="b")))
    assert (error.status, error.code, error.extra["expected"]) == (409, "seq_gap", 2)
    assert count(sessions, tables.entities) == 1


def test_gap_inside_one_push_applies_nothing(alice, sessions):
    first = alice.command("note.create", text="a")
    alice.seq += 1
    error = error_of(lambda: alice.push(first, alice.command("note.create", text="b")))
    assert (error.code, error.extra["expected"]) == ("seq_gap", 2)
    assert count(sessions, tables.entities) == 0


def test_a_new_client_must_start_at_seq_one(alice):
    alice.seq = 4
    error = error_of(lambda: alice.push(alice.command("note.create", text="a")))
    assert (error.code, error.extra["expected"]) == ("seq_gap", 1)


def test_client_of_another_user_is_refused_on_push_and_pull(alice, engine, sessions):
    alice.do("note.create", text="a")
    bob = Device(engine, sessions, BOB, client_id=alice.client_id)
    error = error_of(lambda: bob.push(bob.command("note.create", text="b")))
    assert (error.status, error.code) == (409, "client_owned_by_other_user")
    error = error_of(lambda: bob.pull(client_id=alice.client_id))
    assert (error.status, error.code) == (409, "client_owned_by_other_user")


def test_client_id_in_capitals_is_the_same_client(alice, engine, sessions):
    alice.client_id = alice.client_id.upper()
    alice.do("note.create", text="a")
    assert alice.pull(client_id=alice.client_id.lower())["last_seq"] == 1
    assert alice.pull(client_id=alice.client_id)["last_seq"] == 1
    bob = Device(engine, sessions, BOB, client_id=alice.client_id.lower())
    assert (
        error_of(lambda: bob.push(bob.command("note.create", text="b"))).code == "client_owned_by_other_user"
    )


# Whole-push checks answer the first failure in the order 400, 413, 409 owner, seq_mismatch, seq_gap.


def test_malformed_comes_before_too_large(alice):
    commands = [alice.command("note.create", text="x") for _ in range(501)]
    commands[7]["seq"] = 0
    assert error_of(lambda: alice.push(*commands)).status == 400
    bad = alice.command("note.create", text="x")
    bad["captured_at"] = "yesterday"
    assert error_of(lambda: alice.push(bad, body_bytes=3 * 1024 * 1024)).status == 400


def test_too_large_comes_before_owner(alice, engine, sessions):
    alice.do("note.create", text="a")
    bob = Device(engine, sessions, BOB, client_id=alice.client_id)
    commands = [bob.command("note.create", text="x") for _ in range(501)]
    assert error_of(lambda: bob.push(*commands)).code == "too_large"
    assert error_of(lambda: bob.push(commands[0], body_bytes=2 * 1024 * 1024 + 1)).code == "too_large"


def test_owner_comes_before_seq_mismatch_and_seq_gap(alice, engine, sessions):
    create = alice.command("note.create", text="a")
    alice.push(create)
    bob = Device(engine, sessions, BOB, client_id=alice.client_id)
    bob.seq = 5
    error = error_of(lambda: bob.push({**create, "id": new_id()}, bob.command("note.create", text="b")))
    assert error.code == "client_owned_by_other_user"


def test_seq_mismatch_comes_before_seq_gap(alice):
    create = alice.command("note.create", text="a")
    alice.push(create)
    alice.seq += 2
    late = alice.command("note.create", text="b")
    assert error_of(lambda: alice.push({**create, "id": new_id()}, late)).code == "seq_mismatch"
    assert error_of(lambda: alice.push({**late, "id": create["id"]})).code == "seq_mismatch"
    assert error_of(lambda: alice.push(late)).code == "seq_gap"


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "push",
        42,
        {},
        {"client_id": "nope", "sent_at": "2026-11-29T08:00:00Z", "commands": []},
        {
            "client_id": "00000000-0000-4000-8000-000000000001\n",
            "sent_at": "2026-11-29T08:00:00Z",
            "commands": [],
        },
        {"client_id": "00000000-0000-4000-8000-000000000001", "sent_at": "2026-11-29", "commands": []},
        {
            "client_id": "00000000-0000-4000-8000-000000000001",
            "sent_at": "2026-11-29T08:00:00Z\n",
            "commands": [],
        },
        {"client_id": "00000000-0000-4000-8000-000000000001", "sent_at": "2026-11-29T08:00:00Z"},
        {
            "client_id": "00000000-0000-4000-8000-000000000001",
            "sent_at": "2026-11-29T08:00:00Z",
            "commands": {},
        },
        {
            "client_id": "00000000-0000-4000-8000-000000000001",
            "sent_at": "0001-01-01T00:00:00+01:00",
            "commands": [],
        },
        {
            "client_id": "00000000-0000-4000-8000-000000000001",
            "sent_at": "9999-12-31T23:59:59-01:00",
            "commands": [],
        },
        {
            "client_id": "00000000-0000-4000-8000-000000000001",
            "sent_at": "2026-13-45T08:00:00Z",
            "commands": [],
        },
        {"client_id": None, "sent_at": None, "commands": None},
    ],
)
def test_malformed_bodies_are_400(alice, body):
    error = error_of(lambda: push_raw(alice, body))
    assert (error.status, error.code) == (400, "malformed")


GOOD = {
    "seq": 1,
    "id": "00000000-0000-4000-8000-0000000000c1",
    "type": "note.create",
    "entity_id": "00000000-0000-4000-8000-0000000000e1",
    "captured_at": "2026-11-29T06:12:40.123Z",
    "args": {"text": "a"},
}


@pytest.mark.parametrize(
    "change",
    [
        {"seq": 0},
        {"seq": -1},
        {"seq": True},
        {"seq": 1.0},
        {"seq": "1"},
        {"id": "x"},
        {"id": None},
        {"type": ""},
        {"type": 7},
        {"type": "t" * 65},
        {"type": "note.create\x00"},
        {"type": "note\ud800"},
        {"entity_id": "00000000-0000-4000-8000-0000000000e1 "},
        {"captured_at": "2026-11-29 06:12:40Z"},
        {"captured_at": 1764400000},
        {"args": []},
        {"args": None},
        {"args": {"text": float("nan")}},
        {"args": {"n": float("inf")}},
    ],
)
def test_malformed_commands_are_400_and_name_the_command(alice, change):
    body = alice.body({**GOOD, **change})
    error = error_of(lambda: push_raw(alice, body))
    assert (error.status, error.code) == (400, "malformed")
    assert "commands.0" in error.extra["fields"]


def test_commands_out_of_seq_order_are_400(alice):
    second = {**GOOD, "seq": 2, "id": new_id()}
    error = error_of(lambda: push_raw(alice, alice.body(second, GOOD)))
    assert error.extra["fields"] == {"commands": ["must be in increasing seq order"]}


def test_the_limits_themselves_are_allowed(alice):
    commands = [alice.command("note.create", text="x") for _ in range(500)]
    answer = alice.push(*commands, body_bytes=2 * 1024 * 1024)
    assert answer["last_seq"] == 500 and all(o["status"] == "applied" for o in answer["outcomes"])


def test_a_rejection_never_blocks_the_commands_after_it(alice):
    note = new_id()
    answer = alice.push(
        alice.command("note.create", note, text="a"),
        alice.command("note.edit", note, text=""),
        alice.command("note.fly", note),
        alice.command("note.edit", new_id(), text="b"),
        alice.command("note.edit", note, text="c"),
    )
    statuses = [(o["status"], o.get("code"), o.get("version")) for o in answer["outcomes"]]
    assert statuses == [
        ("applied", None, 1),
        ("rejected", "invalid", None),
        ("rejected", "unknown_type", None),
        ("rejected", "not_found", None),
        ("applied", None, 2),
    ]
    assert answer["last_seq"] == 5


def test_rejections_come_in_the_protocol_order(alice, engine, sessions):
    note = new_id()
    alice.do("note.create", note, text="a")
    alice.do("note.lock", note)
    viewer = Device(engine, sessions, VIEWER)
    carol = Device(engine, sessions, CAROL)
    bob = Device(engine, sessions, BOB)
    assert alice.do("note.fly", new_id())["code"] == "unknown_type"
    assert viewer.do("note.edit", new_id(), text="")["code"] == "not_found"
    assert carol.do("note.edit", note, text="")["code"] == "not_found"
    assert viewer.do("note.edit", note, text="")["code"] == "forbidden"
    assert bob.do("note.edit", note, text="")["code"] == "conflict"
    other = new_id()
    bob.do("note.create", other, text="b")
    assert bob.do("note.edit", other, text="")["code"] == "invalid"


def test_a_deleted_entity_is_not_found(alice, sessions):
    note = new_id()
    alice.do("note.create", note, text="a")
    assert alice.do("note.delete", note)["version"] == 2
    assert alice.do("note.edit", note, text="b")["code"] == "not_found"
    with sessions() as session:
        state = alice.engine.load(session, "note", note)
    assert state.deleted and state.version == 2


def test_a_missing_blob_blocks_the_push_there_until_uploaded(alice, sessions):
    note = new_id()
    before = alice.command("note.create", note, text="a")
    blocked = alice.command("note.attach", note, photos=[SHA, "not-a-hash", OTHER_SHA, SHA])
    after = alice.command("note.edit", note, text="b")
    answer = alice.push(before, blocked, after)
    assert answer["blocked"] == {"seq": 2, "code": "blob_missing", "missing": [SHA, OTHER_SHA]}
    assert [o["seq"] for o in answer["outcomes"]] == [1] and answer["last_seq"] == 1
    store_blob(sessions, SHA)
    answer = alice.push(blocked, after)
    assert answer["blocked"] == {"seq": 2, "code": "blob_missing", "missing": [OTHER_SHA]}
    store_blob(sessions, OTHER_SHA)
    answer = alice.push(blocked, after)
    assert answer["blocked"] is None
    assert [(o["seq"], o["version"]) for o in answer["outcomes"]] == [(2, 2), (3, 3)]
    with sessions() as session:
        refs = session.execute(select(tables.blob_refs.c.sha256, tables.blob_refs.c.scope)).all()
    assert sorted(refs) == [(SHA, "enterprise:ent-a"), (OTHER_SHA, "enterprise:ent-a")]


def test_a_blob_only_another_enterprise_holds_counts_as_missing(sessions, alice):
    store_blob(sessions, SHA, holder=CAROL.id)
    note = new_id()
    alice.do("note.create", note, text="a")
    answer = alice.push(alice.command("note.attach", note, photos=[SHA]))
    assert answer["blocked"] == {"seq": 2, "code": "blob_missing", "missing": [SHA]}


def test_a_blob_a_colleague_attached_may_be_cited(engine, sessions, alice):
    store_blob(sessions, SHA, holder=BOB.id)
    bob, theirs, mine = Device(engine, sessions, BOB), new_id(), new_id()
    bob.do("note.create", theirs, text="b")
    assert bob.do("note.attach", theirs, photos=[SHA])["status"] == "applied"
    alice.do("note.create", mine, text="a")
    assert alice.do("note.attach", mine, photos=[SHA])["status"] == "applied"


def test_an_unknown_type_with_photos_is_rejected_not_blocked(alice):
    outcome = alice.do("note.paint", photos=[SHA])
    assert outcome["code"] == "unknown_type"


def test_captured_at_is_stored_beside_received_at_and_the_clock_offset(sessions):
    server_now = datetime(2026, 11, 29, 8, 0, 0, tzinfo=UTC)
    engine = make_engine(clock=lambda: server_now)
    alice = Device(engine, sessions, ALICE)
    command = alice.command("note.create", text="a")
    command["captured_at"] = "2026-11-29T06:12:40.123+08:00"
    alice.push(command, sent_at=now_text(server_now - timedelta(seconds=90)))
    with sessions() as session:
        row = session.execute(select(tables.commands)).one()
    assert as_utc(row.captured_at) == datetime(2026, 11, 28, 22, 12, 40, 123000, tzinfo=UTC)
    assert as_utc(row.received_at) == server_now
    assert row.clock_offset_ms == 90_000


def test_a_crashing_handler_is_stored_as_server_error_and_the_rest_of_the_push_applies(alice, sessions):
    note = new_id()
    create = alice.command("note.create", note, text="a")
    crash = alice.command("note.explode", note)
    edit = alice.command("note.edit", note, text="b")
    answer = alice.push(create, crash, edit)
    assert answer["last_seq"] == 3
    applied, failed, edited = answer["outcomes"]
    assert (applied["version"], edited["version"]) == (1, 2)
    assert (failed["status"], failed["code"]) == ("rejected", "server_error")
    assert "错误编号" in failed["message"]["zh-CN"]
    assert count(sessions, tables.commands) == 3
    again = alice.push(create, crash, edit)["outcomes"]
    assert again[1] == {**failed, "replayed": True}
    changes, _ = alice.pull_all()
    assert [(c["id"], c["version"], c["data"]["text"]) for c in changes] == [(note, 2, "b")]


def test_a_change_undone_by_a_rejection_is_not_delivered_again(sessions):
    holder = {}

    def write_then_reject(ctx):
        holder["engine"].record_change(
            ctx.session, Change("note", holder["note"], "enterprise:ent-a", {"x": 1})
        )
        raise Rejection("conflict", Text("不行", "no"))

    engine = make_engine({"side": write_then_reject})
    holder["engine"] = engine
    alice = Device(engine, sessions, ALICE)
    holder["note"] = note = new_id()
    alice.do("note.create", note, text="a")
    changes, cursor = alice.pull_all()
    assert len(changes) == 1
    assert alice.do("note.hook", new_id(), hook="side")["code"] == "conflict"
    alice.do("note.create", text="later")
    page = alice.pull(cursor)
    assert [c["data"].get("text") for c in page["changes"]] == ["later"]
    with sessions() as session:
        assert engine.load(session, "note", note).version == 1
