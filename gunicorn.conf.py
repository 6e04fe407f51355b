"""gunicorn settings: without REDIS_URL workers loop over periodic jobs, a database claim runs each once."""

import os
import tempfile
from pathlib import Path

# Metrics (METRICS_ENABLED): each worker writes its samples to files in one folder and a scrape of any
# worker sums them. prometheus_client picks that mode when it is first imported, so the folder is named
# here, before the app's modules load: PROMETHEUS_MULTIPROC_DIR when given, else a private temporary one.
METRICS_ON = os.environ.get("METRICS_ENABLED", "0").lower() in ("1", "true", "yes", "on")
METRICS_DIR_MADE_HERE = None
if METRICS_ON and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    METRICS_DIR_MADE_HERE = tempfile.mkdtemp(prefix="anquan-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = METRICS_DIR_MADE_HERE

from backend import gunicorn_errors  # noqa: E402  (after the metrics folder is named)
from backend.gunicorn_logging import JSON_LOGGER  # noqa: E402
from backend.logs import log_format  # noqa: E402

# gunicorn's own refusals (a request line past its limit, headers too large) answer JSON like the app;
# the app answers 414 itself for targets between MAX_TARGET_LENGTH and this limit.
gunicorn_errors.install()
limit_request_line = gunicorn_errors.LIMIT_REQUEST_LINE
# Phones sync every few seconds while in use: keep their connection open between syncs (gunicorn's 2 s
# default closes it just before the next one, and a client reusing it sees "server disconnected").
keepalive = 30
# Each worker listens on a socket of its own (SO_REUSEPORT) and the kernel spreads new connections over
# them. On one shared socket, whichever worker woke first accepted a burst of connections and, kept alive,
# served them for as long as the phones kept syncing: with 200 devices one worker of four answered 3,908
# of 3,912 requests, and the median push took 400–900 ms instead of 70 ms.
reuse_port = True
# gunicorn 25+ opens a control socket at one path per user ($HOME/.gunicorn/gunicorn.ctl): every gunicorn of
# that user on the machine (two hosts' tests, a bench beside the app, web and admin services) shares it, and
# one was seen stopping another's worker. We do not use gunicornc; systemd signals the master instead.
control_socket_disable = True
# gunicorn's own lines (and its access log, when --access-logfile is given) in the app's format: with
# LOG_FORMAT=json (or auto, away from a terminal) one JSON object a line, the access line with request_id.
if log_format(os.environ.get("LOG_FORMAT")) == "json":
    logger_class = JSON_LOGGER


def on_starting(server):
    """Refuse a port something already listens on (SO_REUSEPORT would share it); start metrics afresh."""
    import socket

    clear_metrics_files()

    for address in server.cfg.address:
        if not isinstance(address, tuple):
            continue  # a unix socket: gunicorn itself refuses one in use
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as problem:
                in_use = f"{address[0]}:{address[1]} is already in use ({problem.strerror})"
                raise SystemExit(in_use) from None


def post_worker_init(worker):
    """Start the periodic jobs when the app's config asks for them (JOBS_IN_PROCESS); freeze the heap.

    With REDIS_URL the web processes start no job threads: they only enqueue, and `flask jobs worker`
    and `flask jobs scheduler` run the jobs.
    """
    import gc

    from backend import jobs

    app = worker.wsgi
    if app.config.get("JOBS_IN_PROCESS") and not app.config.get("REDIS_URL"):
        jobs.start(app)
    # Everything built so far (modules, schemas, the app) lives as long as the worker: moved out of the
    # collector's sight, so its full collections stop rescanning it. 500-command push: ~10 % faster.
    gc.freeze()


def clear_metrics_files():
    """Delete the samples a previous run left in the metrics folder: a new server counts from zero."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink(missing_ok=True)


def child_exit(server, worker):
    """Tell the metrics folder a worker is gone (its counts stay in the totals; its live gauges go)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """Remove the temporary metrics folder this configuration made."""
    if METRICS_DIR_MADE_HERE:
        import shutil

        shutil.rmtree(METRICS_DIR_MADE_HERE, ignore_errors=True)
