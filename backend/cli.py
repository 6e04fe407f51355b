"""Flask CLI commands: seed the demo data."""

from __future__ import annotations

import click
from flask import Flask, current_app


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
