"""Growth seeding: records pushed through the real push API, or a pushed template cloned row by row.

`push`: every record's commands go through POST /api/v1/sync/push (test client), in pushes of <= 500.
`clone` (the default past one template): a template of TEMPLATE records is pushed as above; the rows
those pushes added, in every table, are copied with every UUID they introduced (records, commands,
clients, lock points) replaced by a fresh one, positions renumbered after the counter, and the
counter advanced. The stored records and commands are those the pushes would have written, times
aside; the derived entities (due, checklist, person_record, badge) are recomputed once at the end by
the cadence tick rather than after every push: the same data, fewer versions.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from sqlalchemy import Integer, select, text, update

from backend.demo_stories import photo
from backend.derived.tick import tick
from backend.extensions import db
from backend.models import User
from backend.sync_setup import sync_engine
from sync import tables
from tests.api_client import Device
from tests.people import seed_people

from . import stories
from .ids import uuid7

TEMPLATE = 500
PUSH_SIZE = 500
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PEOPLE = ("worker-a1", "worker-a2", "officer-a", "principal-a")


class Enterprise:
    """Demo enterprise A with its people signed in on the test client, photos held, checklist computed."""

    def __init__(self, app):
        self.app, self.client = app, app.test_client()
        with app.app_context():
            self.ids = seed_people()
            users = {user.username: user for user in db.session.scalars(select(User))}
            self.photos = {name: photo(n, users[name]) for n, name in enumerate(("officer-a", "worker-a2"))}
            db.session.commit()
            tick(db.session, sync_engine())
            checklist = sync_engine().load(db.session, "checklist", self.ids["A"]).data
        self.items = [item["id"] for item in checklist["items"]][:3]
        self.devices = {name: Device(self.client, name) for name in PEOPLE}

    def stories(self, count: int, seed: int) -> list[list[stories.Step]]:
        """Return count records of the mix, ready to push."""
        return stories.stories(count, seed, ids=self.ids, photos=self.photos, items=self.items)

    def push_stories(self, told: list[list[stories.Step]]) -> int:
        """Push the stories wave by wave, each person's steps in pushes of ≤ 500; return commands pushed."""
        pushed = 0
        for wave in stories.waves(told):
            by_person: dict[str, list[stories.Step]] = defaultdict(list)
            for step in wave:
                by_person[step[0]].append(step)
            for name, steps in by_person.items():
                device = self.devices[name]
                for start in range(0, len(steps), PUSH_SIZE):
                    chunk = steps[start : start + PUSH_SIZE]
                    answer = device.push(*(device.command(kind, key, **args) for _, kind, key, args in chunk))
                    bad = [o for o in answer["outcomes"] if o["status"] != "applied"]
                    assert not bad, bad[:2]
                    pushed += len(chunk)
        return pushed


def seed(enterprise: Enterprise, records: int, how: str = "clone", template: int = TEMPLATE) -> dict:
    """Bring enterprise A to `records` records; return what was done (commands pushed, rows cloned)."""
    if records == 0:
        return {"how": "none", "pushed": 0, "cloned_rows": 0}
    if how == "push" or records <= template:
        pushed = enterprise.push_stories(enterprise.stories(records, seed=1))
        return {"how": "push", "pushed": pushed, "cloned_rows": 0}
    with enterprise.app.app_context():
        before = _keys()
    pushed = enterprise.push_stories(enterprise.stories(template, seed=1))
    with enterprise.app.app_context():
        cloned = _clone(before, copies=records // template - 1)
        if db.session.connection().dialect.name == "postgresql":
            # As autovacuum does within a minute of a bulk load: the planner then knows the tables' sizes.
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        tick(db.session, sync_engine())
    return {"how": "clone", "pushed": pushed, "cloned_rows": cloned}


def _keys() -> dict[str, set]:
    """Return every table's primary keys."""
    return {
        table.name: {tuple(row) for row in db.session.execute(select(*table.primary_key.columns))}
        for table in db.metadata.sorted_tables
    }


def _added(before: dict[str, set]) -> dict[str, list[dict]]:
    """Return the rows each table gained since `before`."""
    added = {}
    for table in db.metadata.sorted_tables:
        keys = [column.name for column in table.primary_key.columns]
        rows = [dict(row._mapping) for row in db.session.execute(select(table))]
        added[table.name] = [row for row in rows if tuple(row[k] for k in keys) not in before[table.name]]
    return added


def _clone(before: dict[str, set], copies: int) -> int:
    """Insert `copies` copies of the rows added since `before`, with fresh ids and positions; commit."""
    added = _added(before)
    known = {u for keys in before.values() for key in keys for u in UUID.findall(" ".join(map(str, key)))}
    known |= set(db.session.scalars(select(User.id)))
    born = {u for rows in added.values() for row in rows for u in UUID.findall(str(row))} - known
    position, _ = db.session.execute(
        select(tables.counter.c.position, tables.counter.c.horizon).where(tables.counter.c.id == 1)
    ).one()
    connection = db.session.connection()
    inserted = 0
    for _ in range(copies):
        fresh = {u: uuid7() for u in born}
        for table in db.metadata.sorted_tables:
            rows = sorted(added[table.name], key=lambda row: row.get("position") or 0)
            copied = [row for row in (_copy(table, row, fresh) for row in rows) if row is not None]
            for row in copied:
                if row.get("position") is not None:
                    position += 1
                    row["position"] = position
            for start in range(0, len(copied), 5000):
                connection.execute(table.insert(), copied[start : start + 5000])
            inserted += len(copied)
    connection.execute(update(tables.counter).where(tables.counter.c.id == 1).values(position=position))
    db.session.commit()
    return inserted


def _copy(table, row: dict, fresh: dict[str, str]) -> dict | None:
    """Return the row with its template-born UUIDs replaced; None when its key has none (a shared row)."""
    changed, copy = False, {}
    for column in table.columns:
        value = row[column.name]
        if column.primary_key and column.autoincrement is True and isinstance(column.type, Integer):
            continue
        if isinstance(value, str):
            new = UUID.sub(lambda m: fresh.get(m.group(0), m.group(0)), value)
        elif isinstance(value, dict | list):
            text = json.dumps(value, ensure_ascii=False)
            replaced = UUID.sub(lambda m: fresh.get(m.group(0), m.group(0)), text)
            new = json.loads(replaced) if replaced != text else value
        else:
            new = value
        changed |= column.primary_key and new != value
        copy[column.name] = new
    return copy if changed else None
