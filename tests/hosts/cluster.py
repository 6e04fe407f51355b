"""Two gunicorn hosts with instance folders of their own behind the proxy, a worker, the scheduler."""

from __future__ import annotations

import os
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
from .services import shared_stores

HOSTS = 2
WORKERS_PER_HOST = 2
COMMAND_SECONDS = 60


@dataclass
class Cluster:
    """What the two-host test drives and inspects."""

    hosts: list[KillableServer]
    proxy: RoundRobinProxy | None
    engine: Engine
    folder: Path
    shared: dict[str, str]
    background: list[subprocess.Popen] = field(default_factory=list)
    worker: subprocess.Popen | None = None
    scheduler: subprocess.Popen | None = None

    def flask(self, machine: int | str, *args: str) -> subprocess.Popen:
        """Start `flask <args>` on a host (its environment) or on a machine of its own (worker, scheduler)."""
        if isinstance(machine, int):
            env = self.hosts[machine].env
        else:
            env = {**os.environ, **self.shared, "FLASK_APP": "wsgi"}
            env["INSTANCE_PATH"] = str(self.folder / machine / "instance")
        log = open(self.folder / f"flask-{machine}-{'-'.join(args)}.log", "a")  # noqa: SIM115 (closed later)
        process = subprocess.Popen(
            [str(BIN / "flask"), *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        process.log = log  # type: ignore[attr-defined]
        self.background.append(process)  # ended with the cluster if a test fails before waiting on it
        return process

    def check_running(self) -> None:
        """Fail when the worker or the scheduler has stopped."""
        for process in (self.worker, self.scheduler):
            assert process.poll() is None, f"{' '.join(process.args[1:])} exited; see {process.log.name}"

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

    def wait_fanned_out(self, notice_id: str, seconds: float = 30) -> None:
        """Return once a notice's fan-out is done, whoever did it."""
        deadline = time.monotonic() + seconds
        while self.scalar("SELECT done_at FROM notice_fanouts WHERE notice_id = :id", id=notice_id) is None:
            assert time.monotonic() < deadline, "the notice's fan-out did not finish"
            time.sleep(0.1)

    def revive(self) -> None:
        """Start again every host that was killed, on its own port."""
        for host in self.hosts:
            if host.process is not None and host.process.poll() is not None:
                host.start()

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


def shared_settings(database_url: str, stores: dict[str, str]) -> dict[str, str]:
    """Return what every host must share: the stores, and the keys that sign tokens and pushes."""
    vapid = ec.generate_private_key(ec.SECP256R1())
    return {
        "DATABASE_URL": database_url,
        **stores,
        # Tokens signed by one host are checked by the other: the keys must not come from instance folders.
        "SECRET_KEY": secrets.token_urlsafe(48),
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        "VAPID_PRIVATE_KEY": private_key_text(vapid),
        "VAPID_PUBLIC_KEY": application_server_key(vapid),
        "PUBLIC_BASE_URL": "https://anquan.example.test",
        "DEMO_DATA": "1",
    }


@contextmanager
def cluster(folder: Path):
    """Yield two prepared, running hosts behind the proxy, a worker and the scheduler; stop them all after."""
    with ExitStack() as stack:
        database_url = stack.enter_context(postgres_schema_url())
        shared = shared_settings(database_url, shared_stores(stack))
        hosts = []
        for number in range(HOSTS):
            home = folder / f"host-{number}"
            home.mkdir()
            host = KillableServer(home, database_url, workers=WORKERS_PER_HOST)
            host.env.update(shared)
            hosts.append(host)
            stack.callback(host.stop)
        engine = create_engine(database_url)
        stack.callback(engine.dispose)
        world = Cluster(hosts, None, engine, folder, shared)
        stack.callback(_end_background, world)
        hosts[0].prepare()
        world.worker = world.flask("worker", "jobs", "worker")
        world.scheduler = world.flask("scheduler", "jobs", "scheduler")
        _start_all(hosts)
        world.proxy = RoundRobinProxy([host.port for host in hosts])
        world.proxy.start()
        stack.callback(world.proxy.stop)
        yield world
        world.check_running()


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
