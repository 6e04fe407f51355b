"""Notification commands: `flask vapid-keys`, `flask notify deliver`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from ..extensions import db
from .deliveries import deliver_due
from .vapid import vapid_keys

# Other notification commands (the reminder tick) join this group: `flask notify <command>`.
notify_group = AppGroup("notify", help="Notifications: deliveries, reminders.")


@notify_group.command("deliver")
def deliver_command() -> None:
    """Send every queued or retrying delivery that is due now."""
    results = deliver_due(db.session)
    sent = sum(1 for result in results if result.ok)
    click.echo(f"{len(results)} attempted, {sent} sent")


def register_notify_cli(app: Flask) -> None:
    """Add `flask vapid-keys` and the `flask notify` group."""

    @app.cli.command("vapid-keys")
    def vapid_keys_command() -> None:
        """Print the VAPID public key (applicationServerKey), generating the keys on first run."""
        keys = vapid_keys()
        click.echo(keys.public_key)

    app.cli.add_command(notify_group)
