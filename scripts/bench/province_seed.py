"""A province, bulk-seeded: enterprises × people with their synced records, one password hash for all.

Rows go in by multi-row INSERT in chunks (users, enterprises and their sync entities exactly as publish()
writes them, badges as badge_change makes them); the other derived entities of each enterprise (checklist,
due, person_record) are what the cadence tick would record first on an empty enterprise: module.rebuild,
written without a diff against nothing. The password is hashed once (argon2) and the hash reused.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import insert, select, update

from backend import demo_data
from backend.derived import MODULES
from backend.derived.badge import badge_change
from backend.extensions import db
from backend.models import Enterprise, User
from backend.passwords import hash_password
from backend.region_entities import publish_regions
from backend.rules.industries import INDUSTRY_KEYS
from backend.rules.regions import counties_of
from backend.rules.uscc import check_character
from backend.sync_setup import sync_engine
from sync import Change, tables

CHUNK = 5_000
PROVINCE = "140000"  # 山西省: its enterprises spread over its 117 counties, round robin
# A second bureau, of one county (交城县), beside the province's `bureau`.
COUNTY_BUREAU = "bureau-county"
FLAGS = (["metal_smelting", "gas"], ["dust_explosion"], [], ["confined_space"], ["labour_intensive"])


def uscc(n: int) -> str:
    """Return a valid unified social credit code numbered n."""
    first17 = f"91140000{n:09d}"
    return first17 + check_character(first17)


def seed_province(enterprises: int, people: int) -> dict[str, int]:
    """Insert the enterprises (spread over Shanxi's counties), their people (a principal, an officer,
    workers), a province and a county bureau, and the region nodes; commit."""
    now = datetime.now(UTC)
    password = hash_password(demo_data.PASSWORD)
    position = [db.session.execute(select(tables.counter.c.position)).scalar() or 0]
    counts = {"enterprises": 0, "users": 0, "entities": 0}
    counties = counties_of(PROVINCE)

    def flush(rows: dict[str, list], final: bool = False) -> None:
        if not final and max(len(kept) for kept in rows.values()) < CHUNK:
            return
        for table in (Enterprise.__table__, User.__table__, tables.entities):  # foreign keys first
            if rows[table.name]:
                db.session.execute(insert(table), rows[table.name])
                rows[table.name] = []

    rows: dict[str, list] = {"enterprises": [], "users": [], "sync_entities": []}

    def entity(change: Change) -> None:
        position[0] += 1
        rows["sync_entities"].append(
            {
                "entity": change.entity,
                "id": change.id,
                "scope": change.scope,
                "version": 1,
                "deleted": False,
                "data": change.data,
                "position": position[0],
                "updated_at": now,
            }
        )
        counts["entities"] += 1

    def person(username: str, name: str, role: str, **place: str) -> User:
        """Add a signed-up person (an enterprise's, or a bureau's with its region) and their user entity."""
        user = User(
            id=str(uuid.uuid4()),
            username=username,
            display_name=name,
            role=role,
            employment_type="own",
            password_hash=password,
            active=True,
            created_at=now,
            history=[],
            **place,
        )
        rows["users"].append(_columns(user))
        entity(Change("user", user.id, user.scope, user.to_data()))
        return user

    for username, name, region in (
        ("bureau", "山西省应急管理厅 执法员", PROVINCE),
        (COUNTY_BUREAU, "交城县应急管理局 执法员", "141122"),
    ):
        person(username, name, "bureau", region_code=region)
    for e in range(enterprises):
        enterprise = Enterprise(
            id=str(uuid.uuid4()),
            uscc=uscc(e),
            name=f"示范企业{e:05d}有限公司",
            industry=INDUSTRY_KEYS[e % len(INDUSTRY_KEYS)],
            flags=FLAGS[e % len(FLAGS)],
            standardisation_grade=3,
            address="省内某工业园区",
            region_code=counties[e % len(counties)],
            created_at=now,
            history=[],
        )
        rows["enterprises"].append(_columns(enterprise))
        entity(Change("enterprise", enterprise.id, enterprise.scope, enterprise.to_data()))
        for p in range(people):
            role = "principal" if p == 0 else "officer" if p == 1 else "worker"
            user = person(f"e{e:05d}-{p:03d}", f"职工{e:05d}-{p:03d}", role, enterprise_id=enterprise.id)
            entity(badge_change(user.id))
        counts["enterprises"] += 1
        counts["users"] += people
        flush(rows)
    flush(rows, final=True)
    if db.session.execute(update(tables.counter).values(position=position[0])).rowcount == 0:
        db.session.execute(insert(tables.counter).values(id=1, position=position[0], horizon=0))
    db.session.commit()
    counts["entities"] += publish_regions(db.session, sync_engine())
    db.session.commit()
    return counts


def seed_derived(enterprise_ids: list[str]) -> int:
    """Write each enterprise's first checklist, due, person_record and summary (badges came with the people).

    Module by module, as the tick records them: due reads the checklist written just before it.
    """
    now, written = datetime.now(UTC), 0
    top = db.session.execute(select(tables.counter.c.position)).scalar_one()
    for enterprise_id in enterprise_ids:
        for module in MODULES:
            if module.ENTITY == "badge":
                continue
            batch = []
            for change in module.rebuild(db.session, enterprise_id):
                top += 1
                batch.append(
                    {
                        "entity": change.entity,
                        "id": change.id,
                        "scope": change.scope,
                        "version": 1,
                        "deleted": False,
                        "data": change.data,
                        "position": top,
                        "updated_at": now,
                    }
                )
            if batch:
                db.session.execute(insert(tables.entities), batch)
                written += len(batch)
    db.session.execute(update(tables.counter).values(position=top))
    db.session.commit()
    return written


def _columns(record) -> dict:
    return {column.name: getattr(record, column.key) for column in record.__table__.columns}
