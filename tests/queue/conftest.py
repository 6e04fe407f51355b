"""Fixtures of the queue tests: apps whose jobs go to the real Redis under a prefix of their own, workers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backend import create_app
from backend.config import TestConfig
from backend.extensions import db
from backend.jobqueue.connection import QUEUES, queue, redis_connection
from backend.jobqueue.worker import AppWorker, queue_names

from ..databases import postgres_schema_url
from ..redis_server import REDIS_URL, queue_prefix

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).parent / "flask"


@pytest.fixture
def prefix():
    """A QUEUE_PREFIX of this test's own on the real Redis; its keys are deleted afterwards."""
    with queue_prefix() as name:
        yield name


def queued_config(url: str, folder: Path, prefix: str) -> TestConfig:
    """Test settings with REDIS_URL: after-commit work and periodic jobs go to the queue."""
    config = TestConfig(url, folder)
    config.REDIS_URL, config.QUEUE_PREFIX = REDIS_URL, prefix
    config.DERIVED_AFTER_PUSH = config.NOTICE_FANOUT_AFTER_COMMIT = "queue"
    return config


@pytest.fixture
def queued_app(tmp_path, prefix):
    """An app on a fresh SQLite file whose jobs go to the Redis queue (beside the `app` fixture's)."""
    folder = tmp_path / "queued"
    folder.mkdir()
    app = create_app(queued_config(f"sqlite:///{folder / 'test.db'}", folder, prefix))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def pg_queued(tmp_path, prefix):
    """(app, database URL) on a fresh PostgreSQL schema, jobs on the queue: worker processes share both."""
    with postgres_schema_url() as url:
        app = create_app(queued_config(url, tmp_path, prefix))
        with app.app_context():
            db.create_all()
        yield app, url
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def work(app, with_scheduler: bool = False) -> bool:
    """Run an RQ worker in this process until the queues are empty; tell whether it ran any job."""
    worker = AppWorker(
        queue_names(app),
        connection=redis_connection(app, blocking=True),
        app=app,
        name=f"{app.config['QUEUE_PREFIX']}-worker-{os.getpid()}",
    )
    return worker.work(burst=True, with_scheduler=with_scheduler)


def waiting(app) -> dict[str, list[str]]:
    """Return the function names of the jobs waiting in each queue."""
    with app.app_context():
        return {kind: [job.func_name for job in queue(kind).get_jobs()] for kind in QUEUES}


def worker_env(app, url: str, folder: Path) -> dict[str, str]:
    """The environment of a `flask jobs worker` process serving the same database and queues as app."""
    return {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": url,
        "REDIS_URL": app.config["REDIS_URL"],
        "QUEUE_PREFIX": app.config["QUEUE_PREFIX"],
        "INSTANCE_PATH": str(folder),
        "DEMO_DATA": "0",
        "OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS": "1",
        "PUBLIC_BASE_URL": app.config["PUBLIC_BASE_URL"],
    }


def start_worker(
    env: dict[str, str], folder: Path, name: str, processes: int = 1, burst: bool = True
) -> subprocess.Popen:
    """Start `flask jobs worker` (with burst, it quits once the queues are empty); its log goes to folder."""
    command = [str(FLASK), "jobs", "worker", "--processes", str(processes), *(["--burst"] if burst else [])]
    with open(folder / f"{name}.log", "w") as log:  # the process keeps its own copy of the descriptor
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def finish(process: subprocess.Popen, folder: Path, name: str, seconds: float = 60) -> None:
    """Wait for a worker to quit and check it quit cleanly."""
    code = process.wait(timeout=seconds)
    assert code == 0, (folder / f"{name}.log").read_text()


def wait_for(condition, seconds: float = 60, what: str = "the condition") -> None:
    """Poll until condition() is true; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds:g} s"
        time.sleep(0.1)


def workers_listening(app) -> int:
    """Count the RQ workers serving the app's queues now."""
    from rq import Worker

    return Worker.count(connection=redis_connection(app), queue=queue(QUEUES[0], app))
