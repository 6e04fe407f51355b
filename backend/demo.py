"""Seeds demo_data into an empty database through the real sync engine, so records carry real history."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import func, select

from sync.blobs import save_blob
from sync.wire import format_time, utc_now

from . import demo_data
from .blob_setup import blob_store
from .extensions import db
from .models import Enterprise, User
from .passwords import hash_password
from .sync_setup import actor_of, publish, sync_engine


def seed() -> str:
    """Seed once: an empty users table gets the demo data; anything else is left alone."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return "database already has users: demo data not seeded"
    enterprises = _enterprises()
    users = _users(enterprises)
    db.session.commit()
    for index, hazard in enumerate(demo_data.HAZARDS):
        _hazard_story(index, hazard, users)
    return f"seeded {len(enterprises)} enterprises, {len(users)} users, {len(demo_data.HAZARDS)} hazards"


def _enterprises() -> dict[str, Enterprise]:
    made = {}
    for spec in demo_data.ENTERPRISES:
        fields = {k: v for k, v in spec.items() if k != "key"}
        enterprise = Enterprise(id=str(uuid.uuid4()), **fields)
        db.session.add(enterprise)
        db.session.flush()
        publish(enterprise)
        made[spec["key"]] = enterprise
    return made


def _users(enterprises: dict[str, Enterprise]) -> dict[str, User]:
    password_hash = hash_password(demo_data.PASSWORD)
    made = {}
    for spec in demo_data.USERS:
        enterprise = enterprises.get(spec["enterprise"]) if spec["enterprise"] else None
        user = User(
            id=str(uuid.uuid4()),
            username=spec["username"],
            display_name=spec["display_name"],
            role=spec["role"],
            enterprise_id=enterprise.id if enterprise else None,
            employment_type=spec.get("employment_type", "own"),
            password_hash=password_hash,
        )
        db.session.add(user)
        db.session.flush()
        publish(user)
        made[spec["username"]] = user
    return made


def _photo(label: int, user: User) -> str:
    image = Image.new("RGB", (640, 480), (40 + label * 23 % 200, 90, 140 - label * 11 % 100))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 600, 440), outline=(255, 255, 255), width=6)
    draw.text((60, 60), f"demo photo {label}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return save_blob(db.session, blob_store(), buffer.getvalue(), user.id)


def _args(raw: dict, users: dict[str, User], who: User, today, counter: list[int]) -> dict:
    args = {}
    for key, value in raw.items():
        if key == "photos":
            counter[0] += 1
            args["photos"] = [_photo(counter[0] * 10 + i, who) for i, _ in enumerate(value)]
        elif key == "assignee":
            args["assignee_id"] = users[value].id
        elif key == "due_in_days":
            args["due_date"] = (today + timedelta(days=value)).isoformat()
        else:
            args[key] = value
    return args


def _hazard_story(index: int, hazard: dict, users: dict[str, User]) -> None:
    engine = sync_engine()
    now = utc_now()
    hazard_id = str(uuid.uuid4())
    counter = [index * 100]
    steps = [(hazard["days_ago"], hazard["reporter"], "hazard.report", hazard["args"]), *hazard["story"]]
    real_clock = engine.clock
    try:
        for days_ago, username, command_type, raw_args in steps:
            user = users[username]
            captured = now - timedelta(days=days_ago, hours=2)
            engine.clock = lambda captured=captured: captured + timedelta(minutes=3)
            args = _args(raw_args, users, user, now.date(), counter)
            db.session.commit()
            body = {
                "client_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"demo-client/{username}")),
                "sent_at": format_time(captured + timedelta(minutes=3)),
                "commands": [_command(engine, user, command_type, hazard_id, captured, args)],
            }
            answer = engine.push(db.session, actor_of(user), body, 0)
            outcome = answer["outcomes"][-1]
            if outcome["status"] != "applied":
                raise RuntimeError(f"demo command {command_type} was rejected: {outcome}")
    finally:
        engine.clock = real_clock


def _command(engine, user: User, command_type: str, hazard_id: str, captured, args: dict) -> dict:
    client_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"demo-client/{user.username}"))
    last = engine.pull(db.session, actor_of(user), None, 1, client_id)["last_seq"]
    return {
        "seq": last + 1,
        "id": str(uuid.uuid4()),
        "type": command_type,
        "entity_id": hazard_id,
        "captured_at": format_time(captured),
        "args": args,
    }
