"""Telling demo stories: each command pushed through the real engine as a person's phone, at its time."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

from PIL import Image, ImageDraw

from sync.blobs import save_blob
from sync.wire import format_time, utc_now

from .blob_setup import blob_store
from .derived.clock import today_in_shanghai
from .extensions import db
from .models import Enterprise, User
from .records import record
from .sync_setup import actor_of, sync_engine


def photo(label: int, user: User) -> str:
    """Store a generated JPEG as the user's upload and return its hash."""
    image = Image.new("RGB", (640, 480), (40 + label * 23 % 200, 90, 140 - label * 11 % 100))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 600, 440), outline=(255, 255, 255), width=6)
    draw.text((60, 60), f"demo photo {label}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return save_blob(db.session, blob_store(), buffer.getvalue(), user.id)


def push_one(
    user: User, command_type: str, entity_id: str, captured, args: dict, late_hours: float = 0
) -> None:
    """Push one command as the user's demo phone, captured then and received minutes (or hours) later."""
    engine = sync_engine()
    received = captured + timedelta(minutes=3, hours=late_hours)
    real_clock = engine.clock
    engine.clock = lambda: received
    try:
        db.session.commit()
        body = {
            "client_id": _client_id(user),
            "sent_at": format_time(received),
            "commands": [_command(user, command_type, entity_id, captured, args)],
        }
        outcome = engine.push(db.session, actor_of(user), body, 0)["outcomes"][-1]
    finally:
        engine.clock = real_clock
    if outcome["status"] != "applied":
        raise RuntimeError(f"demo command {command_type} was rejected: {outcome}")


def _client_id(user: User) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"demo-client/{user.username}"))


def _command(user: User, command_type: str, entity_id: str, captured, args: dict) -> dict:
    last = sync_engine().pull(db.session, actor_of(user), None, 1, _client_id(user))["last_seq"]
    return {
        "seq": last + 1,
        "id": str(uuid.uuid4()),
        "type": command_type,
        "entity_id": entity_id,
        "captured_at": format_time(captured),
        "args": args,
    }


class StoryTeller:
    """Pushes demo_records' stories, resolving their "@…" references to real ids, photos, days, times."""

    def __init__(self, enterprises: dict[str, Enterprise], users: dict[str, User]):
        self.enterprises, self.users = enterprises, users
        self.entities: dict[str, str] = {}
        self.photos = 0
        self.now, self.today = utc_now(), today_in_shanghai()

    def tell(self, stories: list[dict]) -> int:
        """Push every story whose command types the engine knows; return how many records were made."""
        known = set(sync_engine().registry.types())
        told = 0
        for story in stories:
            if not {step[2] for step in story["steps"]} <= known:
                continue  # a record type whose handlers are not there: nothing to seed
            self.entities[story["key"]] = entity_id = str(uuid.uuid4())
            for days_ago, username, command_type, raw in story["steps"]:
                user = self.users[username]
                captured = self.now - timedelta(days=days_ago, hours=2)
                for each in self.each_item(raw, entity_id):
                    args = self.resolve(each, user, entity_id)
                    push_one(user, command_type, entity_id, captured, args, story.get("late_hours", 0))
            told += 1
        return told

    def each_item(self, args: dict, entity_id: str) -> list[dict]:
        """Expand "@item:*" into one args per inspection item not answered yet (a whole checklist)."""
        if args.get("item_id") != "@item:*":
            return [args]
        items = record(db.session, "inspection", entity_id)["items"]
        return [{**args, "item_id": item["id"]} for item in items if item.get("result") is None]

    def resolve(self, value: Any, user: User, entity_id: str) -> Any:
        """Replace "@…" references in args, recursively."""
        if isinstance(value, dict):
            return {key: self.resolve(item, user, entity_id) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item, user, entity_id) for item in value]
        if not isinstance(value, str) or not value.startswith("@"):
            return value
        kind, _, rest = value[1:].partition(":")
        if kind == "photo":
            self.photos += 1
            return photo(500 + self.photos, user)
        if kind == "new":
            return str(uuid.uuid4())
        if kind == "user":
            return self.users[rest].id
        if kind == "enterprise":
            return self.enterprises[rest].id
        if kind == "entity":
            return self.entities[rest]
        if kind == "day":
            return (self.today + timedelta(days=int(rest))).isoformat()
        if kind == "time":
            return format_time(self.now + timedelta(days=float(rest)))
        if kind == "point":
            story, _, index = rest.rpartition(":")
            return record(db.session, "equipment", self.entities[story])["points"][int(index)]["id"]
        if kind == "item":
            return record(db.session, "inspection", entity_id)["items"][int(rest)]["id"]
        raise ValueError(f"unknown demo reference {value!r}")
