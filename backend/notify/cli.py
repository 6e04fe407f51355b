"""Notification commands: `flask vapid-keys`, `flask notify deliver`, `flask notify tick`."""

from __future__ import annotations

from collections import Counter

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


@notify_group.command("tick")
def tick_command() -> None:
    """Send the reminders and digests due now (each once, whoever else ticks), then due deliveries."""
    click.echo(tick_summary(notify_tick(db.session)))


def notify_tick(session, today=None, now=None, send_due=None) -> Counter:
    """Finish pending notice fan-outs, run the reminders, the digests and the due deliveries; count them.

    send_due(session, now) -> Counter replaces sending the due deliveries here (the queue dispatches them).
    """
    from .digests import run_digests
    from .notice_fanout import fan_out_pending
    from .reminders import run_reminders

    # The safety net of the after-commit kick: a fan-out a crash interrupted resumes here.
    sent = Counter({"notice inboxes": fan_out_pending(session, now=now)})
    sent.update(run_reminders(session, today=today, now=now))
    sent.update(run_digests(session, today=today, now=now))
    if send_due is not None:
        sent.update(send_due(session, now))
        return sent
    results = deliver_due(session, now)
    sent["deliveries attempted"] = len(results)
    sent["deliveries sent"] = sum(1 for result in results if result.ok)
    return sent


def tick_summary(sent: Counter) -> str:
    """Describe a notify tick's work in one line."""
    counts = ", ".join(f"{name} {n}" for name, n in sorted(sent.items()) if n)
    return f"notify tick: {counts or 'nothing due'}"


def register_notify_cli(app: Flask) -> None:
    """Add `flask vapid-keys` and the `flask notify` group."""

    @app.cli.command("vapid-keys")
    def vapid_keys_command() -> None:
        """Print the VAPID public key (applicationServerKey), generating the keys on first run."""
        keys = vapid_keys()
        click.echo(keys.public_key)

    app.cli.add_command(notify_group)
