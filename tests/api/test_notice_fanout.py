"""The notice fan-out: the push records only the notice; a chunked, resumable job reaches every inbox once."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.models import Delivery, NoticeFanout, NoticeRecipient
from backend.notify import deliver_due, fanout_trigger
from backend.notify import notice_fanout as fanout_module
from backend.notify.cli import notify_tick
from backend.notify.notice_fanout import fan_out_pending
from backend.scopes import user_scope
from scripts.bench_notices import seed_recipients
from sync import tables

from ..api_client import Device
from .test_inbox import push_service, subscribe  # noqa: F401  (push_service is a fixture)
from .test_notices import ENTERPRISE_USERS, NOTICE, USERS_OF, notices_in, receipts_of, recipients


@pytest.fixture
def later(app):
    """Leave the fan-out to the job: nothing runs after the push's commit."""
    app.config["NOTICE_FANOUT_AFTER_COMMIT"] = "off"


def send(client, **changes) -> tuple[Device, str]:
    bureau = Device(client, "bureau")
    notice_id = str(uuid.uuid4())
    outcome = bureau.do("notice.send", notice_id, **{**NOTICE, "target": {"all": True}, **changes})
    assert outcome["status"] == "applied", outcome
    return bureau, notice_id


def entity_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(tables.entities))


def inbox_rows(app, notice_id: str) -> list[tuple[str, str]]:
    """Every stored notification of the notice, as (scope, id)."""
    e = tables.entities.c
    with app.app_context():
        rows = db.session.execute(select(e.scope, e.id, e.data).where(e.entity == "notification")).all()
    return sorted((r.scope, r.id) for r in rows if r.data["notice_id"] == notice_id)


def test_the_push_records_the_notice_and_its_fan_out_row_and_nothing_per_recipient(
    app, client, people, later
):
    before = entity_count(app)
    bureau, notice_id = send(client, self_check_due="2025-07-01")
    assert entity_count(app) == before + 1
    notice = bureau.pull_all()[("notice", notice_id)]["data"]
    assert notice["fanout"] == {"status": "pending"}
    assert set(notice) == {
        "id", "kind", "title", "body", "target", "self_check_due", "sent_by", "region_code", "sent_at",
        "fanout", "history",
    }  # fmt: skip
    assert notice["region_code"] == "141122"
    assert notices_in(Device(client, "worker-a1")) == []
    with app.app_context():
        assert db.session.get(NoticeFanout, notice_id).done_at is None
        assert fan_out_pending(db.session) == len(ENTERPRISE_USERS)
    assert len(notices_in(Device(client, "worker-a1"))) == 1
    officer = Device(client, "officer-b").pull_all()
    assert [k for k in officer if k[0] == "self_check"] == [
        ("self_check", str(uuid.uuid5(uuid.UUID(notice_id), people["B"])))
    ]


def test_the_notify_tick_is_the_safety_net_and_a_second_run_writes_nothing(app, client, people, later):
    _, notice_id = send(client)
    with app.app_context():
        assert notify_tick(db.session)["notice inboxes"] == len(ENTERPRISE_USERS)
        assert notify_tick(db.session)["notice inboxes"] == 0
        assert fan_out_pending(db.session) == 0
    assert len(inbox_rows(app, notice_id)) == len(ENTERPRISE_USERS)


def test_a_crash_mid_way_resumes_after_the_last_chunk_without_duplicates(
    app, client, people, later, monkeypatch
):
    bureau, notice_id = send(client, self_check_due="2025-07-01")
    real, calls = fanout_module.queue_web_pushes, []

    def crash_on_third_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(fanout_module, "queue_web_pushes", crash_on_third_chunk)
    with app.app_context(), pytest.raises(RuntimeError):
        fan_out_pending(db.session, chunk=2)
    written_before_crash = inbox_rows(app, notice_id)
    # Two chunks of two people committed; the third rolled back whole (its rows and its cursor).
    assert 0 < len(written_before_crash) < len(ENTERPRISE_USERS)
    with app.app_context():
        fanout = db.session.get(NoticeFanout, notice_id)
        assert (fanout.phase, fanout.recipients, fanout.done_at) == (
            "people",
            len(written_before_crash),
            None,
        )
        assert db.session.scalar(select(func.count()).select_from(NoticeRecipient)) == fanout.recipients
        left = len(ENTERPRISE_USERS) - len(written_before_crash)
        assert fan_out_pending(db.session, chunk=2) == left
        assert db.session.scalar(select(func.count()).select_from(NoticeRecipient)) == len(ENTERPRISE_USERS)
    rows = inbox_rows(app, notice_id)
    assert set(written_before_crash) <= set(rows)
    assert sorted(scope for scope, _ in rows) == sorted(user_scope(people[n]) for n in ENTERPRISE_USERS)
    counts = {e: r["recipients"] for e, r in receipts_of(bureau, notice_id).items()}
    assert counts == {people[key]: len(USERS_OF[key]) for key in ("A", "B")}


def test_each_recipients_devices_get_one_push_and_each_office_one_message(app, client, people, push_service):  # noqa: F811
    subscribe(app, client, Device(client, "worker-a1"), push_service)
    _, notice_id = send(client)
    with app.app_context():
        webpush = db.session.scalars(select(Delivery).where(Delivery.channel == "webpush")).all()
        assert len(webpush) == 1
        assert webpush[0].notification_key == str(uuid.uuid5(uuid.UUID(notice_id), people["worker-a1"]))
        results = deliver_due(db.session)
    assert [r.status for r in results] == ["sent"]
    assert push_service.received[0].payload["title"] == f"【事故通报】{NOTICE['title']}"
    assert push_service.received[0].payload["url"] == f"https://anquan.example.test/#/notices/{notice_id}"


def test_recipients_lists_are_for_the_bureau_and_the_enterprises_own_managers(app, client, people):
    _, notice_id = send(client)
    officer_a = Device(client, "officer-a")
    assert {r["user_id"] for r in recipients(officer_a, notice_id, people["A"])} == {
        people[n] for n in USERS_OF["A"]
    }
    for device, enterprise in ((officer_a, "B"), (Device(client, "worker-a1"), "A")):
        answer = client.get(
            f"/api/v1/notices/{notice_id}/recipients",
            query_string={"enterprise_id": people[enterprise]},
            headers=device.headers,
        )
        assert (answer.status_code, answer.get_json()["code"]) == (403, "forbidden")
    missing = client.get(
        f"/api/v1/notices/{uuid.uuid4()}/recipients",
        query_string={"enterprise_id": people["A"]},
        headers=officer_a.headers,
    )
    assert missing.status_code == 404


def test_receipts_are_pulled_by_the_bureaus_over_the_enterprises_not_by_the_enterprises(app, client, people):
    bureau, notice_id = send(client)
    assert receipts_of(Device(client, "officer-a"), notice_id) == {}
    assert receipts_of(Device(client, "worker-b1"), notice_id) == {}
    assert set(receipts_of(bureau, notice_id)) == {people["A"], people["B"]}
    assert set(receipts_of(Device(client, "bureau-lvliang"), notice_id)) == {people["A"], people["B"]}


def test_a_bureau_of_another_jurisdiction_sees_neither_receipts_nor_recipients(app, client, people):
    """The bureau of 文水县, the neighbour county, sees nothing of a 交城县 notice."""
    _, notice_id = send(client)
    neighbour = Device(client, "bureau-wenshui")
    assert receipts_of(neighbour, notice_id) == {}
    assert ("notice", notice_id) not in neighbour.pull_all()
    answer = client.get(
        f"/api/v1/notices/{notice_id}/recipients",
        query_string={"enterprise_id": people["A"]},
        headers=neighbour.headers,
    )
    assert answer.status_code == 403


def test_by_default_a_background_thread_fans_out_right_after_the_commit(app, client, people):
    app.config["NOTICE_FANOUT_AFTER_COMMIT"] = "thread"
    _, notice_id = send(client)
    thread = fanout_trigger._RUNNER.thread
    if thread is not None:
        thread.join(timeout=30)
    assert len(inbox_rows(app, notice_id)) == len(ENTERPRISE_USERS)
    with app.app_context():
        assert db.session.get(NoticeFanout, notice_id).done_at is not None


def test_people_are_walked_enterprise_by_enterprise_so_a_chunk_touches_few_receipts(
    app, client, people, later, monkeypatch
):
    """By user id alone, a province's chunk of 2,000 people touched ~1,600 enterprises' receipts."""
    _, notice_id = send(client)
    real, touched = fanout_module.add_recipients, []

    def record(session, notice, per_enterprise):
        touched.append(sorted(per_enterprise))
        return real(session, notice, per_enterprise)

    monkeypatch.setattr(fanout_module, "add_recipients", record)
    with app.app_context():
        assert fan_out_pending(db.session, chunk=2) == len(ENTERPRISE_USERS)
    walked = [enterprise for chunk in touched for enterprise in chunk]
    # Each enterprise's people come in one run of chunks: A's, then B's (or B's, then A's).
    assert walked == sorted(walked)
    assert len(set(walked)) == 2 and len(walked) <= len(touched) + 1


def test_a_county_notice_never_walks_the_people_of_another_county(app, client, people, later, monkeypatch):
    """Walking every user by key, 交城's notice also paged through all of 文水's people, finding nobody."""
    with app.app_context():
        seed_recipients(db.session, 60, per_enterprise=20, region_code="141121")  # 文水县
    _, notice_id = send(client)
    real, chunks = fanout_module.add_recipients, []

    def record(session, notice, per_enterprise):
        chunks.append(sum(per_enterprise.values()))
        return real(session, notice, per_enterprise)

    monkeypatch.setattr(fanout_module, "add_recipients", record)
    with app.app_context():
        assert fan_out_pending(db.session, chunk=2) == len(ENTERPRISE_USERS)
    # Every page held people of 交城's enterprises: as many pages as their people need, none empty.
    assert sum(chunks) == len(ENTERPRISE_USERS)
    assert len(chunks) == -(-len(ENTERPRISE_USERS) // 2)
    assert 0 not in chunks
    assert sorted(scope for scope, _ in inbox_rows(app, notice_id)) == sorted(
        user_scope(people[name]) for name in ENTERPRISE_USERS
    )
