"""gunicorn.conf.py: a listening socket per worker, a port already served refused, no control socket."""

from __future__ import annotations

import socket
import subprocess

from ..live_server import BIN, ROOT, free_port, listeners_on, live_server


def test_each_worker_listens_on_a_socket_of_its_own(tmp_path):
    # One shared socket let one worker accept a burst of connections and serve them all, kept alive.
    with live_server(tmp_path, workers=2) as base:
        port = int(base.rsplit(":", 1)[1])
        assert listeners_on(port) == 2


def test_a_port_something_already_listens_on_is_refused(tmp_path):
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        command = [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
        started = subprocess.run(
            [*command, "wsgi:app"],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "INSTANCE_PATH": str(tmp_path / "instance")},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert started.returncode != 0
        assert f"127.0.0.1:{port} is already in use" in started.stdout + started.stderr
        assert listeners_on(port) == 1  # only the socket that was there


def test_no_gunicorn_opens_the_per_user_control_socket(tmp_path):
    # gunicorn 25+ defaults to one control socket per user, shared by every gunicorn of that user on the
    # machine: a second one (another host's test, a bench) took it over and stopped the first's worker.
    home = tmp_path / "home"
    home.mkdir()
    with live_server(tmp_path, extra_env={"HOME": str(home)}) as base:
        port = int(base.rsplit(":", 1)[1])
        assert listeners_on(port) == 1
        assert not (home / ".gunicorn").exists()
