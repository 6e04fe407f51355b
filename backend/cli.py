"""Flask CLI commands: demo data, periodic jobs by name, upload sweeps, history compaction, PWA limits."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup


def register_cli(app: Flask) -> None:
    """Add the project's commands to `flask`."""

    @app.cli.command("seed-demo")
    @click.option("--force", is_flag=True, help="Seed even when DEMO_DATA is off.")
    def seed_demo(force: bool) -> None:
        """Seed the demo enterprises, users and records into an empty database, once."""
        from .demo import seed

        if not (current_app.config["DEMO_DATA"] or force):
            click.echo("demo data is switched off (DEMO_DATA=0)")
            return
        click.echo(seed())
        # The pushes seeding made woke the derived job: let it finish before the process exits under it.
        worker = current_app.extensions.get("derived_worker")
        if worker is not None:
            worker.wait_idle()

    cadence = AppGroup("cadence", help="Cadence obligations and other derived entities.")

    @cadence.command("tick")
    def cadence_tick() -> None:
        """Recompute every enterprise's derived entities; run daily (cron, or the notification scheduler)."""
        from .derived.tick import summary, tick
        from .extensions import db
        from .sync_setup import sync_engine

        click.echo(summary(tick(db.session, sync_engine())))

    app.cli.add_command(cadence)

    regions = AppGroup("regions", help="GB/T 2260 region nodes (data shipped with the code).")

    @regions.command("publish")
    def regions_publish() -> None:
        """Write the region entities bureaus pull, where they differ from the region data."""
        from .extensions import db
        from .region_entities import publish_regions
        from .sync_setup import sync_engine

        count = publish_regions(db.session, sync_engine())
        db.session.commit()
        click.echo(f"regions: {count} recorded")

    app.cli.add_command(regions)

    blob_group = AppGroup("blobs", help="Stored photos.")

    @blob_group.command("sweep")
    def blobs_sweep() -> None:
        """Delete resumable uploads untouched for 24 h (the periodic job does it hourly)."""
        from .blob_setup import sweep_partials

        click.echo(sweep_partials())

    app.cli.add_command(blob_group)

    sync_group = AppGroup("sync", help="The sync engine's stored history.")

    @sync_group.command("compact")
    @click.option(
        "--days", type=click.IntRange(min=1), help="Keep this many days (default SYNC_RETENTION_DAYS)."
    )
    def sync_compact(days: int | None) -> None:
        """Forget command outcomes and tombstones older than the retention age; advance the pull horizon."""
        from .sync_compaction import compact_now

        click.echo(compact_now(days))

    app.cli.add_command(sync_group)

    jobs_group = AppGroup(
        "jobs", help="The jobs: in-process by default; on the Redis queue (worker, scheduler) with REDIS_URL."
    )

    @jobs_group.command("list")
    def jobs_list() -> None:
        """Print every periodic job with its interval: the production crontab needs each one."""
        from .jobs import JOBS

        listed = JOBS
        if current_app.config.get("REDIS_URL"):
            from .jobqueue.schedule import periodic_jobs

            listed = periodic_jobs()  # what `flask jobs scheduler` enqueues
        for name, (every, _function) in listed.items():
            click.echo(f"{name}\tevery {every} s")

    @jobs_group.command("run")
    @click.argument("name")
    def jobs_run(name: str) -> None:
        """Run one periodic job now (cron runs each at its interval where JOBS_IN_PROCESS=0)."""
        from .jobs import JOBS

        if name not in JOBS:
            raise click.BadParameter(f"unknown job {name!r}; `flask jobs list` names them", param_hint="NAME")
        click.echo(JOBS[name][1](current_app._get_current_object()))

    from .jobqueue.cli import add_queue_commands

    add_queue_commands(jobs_group)
    app.cli.add_command(jobs_group)

    from .backup_cli import backup_group

    app.cli.add_command(backup_group)

    @app.cli.command("pwa-limits")
    @click.option("--check", is_flag=True, help="Only fail when the committed file is stale.")
    def pwa_limits(check: bool) -> None:
        """Write pwa/src/generated/limits.json from the published args.* schemas (the forms' limits)."""
        from .extensions import api
        from .form_limits import LIMITS_FILE, limits_json, write_limits

        schemas = api.spec.to_dict()["components"]["schemas"]
        if check:
            if not LIMITS_FILE.exists() or LIMITS_FILE.read_text(encoding="utf-8") != limits_json(schemas):
                raise click.ClickException(f"{LIMITS_FILE} is stale: run `flask pwa-limits`")
            return
        changed = write_limits(schemas)
        click.echo(f"{LIMITS_FILE}: {'updated' if changed else 'unchanged'}")
