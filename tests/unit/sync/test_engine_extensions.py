"""Engine extension points: secret args kept out of the log, several changes a command, listeners."""

from __future__ import annotations

from sqlalchemy import select

from sync import Change, CommandContext, CommandSpec, tables

from .notes import ALICE, Device, make_engine, new_id, scope_of


def _with_extras(engine):
    def set_password(ctx: CommandContext) -> Change:
        assert ctx.command.args["password"] == "s3cret-pass"  # the handler sees the real value
        return Change("note", ctx.command.entity_id, scope_of(ctx.actor), {"pw": "set"})

    def create_pair(ctx: CommandContext) -> list[Change]:
        scope = scope_of(ctx.actor)
        twin = ctx.command.args["twin"]
        return [
            Change("note", ctx.command.entity_id, scope, {"text": "first"}),
            Change("note", twin, scope, {"text": "twin"}),
        ]

    engine.register(
        CommandSpec("note.password", "note", set_password, creates=True, secret_args=("password",))
    )
    engine.register(CommandSpec("note.pair", "note", create_pair, creates=True))
    return engine


def test_secret_args_reach_the_handler_but_never_the_command_log(sessions):
    alice = Device(_with_extras(make_engine()), sessions, ALICE)
    assert alice.do("note.password", password="s3cret-pass", hint="mine")["status"] == "applied"
    with sessions() as session:
        stored = session.execute(select(tables.commands.c.args)).scalar_one()
    assert stored == {"password": "***", "hint": "mine"}


def test_a_command_may_change_several_entities_and_each_is_pulled(sessions):
    alice = Device(_with_extras(make_engine()), sessions, ALICE)
    first, twin = new_id(), new_id()
    outcome = alice.do("note.pair", first, twin=twin)
    assert (outcome["entity_id"], outcome["version"]) == (first, 1)
    changes, _ = alice.pull_all()
    assert {c["id"]: c["data"]["text"] for c in changes} == {first: "first", twin: "twin"}


def test_after_push_listeners_see_the_changes_and_their_derived_changes_are_pulled(sessions):
    engine = make_engine()
    seen = []

    def count_notes(session, actor, changes):
        seen.append([c.id for c in changes])
        scope = scope_of(actor)
        return [Change("tally", "00000000-0000-4000-8000-000000000001", scope, {"notes": len(changes)})]

    engine.after_push.append(count_notes)
    alice = Device(engine, sessions, ALICE)
    a, b = new_id(), new_id()
    alice.push(alice.command("note.create", a, text="a"), alice.command("note.create", b, text="b"))
    assert seen == [[a, b]]
    changes, _ = alice.pull_all()
    tally = [c for c in changes if c["entity"] == "tally"]
    assert tally and tally[0]["data"] == {"notes": 2}


def test_a_push_that_applies_nothing_calls_no_listener(sessions):
    engine = make_engine()
    called = []
    engine.after_push.append(lambda *args: called.append(args) or [])
    alice = Device(engine, sessions, ALICE)
    assert alice.do("note.edit", new_id(), text="x")["code"] == "not_found"
    assert called == []
