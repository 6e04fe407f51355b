"""A gunicorn server (2 workers, own process group) that can be killed with SIGKILL and restarted."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.live_server import BIN, ROOT, free_port, listeners_on

START_SECONDS = 30
# Migrate and seed in one interpreter: importing the app is the slow part on a busy machine.
PREPARE = (
    "from flask_migrate import upgrade; from wsgi import app; from backend.demo import seed\n"
    "with app.app_context():\n    upgrade()\n    seed()\n"
)


class KillableServer:
    """gunicorn on a fixed 127.0.0.1 port over a migrated, demo-seeded database."""

    def __init__(self, folder: Path, database_url: str, workers: int = 2):
        self.folder = folder
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "INSTANCE_PATH": str(folder / "instance"),
            "DATABASE_URL": database_url,
            "FLASK_APP": "wsgi",
            "DEMO_DATA": "1",
        }
        self.process: subprocess.Popen | None = None
        self.kills = 0
        self.log = open(folder / "server.log", "a")  # noqa: SIM115 (closed in stop)

    def prepare(self) -> None:
        """Migrate and seed the database once."""
        subprocess.run(
            [str(BIN / "python"), "-c", PREPARE], cwd=ROOT, env=self.env, check=True, capture_output=True
        )

    def start(self) -> None:
        """Start gunicorn in its own process group and wait until it answers."""
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                "4",
                "--timeout",
                "30",
                # The app is built once in the master and forked: a restart costs one import, not one per
                # worker (the app opens no database connection while it is built, so forking is safe).
                "--preload",
                # A SIGKILLed master leaves its control socket behind; every server shares the default path.
                "--no-control-socket",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: one killpg reaches master and workers
        )
        self._wait_until_up()

    def kill9(self) -> None:
        """SIGKILL the master and its workers at once, as a power cut would."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._wait_group_gone(self.process.pid)
        self.kills += 1
        self.log.write(f"\n=== killed with SIGKILL ({self.kills}) ===\n")
        self.log.flush()

    def stop(self) -> None:
        """Stop gunicorn gracefully (workers included) and close the log."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()

    def _wait_group_gone(self, group: int) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if not _live_members(group):
                return
            time.sleep(0.05)
        raise RuntimeError("gunicorn workers outlived SIGKILL")

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.folder / 'server.log'}")
            try:
                with urllib.request.urlopen(self.base + "/api/v1/health", timeout=2) as answer:
                    # Every worker listening (each opens its own socket once forked), not only the first.
                    if answer.status == 200 and listeners_on(self.port) >= self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {START_SECONDS} s")


def _live_members(group: int) -> list[int]:
    """Return the pids of a process group that are not zombies (orphans may wait long to be reaped)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _parent, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == group and state != "Z":
            found.append(int(entry.name))
    return found
