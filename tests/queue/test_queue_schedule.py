"""`flask jobs scheduler`: one leader enqueues each periodic run once, however many schedulers run."""

from __future__ import annotations

import subprocess
import threading
import time

from rq.job import Job

from backend.extensions import db
from backend.job_claims import Claims
from backend.jobqueue.connection import JOBS, key, queue, redis_connection
from backend.jobqueue.schedule import Scheduler, periodic_jobs
from backend.models import JobRun

from .conftest import FLASK, ROOT, wait_for, work, worker_env

T = 1_800_000_000  # a multiple of every interval below: slot boundaries fall on whole tens of seconds


def enqueued(app) -> list[tuple[str, int]]:
    """The (job, slot) of every periodic run waiting in the queue."""
    with app.app_context():
        return sorted(tuple(job.args) for job in queue(JOBS).get_jobs())


def test_two_schedulers_enqueue_each_periodic_run_once(queued_app):
    jobs = {"probe": 10, "slow": 30}
    with queued_app.app_context():
        one, two = Scheduler(queued_app, "one", jobs), Scheduler(queued_app, "two", jobs)
        made = {"one": [], "two": []}
        for second in range(61):
            made["one"] += one.tick(T + second)
            made["two"] += two.tick(T + second)
    assert made["two"] == []  # the second only stands by
    assert sorted(made["one"]) == enqueued(queued_app)
    assert enqueued(queued_app) == sorted(
        [("probe", T // 10 + n) for n in range(7)] + [("slow", T // 30 + n) for n in range(3)]
    )


def test_a_successor_takes_over_once_the_lease_lapses_and_repeats_no_slot(queued_app):
    jobs = {"probe": 10}
    with queued_app.app_context():
        one = Scheduler(queued_app, "one", jobs, lease_seconds=0.5)
        two = Scheduler(queued_app, "two", jobs, lease_seconds=0.5)
        assert one.tick(T) == [("probe", T // 10)]
        assert two.tick(T + 1) == []  # one's lease holds
        time.sleep(0.6)  # one has died without resigning
        assert two.tick(T + 2) == []  # leads now, but this slot's run was enqueued already
        assert two.tick(T + 10) == [("probe", T // 10 + 1)]
        assert one.tick(T + 11) == []  # back from the dead, it finds the lead taken
        # Should both ever believe they lead (one paused past its lease), each slot still goes once.
        one.leads = two.leads = lambda: True
        assert one.tick(T + 20) + two.tick(T + 20) == [("probe", T // 10 + 2)]
    assert enqueued(queued_app) == [("probe", T // 10 + n) for n in range(3)]


def test_scheduler_threads_in_real_time_enqueue_each_second_once_and_resign(queued_app):
    stop = threading.Event()
    with queued_app.app_context():
        schedulers = [Scheduler(queued_app, f"s{n}", {"probe": 1}) for n in range(3)]
    threads = [threading.Thread(target=s.run, args=(stop,)) for s in schedulers]
    for thread in threads:
        thread.start()
    time.sleep(3.5)
    stop.set()
    for thread in threads:
        thread.join(5)
    slots = [slot for _, slot in enqueued(queued_app)]
    assert 3 <= len(slots) <= 5 and slots == list(range(slots[0], slots[0] + len(slots)))
    with queued_app.app_context():
        assert redis_connection().get(key("scheduler", "leader")) is None  # resigned on the way out


def test_a_periodic_run_executes_on_a_worker_under_the_database_claim(queued_app):
    with queued_app.app_context():
        Scheduler(queued_app, "one", {"derived marks": 60, "deliveries": 15}).tick(T)
        held = Claims(db.engine, "a run still going")
        assert held.claim("deliveries", 0)  # a slow earlier run of it holds the lease
    assert work(queued_app)
    with queued_app.app_context():
        ids = queue(JOBS).finished_job_registry.get_job_ids()
        runs = Job.fetch_many(ids, connection=redis_connection())
        finished = {job.args[0]: job.return_value() for job in runs}
        assert finished == {
            "derived marks": "derived marks: Counter()",
            "deliveries": "deliveries: skipped, a run of it is still going",
        }
        row = db.session.get(JobRun, "derived marks")
        assert row.lease_until is None and row.last_finished_at is not None


def test_jobs_list_names_the_queue_schedule(queued_app):
    result = queued_app.test_cli_runner().invoke(args=["jobs", "list"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{name}\tevery {every} s" for name, (every, _) in periodic_jobs().items()
    ]
    assert "deliveries\tevery 15 s" in result.output.splitlines()


def test_two_scheduler_processes_enqueue_every_periodic_job_once_and_stop_on_sigterm(queued_app, tmp_path):
    env = worker_env(queued_app, queued_app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    processes = []
    for number in range(2):
        with open(tmp_path / f"scheduler-{number}.log", "w") as log:
            command = [str(FLASK), "jobs", "scheduler"]
            processes.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            )
    try:
        names = set(periodic_jobs())
        wait_for(lambda: {name for name, _ in enqueued(queued_app)} == names, what="every job enqueued")
        time.sleep(2)  # both schedulers tick twice more: the daily and hourly jobs are not enqueued again
        counts = [name for name, _ in enqueued(queued_app)]
        assert sorted(set(counts)) == sorted(names)
        assert all(counts.count(name) == 1 for name in names if periodic_jobs()[name][0] >= 60)
    finally:
        for process in processes:
            process.terminate()
    assert [process.wait(timeout=30) for process in processes] == [0, 0]
    logs = [(tmp_path / f"scheduler-{n}.log").read_text() for n in range(2)]
    assert sum("enqueued cadence tick" in log for log in logs) == 1, logs


def test_a_failing_periodic_run_is_kept_as_failed_and_counted(queued_app, monkeypatch):
    from prometheus_client import REGISTRY

    from backend.jobqueue import queue_stats, schedule
    from backend.jobqueue.connection import queue_name

    def broken(app):
        raise RuntimeError("the sweep failed")

    monkeypatch.setattr(schedule, "periodic_jobs", lambda: {"queue broken": (60, broken)})

    def failures() -> float:
        labels = {"job": "queue broken", "outcome": "failed"}
        return REGISTRY.get_sample_value("anquan_job_runs_total", labels) or 0.0

    before = failures()
    with queued_app.app_context():
        Scheduler(queued_app, "one", {"queue broken": 60}).tick(T)
    work(queued_app)
    with queued_app.app_context():
        assert queue_stats()[queue_name(JOBS)]["failed"] == 1
        row = db.session.get(JobRun, "queue broken")
        assert row.lease_until is None  # released: the next slot's run may go
    assert failures() == before + 1
