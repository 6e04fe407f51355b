"""A notice to 70,000 people on PostgreSQL: more than one statement's 65,535 parameters could name."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.models import NoticeEnterprise, NoticeFanout, NoticeRecipient
from backend.notify.notice_fanout import fan_out_pending
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
