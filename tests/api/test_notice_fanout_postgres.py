"""A notice to 70,000 people on PostgreSQL: more than one statement's 65,535 parameters could name."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.models import NoticeEnterprise, NoticeFanout, NoticeRecipient
from backend.notify.notice_fanout import fan_out_pending, fan_out_until_done
from scripts.bench_notices import NOTICE, seed_recipients
from sync import tables

from ..api_client import Device
from ..people import seed_people
from .test_notices import ENTERPRISE_USERS

pytestmark = pytest.mark.postgres
MANY = 70_000


def test_a_notice_reaches_70000_people_once_each_on_postgresql(pg_app):
    pg_app.config["NOTICE_FANOUT_AFTER_COMMIT"] = "off"
    with pg_app.app_context():
        seed_people()
        seed_recipients(db.session, MANY)
    bureau = Device(pg_app.test_client(), "bureau")
    notice_id = str(uuid.uuid4())
    assert bureau.do("notice.send", notice_id, **NOTICE)["status"] == "applied"
    everyone = MANY + len(ENTERPRISE_USERS)
    with pg_app.app_context():
        assert fan_out_pending(db.session, chunk=5000) == everyone
        assert fan_out_pending(db.session) == 0
        assert db.session.get(NoticeFanout, notice_id).done_at is not None
        reached = select(func.count(), func.count(func.distinct(NoticeRecipient.user_id))).where(
            NoticeRecipient.notice_id == notice_id
        )
        assert tuple(db.session.execute(reached).one()) == (everyone, everyone)
        e = tables.entities.c
        inboxes = select(func.count()).where(e.entity == "notification", e.position.is_not(None))
        assert db.session.scalar(inboxes) == everyone
        counted = select(func.sum(NoticeEnterprise.recipients)).where(NoticeEnterprise.notice_id == notice_id)
        assert db.session.scalar(counted) == everyone
        notice = db.session.execute(
            select(e.data).where(e.entity == "notice", e.id == notice_id)
        ).scalar_one()
    assert notice["fanout"]["recipients"] == everyone
    assert len(str(notice)) < 2000  # the document never grows with its recipients


def test_the_seed_waits_for_a_fan_out_another_worker_holds(pg_app):
    """The demo seed read the inboxes while the push's own background job held the notice: none yet."""
    pg_app.config["NOTICE_FANOUT_AFTER_COMMIT"] = "off"
    with pg_app.app_context():
        seed_people()
    notice_id = str(uuid.uuid4())
    assert (
        Device(pg_app.test_client(), "bureau").do("notice.send", notice_id, **NOTICE)["status"] == "applied"
    )
    with pg_app.app_context():
        other = db.engine.connect()
        held = other.begin()
        # Another worker's fan-out holds the notice's row.
        other.execute(select(NoticeFanout).where(NoticeFanout.notice_id == notice_id).with_for_update())
        assert fan_out_pending(db.session) == 0  # skipped, not waited for: the seed's race
        assert db.session.get(NoticeFanout, notice_id).done_at is None
        db.session.rollback()
        release = threading.Timer(0.5, held.commit)
        release.start()
        try:
            fan_out_until_done(db.session, notice_id, seconds=30)
        finally:
            release.join()
            other.close()
        assert db.session.get(NoticeFanout, notice_id).done_at is not None
        reached = select(func.count()).where(NoticeRecipient.notice_id == notice_id)
        assert db.session.scalar(reached) == len(ENTERPRISE_USERS)
