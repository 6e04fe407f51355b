"""Two gunicorn hosts with their own instance folders behind the round-robin proxy, sharing every store."""

from __future__ import annotations

import secrets
import signal
import socket
import subprocess
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from backend.notify.vapid import application_server_key, private_key_text
from tests.databases import postgres_schema_url
from tests.fault.server import KillableServer
from tests.live_server import BIN, ROOT

from .proxy import RoundRobinProxy

HOSTS = 2
WORKERS_PER_HOST = 2
COMMAND_SECONDS = 60


@dataclass
class Cluster:
    """What the two-host test drives and inspects."""

    hosts: list[KillableServer]
    proxy: RoundRobinProxy
    engine: Engine
    folder: Path
    shared: dict[str, str]
    background: list[subprocess.Popen] = field(default_factory=list)

    def flask(self, host: int, *args: str) -> subprocess.Popen:
        """Start `flask <args>` with a host's environment (its instance folder), as its cron would."""
        log = open(self.folder / f"flask-{host}-{'-'.join(args)}.log", "a")  # noqa: SIM115 (closed by wait)
        process = subprocess.Popen(
            [str(BIN / "flask"), *args],
            cwd=ROOT,
            env=self.hosts[host].env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log = log  # type: ignore[attr-defined]
        self.background.append(process)  # ended with the cluster if a test fails before waiting on it
        return process

    def wait(self, process: subprocess.Popen, seconds: float = COMMAND_SECONDS) -> str:
        """Wait for a `flask` process to end well; return what it printed."""
        try:
            code = process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
            raise
        finally:
            process.log.close()  # type: ignore[attr-defined]
        printed = Path(process.log.name).read_text()  # type: ignore[attr-defined]
        assert code == 0, f"`flask {' '.join(process.args[1:])}` failed ({code}):\n{printed[-3000:]}"
        return printed

    def scalar(self, query: str, **params):
        """Return one value from the shared database."""
        with self.engine.connect() as connection:
            return connection.execute(text(query), params).scalar()

    def kill9(self, host: int) -> float:
        """SIGKILL a host's master and workers; return the moment its port refuses connections."""
        self.hosts[host].kill9()
        # A killed multi-threaded worker shows as a zombie while its other threads still hold the socket.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.hosts[host].port), timeout=1).close()
            except ConnectionRefusedError:
                return time.monotonic()
            except OSError:
                pass
            time.sleep(0.01)
        raise AssertionError(f"host {host} still accepts connections 10 s after SIGKILL")

    def rows(self, query: str, **params) -> list[tuple]:
        """Return every row of a query on the shared database."""
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query), params)]

    def settle(self, seconds: float = 20) -> None:
        """Return once no derived recomputation a push asked for is still owed."""
        deadline = time.monotonic() + seconds
        while self.scalar("SELECT count(*) FROM derived_marks"):
            assert time.monotonic() < deadline, "derived marks still owed after the pushes"
            time.sleep(0.1)


def shared_settings(folder: Path, database_url: str) -> dict[str, str]:
    """Return what every host must share: the database, the photos, and the keys that sign and push."""
    vapid = ec.generate_private_key(ec.SECP256R1())
    return {
        "DATABASE_URL": database_url,
        # Tokens signed by one host are checked by the other: the keys must not come from instance folders.
        "SECRET_KEY": secrets.token_urlsafe(48),
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        "VAPID_PRIVATE_KEY": private_key_text(vapid),
        "VAPID_PUBLIC_KEY": application_server_key(vapid),
        "PUBLIC_BASE_URL": "https://anquan.example.test",
        "BLOB_DIR": str(folder / "shared-blobs"),
        "DEMO_DATA": "1",
    }


@contextmanager
def cluster(folder: Path):
    """Yield two prepared, running hosts behind the proxy; stop every process afterwards, even on failure."""
    with ExitStack() as stack:
        database_url = stack.enter_context(postgres_schema_url())
        shared = shared_settings(folder, database_url)
        hosts = []
        for number in range(HOSTS):
            home = folder / f"host-{number}"
            home.mkdir()
            host = KillableServer(home, database_url, workers=WORKERS_PER_HOST)
            host.env.update(shared)
            hosts.append(host)
            stack.callback(host.stop)
        hosts[0].prepare()
        _start_all(hosts)
        proxy = RoundRobinProxy([host.port for host in hosts])
        proxy.start()
        stack.callback(proxy.stop)
        engine = create_engine(database_url)
        stack.callback(engine.dispose)
        world = Cluster(hosts, proxy, engine, folder, shared)
        stack.callback(_end_background, world)
        yield world


def _start_all(hosts: list[KillableServer]) -> None:
    """Start the hosts side by side (each start is mostly waiting for its health check)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(hosts)) as pool:
        for started in [pool.submit(host.start) for host in hosts]:
            started.result()


def _end_background(world: Cluster) -> None:
    """Stop the worker and scheduler processes (SIGTERM, then SIGKILL)."""
    for process in world.background:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in world.background:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log = getattr(process, "log", None)
        if log is not None and not log.closed:
            log.close()
