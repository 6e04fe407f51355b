"""A simulated deployment for the derived-state equivalence test: a moving server clock, devices with
offset clocks and offline outboxes pushing through the real API, the cadence tick at day changes, and
the check that stored and pulled derived entities equal a full recomputation from the records."""

from __future__ import annotations

import io
import sqlite3
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from PIL import Image
from sqlalchemy import delete, select, update

from backend.blob_setup import blob_store
from backend.derived import MODULES, clock
from backend.derived.clock import local_day
from backend.derived.differs import WHEN_FIELDS
from backend.derived.refresh import refresh
from backend.derived.tick import tick
from backend.extensions import db
from backend.models import Enterprise, User
from backend.sync_setup import actor_of, publish, sync_engine
from sync import tables
from sync.blobs import save_blob
from sync.wire import format_time

from ..api_client import Device

# 22:00 on 31 December in Shanghai: the first hours of a history cross a day and a year boundary.
START = datetime(2026, 12, 31, 14, 0, tzinfo=UTC)
REGISTERED = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
DERIVED = tuple(module.ENTITY for module in MODULES)
# The people who push, by enterprise (the bureau pushes for none); people created in a history only
# ever appear as the subject of commands.
ACTORS = {
    "A": ("principal-a", "officer-a", "worker-a1", "worker-a2", "contractor-a"),
    "B": ("officer-b", "worker-b1"),
}
MANAGERS = {"A": ("principal-a", "officer-a"), "B": ("officer-b",)}
EVERY_ACTOR = ("bureau", *ACTORS["A"], *ACTORS["B"])
ID_SPACE = uuid.UUID("6f1c3f0e-7d39-4d0c-9a53-2a1f1d0b5e11")


@dataclass
class Outbox:
    """One device's commands not yet pushed, and how far its clock is from the server's."""

    device: Device
    skew: timedelta = timedelta(0)
    commands: list[dict] = field(default_factory=list)
    cursor: str | None = None
    replica: dict[tuple[str, str], dict] = field(default_factory=dict)


def photo_bytes(shade: int) -> bytes:
    """Return a small real JPEG."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (shade % 256, 90, 150)).save(buffer, "JPEG")
    return buffer.getvalue()


class World:
    """Enterprises A and B with the demo people, signed in once; every history starts from a snapshot."""

    def __init__(self, app, people: dict[str, str], monkeypatch):
        self.app, self.people = app, people
        self.names = {people[name]: name for name in EVERY_ACTOR}
        # C (文水县) is quiet: nobody pushes there, and its derived entities must stay as the tick left them.
        self.enterprises = {"A": people["A"], "B": people["B"], "C": people["C"]}
        self.now = START
        self.log: list[str] = []
        # The server's clock: what a push is received at, and the day the derived entities read.
        monkeypatch.setattr(clock, "today_in_shanghai", lambda: self.today)
        with app.app_context():
            monkeypatch.setattr(sync_engine(), "clock", lambda: self.now)
        self.client = app.test_client()
        # Registered on a fixed day, so obligations never depend on the day the test runs.
        with app.app_context():
            for enterprise_id in self.enterprises.values():
                db.session.execute(
                    update(Enterprise).where(Enterprise.id == enterprise_id).values(created_at=REGISTERED)
                )
                publish(db.session.get(Enterprise, enterprise_id))
            self.photos = {
                name: save_blob(db.session, blob_store(), photo_bytes(index), people[name])
                for index, name in enumerate(EVERY_ACTOR)
            }
            db.session.commit()
            self.database = db.engine.url.database
        self.devices = {name: Device(self.client, name) for name in EVERY_ACTOR}
        self.run_tick()  # what seeding does: every derived entity exists before the first push
        self.snapshot = f"{self.database}.snapshot"
        self._copy(self.database, self.snapshot)

    # --- one history -------------------------------------------------------------------------------

    def reset(self, skews: dict[str, int]) -> None:
        """Start a history: the snapshot's database, the clock at START, empty outboxes, fresh cursors."""
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        self._copy(self.snapshot, self.database)
        self.now = START
        self.counter = 0
        self.outcomes: Counter = Counter()
        self.log = []
        self.outboxes = {}
        for name, device in self.devices.items():
            device.client_id, device.seq = str(uuid.uuid4()), 0
            self.outboxes[name] = Outbox(device, timedelta(minutes=skews.get(name, 0)))

    @staticmethod
    def _copy(source: str, target: str) -> None:
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()

    @property
    def today(self) -> date:
        """Today in Asia/Shanghai by the server's clock (what the derived entities read)."""
        return local_day(self.now)

    def new_id(self) -> str:
        """Return a fresh id, the same in every run of one history (so records list in the same order)."""
        self.counter += 1
        return str(uuid.uuid5(ID_SPACE, str(self.counter)))

    def advance(self, minutes: int) -> bool:
        """Move the server clock on; tell whether the Shanghai day changed."""
        before = self.today
        self.now += timedelta(minutes=minutes)
        if self.today != before:
            self.log.append(f"{self.now:%Y-%m-%d %H:%MZ} the day in Shanghai is now {self.today}")
        return self.today != before

    # --- devices -----------------------------------------------------------------------------------

    def device_time(self, who: str) -> str:
        """Return now as the device's (offset) clock reads it."""
        return format_time(self.now + self.outboxes[who].skew)

    def queue(self, who: str, command_type: str, entity_id: str, args: dict) -> None:
        """Record a command on a device, captured now by its clock."""
        outbox = self.outboxes[who]
        outbox.device.seq += 1
        outbox.commands.append(
            {
                "seq": outbox.device.seq,
                "id": self.new_id(),
                "type": command_type,
                "entity_id": entity_id,
                "captured_at": self.device_time(who),
                "args": args,
            }
        )

    def sync(self, who: str) -> None:
        """Push a device's outbox through the real API; the server receives at its clock."""
        outbox = self.outboxes[who]
        if not outbox.commands:
            return
        body = {"client_id": outbox.device.client_id, "sent_at": self.device_time(who)}
        answer = self.client.post(
            "/api/v1/sync/push",
            json={**body, "commands": outbox.commands},
            headers=outbox.device.headers,
        )
        assert answer.status_code == 200, answer.get_json()
        result = answer.get_json()
        assert result["blocked"] is None, result
        for command, outcome in zip(outbox.commands, result["outcomes"], strict=True):
            self.outcomes[(command["type"], outcome["status"])] += 1
            self.log.append(
                f"{self.now:%Y-%m-%d %H:%MZ} {who} pushed {command['type']} {command['entity_id'][:8]}"
                f" captured {command['captured_at']}: {outcome['status']} {outcome.get('code') or ''}"
            )
        outbox.commands = []

    def sync_everyone(self) -> None:
        """Every device comes online and pushes what it holds."""
        for who in EVERY_ACTOR:
            self.sync(who)

    def run_tick(self) -> Counter:
        """Run the cadence tick as the scheduler does, at the server's clock."""
        with self.app.app_context():
            try:
                recorded = tick(db.session, sync_engine())
            finally:
                db.session.remove()
        self.log.append(f"{self.now:%Y-%m-%d %H:%MZ} cadence tick: {dict(recorded)}")
        return recorded

    # --- what the devices read ---------------------------------------------------------------------

    def records(self, entity: str, key: str) -> list[dict]:
        """Return an enterprise's stored records of one type, in a fixed order (by id)."""
        scope = f"ent:{self.enterprises[key]}"
        e = tables.entities.c
        query = select(e.data).where(e.entity == entity, e.scope == scope, e.deleted.is_(False))
        with self.app.app_context():
            rows = db.session.execute(query.order_by(e.id)).scalars().all()
            db.session.remove()
        return list(rows)

    def record(self, entity: str, entity_id: str) -> dict | None:
        """Return one stored record's data."""
        with self.app.app_context():
            found = sync_engine().load(db.session, entity, entity_id)
            db.session.remove()
        return found.data if found and not found.deleted else None

    def members(self, key: str, active: bool | None = True) -> list[str]:
        """Return the ids of an enterprise's people (active ones by default), by username."""
        query = select(User.id).where(User.enterprise_id == self.enterprises[key])
        if active is not None:
            query = query.where(User.active.is_(active))
        with self.app.app_context():
            found = db.session.execute(query.order_by(User.username)).scalars().all()
            db.session.remove()
        return list(found)

    def created_people(self, key: str, active: bool) -> list[str]:
        """Return the ids of the people a history created in an enterprise (never the actors)."""
        return [u for u in self.members(key, active) if u not in self.names]

    def late_entries(self) -> int:
        """Count the late entries the stored `due` entities list."""
        dues = (self.record("due", e) or {} for e in self.enterprises.values())
        return sum(len(due.get("late_entries", [])) for due in dues)

    # --- the property ------------------------------------------------------------------------------

    def check(self, full: bool = True) -> None:
        """Stored derived entities equal a full recomputation, and every role's pulls deliver them;
        not full: only that recomputing every enterprise now finds nothing to record."""
        try:
            if full:
                self._check()
            else:
                self.assert_refresh_records_nothing()
        except AssertionError as failure:
            detail = failure
            if not full:
                try:  # the full check names the entities and fields that differ
                    self._check()
                except AssertionError as named:
                    detail = f"{failure}\n{named}"
            history = "\n".join(self.log[-60:])
            raise AssertionError(f"{detail}\n\nthe history so far (last 60 events):\n{history}") from None

    def _check(self) -> None:
        stored = self.stored_derived()
        fresh = self.recomputed_from_records()
        assert_same(
            {k: _what(v) for k, v in fresh.items()},
            {k: _what(_without(v, "version")) for k, v in stored.items()},
            "recomputed",
        )
        self.assert_refresh_records_nothing()
        for who, outbox in self.outboxes.items():
            self.pull(outbox)
            with self.app.app_context():
                user = db.session.get(User, self.people[who])
                scopes = sync_engine().pull_scopes_for(db.session, actor_of(user))
                db.session.remove()
            visible = {k: _without(v, "scope") for k, v in stored.items() if v["scope"] in scopes}
            pulled = {k: v for k, v in outbox.replica.items() if k[0] in DERIVED}
            assert_same(pulled, visible, f"pulled by {who}")

    def stored_derived(self) -> dict[tuple[str, str], dict]:
        """Return every derived entity as stored: scope, version and data by (entity, id)."""
        e = tables.entities.c
        query = select(e.entity, e.id, e.scope, e.version, e.data).where(
            e.entity.in_(DERIVED), e.deleted.is_(False)
        )
        with self.app.app_context():
            rows = db.session.execute(query).all()
            db.session.remove()
        return {(r.entity, r.id): {"scope": r.scope, "version": r.version, "data": r.data} for r in rows}

    def assert_refresh_records_nothing(self) -> None:
        """Recomputing every enterprise now finds nothing to record."""
        with self.app.app_context():
            try:
                recorded = refresh(db.session, sync_engine(), list(self.enterprises.values()))
            finally:
                db.session.rollback()
                db.session.remove()
        assert not recorded, f"refresh would record {dict(recorded)} (stored derived state is stale)"

    def recomputed_from_records(self) -> dict[tuple[str, str], dict]:
        """Return every derived entity computed from nothing but the records (then thrown away)."""
        e = tables.entities.c
        with self.app.app_context():
            try:
                db.session.execute(delete(tables.entities).where(e.entity.in_(DERIVED)))
                fresh = {}
                for enterprise_id in self.enterprises.values():
                    for module in MODULES:
                        for change in module.rebuild(db.session, enterprise_id):
                            sync_engine().record_change(db.session, change)
                            fresh[(change.entity, change.id)] = change
                # Read back as the JSON column gives it, so tuples and keys compare as stored.
                rows = db.session.execute(
                    select(e.entity, e.id, e.scope, e.data).where(e.entity.in_(DERIVED))
                ).all()
            finally:
                db.session.rollback()
                db.session.remove()
        assert {(r.entity, r.id) for r in rows} == set(fresh)
        return {(r.entity, r.id): {"scope": r.scope, "data": r.data} for r in rows}

    def pull(self, outbox: Outbox) -> None:
        """Pull from the device's cursor to the end, applying each change to its replica."""
        while True:
            query = {"limit": 500, "client_id": outbox.device.client_id}
            if outbox.cursor:
                query["cursor"] = outbox.cursor
            answer = self.client.get("/api/v1/sync/pull", query_string=query, headers=outbox.device.headers)
            assert answer.status_code == 200, answer.get_json()
            page = answer.get_json()
            for change in page["changes"]:
                key = (change["entity"], change["id"])
                if change["deleted"]:
                    outbox.replica.pop(key, None)
                else:
                    outbox.replica[key] = {"version": change["version"], "data": change["data"]}
            outbox.cursor = page["cursor"]
            if not page["more"]:
                return


def _without(row: dict, name: str) -> dict:
    return {k: v for k, v in row.items() if k != name}


def _what(row: dict) -> dict:
    """A derived entity without the day it was computed on: a recomputation on a later day differs only
    there, and the stored states hold until the next scheduled day (backend/derived/differs.py)."""
    data = row["data"]
    if isinstance(data, dict):
        data = {k: _when_less(v) for k, v in data.items() if k not in WHEN_FIELDS}
    return {**row, "data": data}


def _when_less(value):
    """An embedded document (a summary's `due`) without its day of computation, like the top level."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in WHEN_FIELDS}
    return value


def assert_same(found: dict, expected: dict, what: str) -> None:
    """Assert two maps of derived entities are equal, naming the entities that differ."""
    if found == expected:
        return
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    differing = sorted(k for k in set(found) & set(expected) if found[k] != expected[k])
    lines = [f"derived entities {what} differ from those stored"]
    lines += [f"  missing {k}" for k in missing] + [f"  unexpected {k}" for k in extra]
    for key in differing[:5]:
        lines.append(f"  {key}:")
        lines += _field_diff(found[key], expected[key])[:12]
    raise AssertionError("\n".join(lines))


def _field_diff(found, expected, path: str = "") -> list[str]:
    """Describe where two JSON values differ, one line per differing leaf (dotted path)."""
    if isinstance(found, dict) and isinstance(expected, dict):
        names = sorted(set(found) | set(expected))
        return [line for n in names for line in _field_diff(found.get(n), expected.get(n), f"{path}.{n}")]
    if isinstance(found, list) and isinstance(expected, list) and len(found) == len(expected):
        return [
            line
            for index, (a, b) in enumerate(zip(found, expected, strict=True))
            for line in _field_diff(a, b, f"{path}[{index}]")
        ]
    return [] if found == expected else [f"    {path.lstrip('.')}: {found!r} != stored {expected!r}"]
