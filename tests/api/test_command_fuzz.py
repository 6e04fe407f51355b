"""Property test: arbitrary Unicode in any string argument of any command: never a 5xx, pulls still answer."""

from __future__ import annotations

import json
import uuid
from itertools import groupby

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import fields
from sqlalchemy import select

from backend.command_docs import MODULES
from backend.extensions import db
from backend.sync_setup import COMMAND_SPECS
from sync import tables
from sync.text_hygiene import is_clean

from ..api_client import now_text
from ..people import seed_people
from .command_scenarios import REJECTED_BASE, SCENARIOS
from .hazard_site import Site

ARGS_SCHEMAS = {command_type: schema for module in MODULES for command_type, schema in module.ARGS.items()}
EVERY_ROLE = ("worker-a1", "officer-a", "principal-a", "bureau")
# Characters that broke or could break storage and answers, mixed into otherwise arbitrary text.
TRICKY = ["\x00", "\x01", "\x1f", "\t", "\r", "\n", "\ud800", "\udfff", "\ufffd", "\U0001f600", "\\", "%"]
TEXT = st.text(st.one_of(st.characters(exclude_categories=()), st.sampled_from(TRICKY)), max_size=40)
EXAMPLES = 15


def string_paths(schema, base, prefix=()) -> list[tuple]:
    """Return the path of every string argument the schema declares (list items and nested fields too)."""
    paths = []
    for name, field in schema.fields.items():
        value = base.get(name) if isinstance(base, dict) else None
        paths += _field_paths(field, value, (*prefix, name))
    return paths


def _field_paths(field, value, path) -> list[tuple]:
    if isinstance(field, fields.String):  # UUID is a String too: clients send it as text
        return [path]
    if isinstance(field, fields.Nested):
        return string_paths(field.schema, value or {}, path)
    if isinstance(field, fields.List):
        items = value if isinstance(value, list) and value else [None]
        return [
            p for index, item in enumerate(items) for p in _field_paths(field.inner, item, (*path, index))
        ]
    return []


def with_text(args: dict, path: tuple, text: str) -> dict:
    """Return a copy of args with the value at path replaced (containers made as needed)."""
    args = json.loads(json.dumps(args))
    holder = args
    for part, following in zip(path, path[1:], strict=False):
        empty = [] if isinstance(following, int) else {}
        if isinstance(holder, list):
            holder.extend([None] * (part + 1 - len(holder)))
            holder[part] = holder[part] if isinstance(holder[part], list | dict) else empty
        else:
            holder[part] = holder.get(part) if isinstance(holder.get(part), list | dict) else empty
        holder = holder[part]
    if isinstance(holder, list):
        holder.extend([None] * (path[-1] + 1 - len(holder)))
    holder[path[-1]] = text
    return args


class FuzzSite(Site):
    """The demo people, fresh entities per run of a scenario, and the values its placeholders stand for."""

    def __init__(self, app, people):
        super().__init__(app, people)
        self._photos: dict[str, str] = {}
        self._item: str | None = None
        self._notification: str | None = None

    def resolve(self, value, who: str, ids: dict[str, str]):
        if isinstance(value, dict):
            return {k: self.resolve(v, who, ids) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v, who, ids) for v in value]
        if not isinstance(value, str) or not value.startswith("@"):
            return value
        if value == "@photo":
            return self._photos.setdefault(who, self.photo(len(self._photos), holder=who))
        if value == "@A":
            return self.people["A"]
        if value.startswith("@user:"):
            return self.people[value.removeprefix("@user:")]
        if value == "@username":
            return "fuzz-" + uuid.uuid4().hex[:12]
        if value == "@item":
            return self.first_item()
        if value == "@notification":
            return self.notification()
        return ids.setdefault(value.removeprefix("@id:"), str(uuid.uuid4()))

    def run(self, steps, fuzz: dict[tuple, str] | None = None) -> list[dict]:
        """Push the steps (one push per run of one sender), the last with fuzzed args; return the outcomes."""
        ids: dict[str, str] = {}
        commands = []
        for index, (who, command_type, key, args) in enumerate(steps):
            args = self.resolve(args, who, ids)
            if index == len(steps) - 1:
                for path, text in (fuzz or {}).items():
                    args = with_text(args, path, text)
            entity_id = self.resolve(key if key.startswith("@") else f"@id:{key}", who, ids)
            commands.append((who, self[who].command(command_type, entity_id, **args)))
        outcomes = []
        for who, batch in groupby(commands, key=lambda pair: pair[0]):
            device = self[who]
            body = {"client_id": device.client_id, "sent_at": now_text(), "commands": [c for _, c in batch]}
            answer = self.client.post(
                "/api/v1/sync/push",
                data=json.dumps(body),
                content_type="application/json",
                headers=device.headers,
            )
            assert answer.status_code == 200, answer.get_data(as_text=True)
            outcomes += answer.get_json()["outcomes"]
        return outcomes

    def first_item(self) -> str:
        if self._item is None:
            inspection = self.run(SCENARIOS["inspection.start"])[-1]["entity_id"]
            self._item = self.entity("inspection", inspection)["items"][0]["id"]
        return self._item

    def notification(self) -> str:
        if self._notification is None:
            notice = self.run(SCENARIOS["notice.send"])[-1]["entity_id"]
            with self.app.app_context():
                rows = db.session.execute(
                    select(tables.entities.c.id, tables.entities.c.data).where(
                        tables.entities.c.entity == "notification"
                    )
                ).all()
            self._notification = next(
                r.id
                for r in rows
                if r.data.get("notice_id") == notice and r.data.get("user_id") == self.people["worker-a1"]
            )
        return self._notification

    def entity(self, entity: str, entity_id: str) -> dict:
        with self.app.app_context():
            row = db.session.execute(
                select(tables.entities.c.data).where(
                    tables.entities.c.entity == entity, tables.entities.c.id == entity_id
                )
            ).first()
        return row.data


def test_every_registered_command_type_has_a_scenario():
    assert sorted(SCENARIOS) == sorted(spec.type for spec in COMMAND_SPECS)


def _fuzz_type(site: FuzzSite, command_type: str) -> None:
    steps = SCENARIOS[command_type]
    base = site.resolve(steps[-1][3], steps[-1][0], {})
    paths = string_paths(ARGS_SCHEMAS[command_type](), base) or [("note",)]
    base_outcomes = site.run(steps)
    expected = {"rejected"} if command_type in REJECTED_BASE else {"applied"}
    assert {o["status"] for o in base_outcomes[:-1]} <= {"applied"}, base_outcomes
    assert base_outcomes[-1]["status"] in expected, base_outcomes[-1]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.dictionaries(st.sampled_from(paths), TEXT, min_size=1, max_size=len(paths)))
    def push_fuzzed(fuzz):
        outcome = site.run(steps, fuzz)[-1]
        refused = {".".join(map(str, path)) for path, text in fuzz.items() if not is_clean(text)}
        if refused:
            assert (outcome["status"], outcome["code"]) == ("rejected", "invalid"), outcome
            assert set(outcome["fields"]) == refused, outcome
        else:
            assert outcome["status"] in ("applied", "rejected"), outcome

    push_fuzzed()
    for who in EVERY_ROLE:
        site[who].pull_all()  # asserts 200 on every page


@pytest.mark.parametrize("command_type", sorted(SCENARIOS))
def test_arbitrary_text_in_any_string_argument_never_answers_5xx(app, people, command_type):
    _fuzz_type(FuzzSite(app, people), command_type)


@pytest.mark.parametrize(
    "command_type", ["hazard.report", "lockout.open", "drill.plan", "equipment.register"]
)
def test_arbitrary_text_never_answers_5xx_on_postgresql(pg_app, command_type):
    with pg_app.app_context():
        people = seed_people()
    _fuzz_type(FuzzSite(pg_app, people), command_type)
