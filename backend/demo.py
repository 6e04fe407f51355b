"""Seeds demo_data and demo_records into an empty database through the real sync engine (real history)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from sync.wire import utc_now

from . import demo_data, demo_records, demo_wenshui
from .demo_notices import seed_notices
from .demo_stories import StoryTeller, photo, push_one
from .derived.badge import badge_change
from .derived.tick import tick
from .extensions import db
from .models import Enterprise, User
from .passwords import hash_password
from .region_entities import publish_regions
from .sync_setup import publish, sync_engine


def seed() -> str:
    """Seed once: an empty users table gets the demo data; anything else is left alone."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return "database already has users: demo data not seeded"
    publish_regions(db.session, sync_engine())
    enterprises = _enterprises()
    users = _users(enterprises)
    for user in users.values():
        if user.enterprise_id:
            sync_engine().record_change(db.session, badge_change(user.id))
    db.session.commit()
    hazards = [*demo_data.HAZARDS, *demo_wenshui.HAZARDS]
    for index, hazard in enumerate(hazards):
        _hazard_story(index, hazard, users)
    told = StoryTeller(enterprises, users).tell([*demo_records.STORIES, *demo_wenshui.STORIES])
    told += seed_notices(users)
    derived = tick(db.session, sync_engine())
    return (
        f"seeded {len(enterprises)} enterprises, {len(users)} users, {len(hazards)} hazards, "
        f"{told} other records; derived: {derived['due']} due, {derived['person_record']} person records"
    )


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
            region_code=spec.get("region_code"),
            password_hash=password_hash,
        )
        db.session.add(user)
        db.session.flush()
        publish(user)
        made[spec["username"]] = user
    return made


def _args(raw: dict, users: dict[str, User], who: User, today, counter: list[int]) -> dict:
    args = {}
    for key, value in raw.items():
        if key == "photos":
            counter[0] += 1
            args["photos"] = [photo(counter[0] * 10 + i, who) for i, _ in enumerate(value)]
        elif key == "assignee":
            args["assignee_id"] = users[value].id
        elif key == "due_in_days":
            args["due_date"] = (today + timedelta(days=value)).isoformat()
        else:
            args[key] = value
    return args


def _hazard_story(index: int, hazard: dict, users: dict[str, User]) -> None:
    now = utc_now()
    hazard_id = str(uuid.uuid4())
    counter = [index * 100]
    steps = [(hazard["days_ago"], hazard["reporter"], "hazard.report", hazard["args"]), *hazard["story"]]
    for days_ago, username, command_type, raw_args in steps:
        user = users[username]
        captured = now - timedelta(days=days_ago, hours=2)
        args = _args(raw_args, users, user, now.date(), counter)
        push_one(user, command_type, hazard_id, captured, args)
