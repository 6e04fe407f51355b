"""In-process jobs: the cadence tick is registered, runs in a thread, and a failing job does not stop it."""

import threading

from backend import jobs


def test_the_cadence_tick_is_a_registered_job():
    every, _ = jobs.JOBS["cadence tick"]
    assert every == 3600


def test_started_jobs_run_at_once_and_stop_when_asked(monkeypatch):
    ran = threading.Event()
    monkeypatch.setattr(jobs, "JOBS", {"probe": (3600, lambda app: ran.set())})
    stop = threading.Event()
    threads = jobs.start(object(), stop)
    assert ran.wait(5)
    stop.set()
    for thread in threads:
        thread.join(5)
        assert not thread.is_alive()


def test_a_failing_job_is_logged_not_raised(monkeypatch, caplog):
    def broken(app):
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "JOBS", {"broken": (60, broken)})
    assert jobs.run_once(object(), "broken") is None
    assert "job broken failed" in caplog.text
