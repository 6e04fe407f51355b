"""Property test: whatever history of records people push, the derived entities stored and pulled
(`due`, `person_record`, `checklist`, `badge`) equal a full recomputation from the records.

Random histories of every record type are pushed through the real push API by the people of two
enterprises and the bureau, from devices whose clocks are off by minutes to hours and that sometimes
stay offline for days (their commands then arrive as late entries). The server's clock moves on over
the history, across Asia/Shanghai day boundaries and the new year; whenever the day changes the cadence
tick runs as the scheduler would (before or just after the next push). At drawn points, and after
everyone has synced, every enterprise's derived entities are recomputed from nothing but the records
and must equal those stored, a refresh must find nothing to record, and every person's incremental
pulls must hold exactly the derived entities they may see, at their stored versions. After every
other step, a refresh must find nothing to record (what a phone pulls then is never stale).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from backend import config as app_config
from backend import create_app
from backend.extensions import db

from ..people import seed_people
from .derived_stories import STORIES
from .derived_world import EVERY_ACTOR, World

EXAMPLES_PER_STORY = 4  # nine stories: 36 histories
MAX_STEPS = 16
MAX_COMMANDS = 40
# Device clocks: right, a few minutes off, or hours off (a phone on another time zone's setting).
SKEW_MINUTES = (0, 0, 3, -7, 95, -130, 600, -540)
# Server time passing before a step: none, minutes, hours, or days (phones off, a long weekend).
ADVANCE_MINUTES = st.one_of(
    st.just(0),
    st.integers(1, 120),
    st.integers(2, 23).map(lambda hours: hours * 60 + 7),
    st.integers(1, 60).map(lambda days: days * 1440 + 131),
)
# Commands applied somewhere in the run: the histories reach every record type, and deep in its workflow.
MUST_APPLY = {
    "hazard.report",
    "hazard.assign",
    "hazard.rectify",
    "hazard.verify",
    "drill.plan",
    "drill.check_in",
    "drill.end",
    "equipment.register",
    "lockout.open",
    "lockout.apply_lock",
    "lockout.release",
    "training.schedule",
    "training.tick",
    "training.score",
    "inspection.start",
    "inspection.record_item",
    "inspection.finish",
    "certificate.record",
    "certificate.review",
    "user.create",
    "user.update",
    "enterprise.update",
    "notice.send",
}


@dataclass(frozen=True)
class Step:
    """One thing someone does: which story, where, which record and variant, and when it reaches us."""

    story: str
    enterprise: str
    pick: int
    variant: int
    minutes: int  # server time passing before it
    online: bool  # the device pushes at once; else the command waits in its outbox
    repeat: int  # online, the story goes on this many steps in a row (each pushed on its own)
    tick_after_push: bool  # on a day change, the scheduler's tick runs after this push, not before
    check: bool  # after this step, the full check (else only: a refresh would record nothing)


def steps_of(stories: list[str]) -> st.SearchStrategy[Step]:
    """Steps of one of these stories."""
    return st.builds(
        Step,
        story=st.sampled_from(stories),
        enterprise=st.sampled_from(("A", "A", "B")),
        pick=st.integers(0, 11),
        variant=st.integers(0, 419),
        minutes=ADVANCE_MINUTES,
        online=st.sampled_from((True, True, True, False)),
        repeat=st.integers(1, 4),
        tick_after_push=st.booleans(),
        check=st.sampled_from((False,) * 9 + (True,)),
    )


def interleaved(lists: tuple[list[Step], list[Step]]) -> list[Step]:
    """Return the focus steps with a background step after every other one."""
    focus, background = lists
    steps = []
    for index, step in enumerate(focus):
        steps.append(step)
        if index % 2 and index // 2 < len(background):
            steps.append(background[index // 2])
    return steps + background[len(focus) // 2 :]


def histories(focus: str) -> st.SearchStrategy[list[Step]]:
    """Histories that follow one story far along its workflow, among steps of every other story
    (Hypothesis varies its few examples by small changes; a focus per run spreads them over all)."""
    return st.tuples(
        st.lists(steps_of([focus]), min_size=MAX_STEPS // 2, max_size=MAX_STEPS),
        st.lists(steps_of(sorted(STORIES)), max_size=MAX_STEPS // 2),
    ).map(interleaved)


SKEWS = st.fixed_dictionaries({name: st.sampled_from(SKEW_MINUTES) for name in EVERY_ACTOR})


@pytest.fixture
def inline_app(tmp_path):
    """An app on a fresh SQLite file whose derived state, if computed after a push, is before it answers."""
    config = app_config.TestConfig(f"sqlite:///{tmp_path / 'history.db'}", tmp_path)
    config.DERIVED_AFTER_PUSH = "inline"
    # Devices sign in once; a failing run shrinks its history for minutes, with the same tokens.
    config.JWT_ACCESS_TOKEN_EXPIRES = timedelta(hours=2)
    app = create_app(config)
    with app.app_context():
        db.create_all()
        # Durability is not under test: no fsync per commit keeps the run in budget on a busy disk.
        event.listen(db.engine, "connect", _no_fsync)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _no_fsync(connection, _record) -> None:
    connection.execute("PRAGMA synchronous=OFF")


def play(world: World, steps: list[Step]) -> None:
    """Push a history (at most MAX_COMMANDS), ticking at day changes and checking where drawn; everyone
    syncs; check."""
    commands = 0
    for step in steps:
        day_changed = world.advance(step.minutes)
        if day_changed and not step.tick_after_push:
            world.run_tick()
        for index in range(step.repeat if step.online else 1):
            commands += 1
            if commands > MAX_COMMANDS:
                break
            variant = step.variant + index * 5
            who, command_type, entity_id, args = STORIES[step.story](
                world, step.enterprise, step.pick, variant
            )
            world.queue(who, command_type, entity_id, args)
            if step.online:
                world.sync(who)
                if not (day_changed and step.tick_after_push):
                    world.check(full=False)  # a push answers with every derived change made
        if day_changed and step.tick_after_push:
            world.run_tick()
            world.check(full=False)
        if step.check:
            world.check()
    world.sync_everyone()
    world.check()


def test_derived_entities_always_equal_a_full_recomputation(inline_app, monkeypatch):
    with inline_app.app_context():
        people = seed_people()
    world = World(inline_app, people, monkeypatch)
    applied: Counter = Counter()
    late: Counter = Counter()
    for focus in sorted(STORIES):

        @settings(
            max_examples=EXAMPLES_PER_STORY,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(skews=SKEWS, steps=histories(focus))
        def history_keeps_derived_state_equal_to_a_recomputation(skews, steps):
            world.reset(skews)
            play(world, steps)
            for (command_type, status), count in world.outcomes.items():
                if status == "applied":
                    applied[command_type] += count
            late[world.late_entries() > 0] += 1

        history_keeps_derived_state_equal_to_a_recomputation()
    assert MUST_APPLY <= set(applied), sorted(MUST_APPLY - set(applied))
    assert late[True] > 0, "no history produced a late entry"
