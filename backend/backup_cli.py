"""`flask backup create|verify|restore DIR`: the PostgreSQL schema and every photo (docs/deploy.md)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .backup_postgres import BackupError

backup_group = AppGroup("backup", help="Back up and restore the database (pg_dump) and every photo.")
FOLDER = click.Path(file_okay=False, path_type=Path)


@backup_group.command("create")
@click.argument("folder", type=FOLDER)
def backup_create(folder: Path) -> None:
    """Write a backup into FOLDER (new or empty): database.dump, blobs/, manifest.json."""
    from .backup import create

    _run(lambda: create(current_app._get_current_object(), folder))


@backup_group.command("verify")
@click.argument("folder", type=FOLDER)
def backup_verify(folder: Path) -> None:
    """Check every file of the backup in FOLDER against its manifest (nothing is written)."""
    from .backup import summary, verify

    _run(lambda: summary("verified", verify(folder)))


@backup_group.command("restore")
@click.argument("folder", type=FOLDER)
def backup_restore(folder: Path) -> None:
    """Restore the backup in FOLDER into an EMPTY database and an EMPTY blob store (refuses anything else)."""
    from .backup import restore

    _run(lambda: restore(current_app._get_current_object(), folder))


def _run(step) -> None:
    try:
        click.echo(step())
    except BackupError as problem:
        raise click.ClickException(str(problem)) from None
