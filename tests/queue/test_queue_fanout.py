"""Notice fan-out on the queue: two worker processes racing reach every inbox exactly once."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from backend.extensions import db
from backend.jobqueue.connection import JOBS, queue
from backend.jobqueue.triggers import TASKS
from backend.models import NoticeFanout, NoticeRecipient
from backend.scopes import user_scope

from ..api.test_notice_fanout import inbox_rows
from ..api.test_notices import ENTERPRISE_USERS, NOTICE
from ..api_client import Device
from ..people import seed_people
from ..redis_server import forget_prefix
from .conftest import finish, start_worker, waiting, worker_env

FANOUT_JOB = "backend.jobqueue.tasks.fanout_job"
DERIVED_JOB = "backend.jobqueue.tasks.derived_job"


def test_two_workers_racing_fan_each_notice_out_to_every_inbox_once(pg_queued, tmp_path):
    app, url = pg_queued
    with app.app_context():
        people = seed_people()
    bureau = Device(app.test_client(), "bureau")
    notices = [str(uuid.uuid4()) for _ in range(2)]
    for notice_id in notices:
        outcome = bureau.do("notice.send", notice_id, **{**NOTICE, "target": {"all": True}})
        assert outcome["status"] == "applied", outcome
    # Two sends while no worker ran: one fan-out job waits for both (and one derived job, as after any
    # push); nobody's inbox holds anything yet.
    assert sorted(waiting(app)["jobs"]) == [DERIVED_JOB, FANOUT_JOB]
    assert all(inbox_rows(app, notice_id) == [] for notice_id in notices)
    with app.app_context():
        queue(JOBS).enqueue(TASKS["fanout"], job_id=f"{app.config['QUEUE_PREFIX']}-fanout-again")
    env = worker_env(app, url, tmp_path)
    workers = [start_worker(env, tmp_path, f"worker-{n}") for n in range(2)]
    for number, process in enumerate(workers):
        finish(process, tmp_path, f"worker-{number}")
    recipients = sorted(user_scope(people[name]) for name in ENTERPRISE_USERS)
    for notice_id in notices:
        assert sorted(scope for scope, _ in inbox_rows(app, notice_id)) == recipients
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(NoticeRecipient)) == 2 * len(recipients)
        assert all(db.session.get(NoticeFanout, n).done_at is not None for n in notices)
    assert waiting(app) == {"jobs": [], "deliveries": []}
    assert forget_prefix(app.config["QUEUE_PREFIX"]) > 0  # the keys it used all carry the prefix
