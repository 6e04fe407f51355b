"""`flask jobs`: every periodic job can be listed and run by name, for deployments that cron them."""

from __future__ import annotations

from backend.extensions import db
from backend.jobs import JOBS
from sync.store import load_entity


def test_jobs_list_names_every_periodic_job_with_its_interval(app):
    result = app.test_cli_runner().invoke(args=["jobs", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines == [f"{name}\tevery {every} s" for name, (every, _job) in JOBS.items()]
    assert {"cadence tick", "derived marks", "notify tick", "blob sweep", "sync compact"} <= set(JOBS)


def test_jobs_run_runs_the_named_job(app, people):
    with app.app_context():
        assert load_entity(db.session, "due", people["A"]) is None
    result = app.test_cli_runner().invoke(args=["jobs", "run", "cadence tick"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert load_entity(db.session, "due", people["A"]) is not None


def test_an_unknown_job_is_refused_and_nothing_runs(app, people):
    result = app.test_cli_runner().invoke(args=["jobs", "run", "cadence"])
    assert result.exit_code == 2
    assert "unknown job 'cadence'" in result.output
    with app.app_context():
        assert load_entity(db.session, "due", people["A"]) is None
