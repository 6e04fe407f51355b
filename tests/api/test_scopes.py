"""Who reads which scope: managers-only, personal and region scopes, and the bureau's cursor as
enterprises join."""

import uuid

from backend.extensions import db
from backend.models import Enterprise, User
from backend.scopes import enterprise_scope, managers_scope, region_scope, user_scope
from backend.sync_setup import publish, sync_engine
from sync import Change

from ..api_client import Device


def _record(app, entity: str, scope: str) -> str:
    entity_id = str(uuid.uuid4())
    with app.app_context():
        sync_engine().record_change(db.session, Change(entity, entity_id, scope, {"id": entity_id}))
        db.session.commit()
    return entity_id


def test_managers_scope_is_read_by_officers_and_principals_but_not_workers(app, client, people):
    secret = _record(app, "training_key", managers_scope(people["A"]))
    assert ("training_key", secret) in Device(client, "officer-a").pull_all()
    assert ("training_key", secret) in Device(client, "principal-a").pull_all()
    assert ("training_key", secret) not in Device(client, "worker-a1").pull_all()
    assert ("training_key", secret) not in Device(client, "officer-b").pull_all()


def test_a_personal_scope_is_read_by_that_person_only(app, client, people):
    badge = _record(app, "badge", user_scope(people["worker-a1"]))
    assert ("badge", badge) in Device(client, "worker-a1").pull_all()
    assert ("badge", badge) not in Device(client, "worker-a2").pull_all()
    assert ("badge", badge) not in Device(client, "bureau").pull_all()


def test_the_bureau_keeps_its_cursor_when_an_enterprise_registers_and_pulls_its_summary(app, client, people):
    bureau = Device(client, "bureau")
    bureau.pull_all()
    cursor = client.get("/api/v1/sync/pull", headers=bureau.headers).get_json()["cursor"]
    joined_id = str(uuid.uuid4())
    with app.app_context():
        joined = Enterprise(
            id=joined_id, uscc="91110000802100433B", name="新企业", flags=[], region_code="141122"
        )
        db.session.add(joined)
        db.session.flush()
        publish(joined)
        db.session.commit()
    _record(app, "hazard", enterprise_scope(joined_id))
    summary = _record(app, "enterprise_summary", region_scope("141122"))
    page = client.get("/api/v1/sync/pull", query_string={"cursor": cursor}, headers=bureau.headers).get_json()
    assert {c["id"] for c in page["changes"]} == {summary}


def test_a_worker_moved_to_another_enterprise_starts_over(app, client, people):
    worker = Device(client, "worker-a1")
    cursor = client.get("/api/v1/sync/pull", headers=worker.headers).get_json()["cursor"]
    with app.app_context():
        db.session.get(User, people["worker-a1"]).enterprise_id = people["B"]
        db.session.commit()
    answer = client.get("/api/v1/sync/pull", query_string={"cursor": cursor}, headers=worker.headers)
    assert (answer.status_code, answer.get_json()["code"]) == (410, "reset_required")


def test_the_bureau_may_register_an_enterprise_and_update_it_in_the_same_push(client, people):
    bureau = Device(client, "bureau")
    enterprise = str(uuid.uuid4())
    register = bureau.command(
        "enterprise.register",
        enterprise,
        uscc="91110000802100433B",
        name="新企业",
        industry="textile",
        region_code="141122",
    )
    update = bureau.command("enterprise.update", enterprise, address="交城县洪相乡")
    outcomes = bureau.push(register, update)["outcomes"]
    assert [(o["status"], o.get("version")) for o in outcomes] == [("applied", 1), ("applied", 2)]
