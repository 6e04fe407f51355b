"""Without REDIS_URL nothing changes: jobs run in-process and no Redis is imported or connected to."""

from __future__ import annotations

import gc
import os
import runpy
import subprocess
import sys
from types import SimpleNamespace

import redis
from sqlalchemy import select

from backend import config as app_config
from backend import create_app, jobs
from backend.extensions import db
from backend.jobqueue import queue_health, queue_stats
from backend.models import DerivedMark
from backend.notify import fanout_trigger

from ..api_client import Device
from ..people import seed_people
from .conftest import ROOT
from .test_queue_derived import due_of, report


def test_a_default_deployment_imports_neither_rq_nor_redis(tmp_path):
    """`make run` needs no Redis: building the app from the environment loads no client at all."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["INSTANCE_PATH"] = str(tmp_path)
    probe = (
        "import sys, wsgi; print(sorted({'rq', 'redis'} & set(sys.modules)), wsgi.app.config['REDIS_URL'])"
    )
    found = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.split("\n")[0] == "[] None"


def test_settings_follow_redis_url(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    for name in (
        "REDIS_URL",
        "QUEUE_PREFIX",
        "JOBS_IN_PROCESS",
        "DERIVED_AFTER_PUSH",
        "NOTICE_FANOUT_AFTER_COMMIT",
    ):
        monkeypatch.delenv(name, raising=False)
    embedded = app_config.Config()
    assert (embedded.REDIS_URL, embedded.JOBS_IN_PROCESS) == (None, True)
    assert (embedded.DERIVED_AFTER_PUSH, embedded.NOTICE_FANOUT_AFTER_COMMIT) == ("thread", "thread")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("QUEUE_PREFIX", "county")
    queued = app_config.Config()
    assert (queued.REDIS_URL, queued.QUEUE_PREFIX, queued.JOBS_IN_PROCESS) == (
        "redis://127.0.0.1:6379/0",
        "county",
        False,
    )
    assert (queued.DERIVED_AFTER_PUSH, queued.NOTICE_FANOUT_AFTER_COMMIT) == ("queue", "queue")


def test_in_process_jobs_run_and_never_touch_redis(tmp_path, monkeypatch):
    made = []

    def no_redis(self, *args, **kwargs):
        made.append(args)
        raise AssertionError("a Redis client was made without REDIS_URL")

    monkeypatch.setattr(redis.Redis, "__init__", no_redis)
    settings = app_config.TestConfig(f"sqlite:///{tmp_path / 'test.db'}", tmp_path)
    settings.DERIVED_AFTER_PUSH = settings.NOTICE_FANOUT_AFTER_COMMIT = "thread"
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        ids = seed_people()
    report(Device(app.test_client(), "worker-a1"), "major")
    assert app.extensions["derived_worker"].wait_idle()
    assert due_of(app, ids["A"])["open_major_hazards"] == 1
    outcome = Device(app.test_client(), "bureau").do(
        "notice.send", None, kind="warning", title="演练", body="请自查", target={"all": True}
    )
    assert outcome["status"] == "applied", outcome
    if fanout_trigger._RUNNER.thread is not None:
        fanout_trigger._RUNNER.thread.join(30)
    for name in jobs.JOBS:
        assert jobs.run_once(app, name) is not None, name
    with app.app_context():
        assert db.session.scalars(select(DerivedMark)).all() == []
        assert queue_health() is None and queue_stats() == {}
        db.engine.dispose()
    assert made == [] and "redis" not in app.extensions


def test_gunicorn_starts_job_threads_only_without_redis_url(monkeypatch):
    started = []
    monkeypatch.setattr(jobs, "start", lambda app: started.append(app))
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    try:
        for redis_url in ("redis://127.0.0.1:6379/0", None):
            app = SimpleNamespace(config={"JOBS_IN_PROCESS": True, "REDIS_URL": redis_url})
            hooks["post_worker_init"](SimpleNamespace(wsgi=app))
    finally:
        gc.unfreeze()
    assert [app.config["REDIS_URL"] for app in started] == [None]


def test_worker_and_scheduler_refuse_to_start_without_redis_url(app):
    for command in (["jobs", "worker", "--burst"], ["jobs", "scheduler"]):
        result = app.test_cli_runner().invoke(args=command)
        assert result.exit_code == 2 and "REDIS_URL is not set" in result.output, result.output
