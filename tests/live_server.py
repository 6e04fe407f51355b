"""A real server in a subprocess: migrated, seeded with demo data, served by gunicorn on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def listeners_on(port: int) -> int:
    """Count the listening TCP sockets on this port, from two reads of /proc/net/tcp that agree.

    The kernel prints that table a page per read and resumes by position: sockets opened or closed
    meanwhile (other tests' servers) can make one read skip or repeat a line. Counted by inode (state 0A
    is LISTEN), read again until two reads give the same sockets.
    """
    seen = None
    for _ in range(20):
        inodes = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port:
                inodes.add(fields[9])
        if inodes == seen:
            break
        seen = inodes
    return len(seen)


def free_port() -> int:
    """Return a port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(
    folder: Path, database_url: str | None = None, extra_env: dict | None = None, workers: int = 1
):
    """Yield the base URL of a migrated, demo-seeded gunicorn server; stop it afterwards."""
    env = {
        **os.environ,
        "INSTANCE_PATH": str(folder / "instance"),
        "DATABASE_URL": database_url or f"sqlite:///{folder / 'live.db'}",
        "FLASK_APP": "wsgi",
        "DEMO_DATA": "1",
        **(extra_env or {}),
    }
    for step in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([str(BIN / "flask"), *step], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "8",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, folder / "server.log", workers)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def wait_until_up(
    base: str, process: subprocess.Popen, log: Path, workers: int = 1, seconds: float = 30
) -> None:
    """Return once the health check answers 200 and every worker listens; fail if it exits or stays silent.

    Each gunicorn worker opens its own socket (SO_REUSEPORT) once forked: the first can answer while the
    others are still loading the app, and a test that needs them all would see fewer.
    """
    port = int(base.rsplit(":", 1)[1])
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited at start; see {log}")
        try:
            with urllib.request.urlopen(base + "/api/v1/health", timeout=2) as answer:
                if answer.status == 200 and listeners_on(port) >= workers:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {seconds:g} s; see {log}")
