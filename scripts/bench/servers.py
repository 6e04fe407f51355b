"""A `make run`-equivalent gunicorn server on a fresh instance folder and a free port, stopped by its pid."""

from __future__ import annotations

import os
import signal
import subprocess
from contextlib import contextmanager
from pathlib import Path

from tests.live_server import BIN, ROOT, free_port, wait_until_up

START_SECONDS = 60
# Migrate and seed in one interpreter, as `make seed` does (flask db upgrade; flask seed-demo).
PREPARE = (
    "from flask_migrate import upgrade; from wsgi import app; from backend.demo import seed\n"
    "with app.app_context():\n    upgrade()\n    print(seed())\n"
)


def server_env(folder: Path, database_url: str | None, extra: dict | None = None) -> dict[str, str]:
    """Return the environment of a server on its own instance folder (SQLite there unless a URL is given)."""
    env = {**os.environ, "INSTANCE_PATH": str(folder / "instance"), "FLASK_APP": "wsgi", "DEMO_DATA": "1"}
    env["DATABASE_URL"] = database_url or f"sqlite:///{folder / 'instance' / 'app.db'}"
    return {**env, **(extra or {})}


def prepare(env: dict[str, str], seed: bool = True) -> None:
    """Migrate the database and seed the demo data (or only migrate)."""
    code = PREPARE if seed else PREPARE.replace("    print(seed())\n", "")
    subprocess.run([str(BIN / "python"), "-c", code], cwd=ROOT, env=env, check=True, capture_output=True)


@contextmanager
def gunicorn(folder: Path, env: dict[str, str], workers: int = 1, threads: int = 8):
    """Yield (base URL, pid) of gunicorn with the project's gunicorn.conf.py; stop it by its pid."""
    port = free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 (closed below)
    command = [
        str(BIN / "gunicorn"),
        "--config",
        "gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "wsgi:app",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, folder / "server.log", workers, START_SECONDS)
        yield base, process.pid
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen) -> None:
    """Stop a process by its pid: SIGTERM, then SIGKILL after 20 s."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
