"""Configuration from the environment, with an embedded default that needs no server."""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    """Return the folder for the embedded default's database, blobs and generated secrets."""
    return Path(os.environ.get("INSTANCE_PATH", ROOT / "instance")).resolve()


def generated_secrets(folder: Path) -> dict[str, str]:
    """Return secrets kept in instance/secrets.json, creating them on first run."""
    path = folder / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    values = {"SECRET_KEY": secrets.token_urlsafe(48), "JWT_SECRET_KEY": secrets.token_urlsafe(48)}
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(values))
    temp.chmod(0o600)
    temp.replace(path)
    return values


class Config:
    """Settings read once at app creation; every one can come from the environment."""

    def __init__(self) -> None:
        folder = instance_path()
        folder.mkdir(parents=True, exist_ok=True)
        kept = generated_secrets(folder)
        self.INSTANCE_PATH = str(folder)
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or kept["SECRET_KEY"]
        self.JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY") or kept["JWT_SECRET_KEY"]
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'app.db'}"
        self.BLOB_DIR = os.environ.get("BLOB_DIR") or str(folder / "blobs")
        # Photos: "local" (files under BLOB_DIR) or s3://bucket/prefix on any S3-compatible service; read and
        # checked at start by backend/blob_setup.py, which lists every blob setting.
        self.BLOB_STORE = os.environ.get("BLOB_STORE") or "local"
        self.BLOB_SERVE = os.environ.get("BLOB_SERVE") or "stream"
        self.BLOB_PRESIGN_SECONDS = os.environ.get("BLOB_PRESIGN_SECONDS") or "300"
        self.S3_ENDPOINT_URL = (
            os.environ.get("S3_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL_S3") or ""
        )
        self.S3_PUBLIC_ENDPOINT_URL = os.environ.get("S3_PUBLIC_ENDPOINT_URL") or ""
        self.S3_ADDRESSING_STYLE = os.environ.get("S3_ADDRESSING_STYLE") or "path"
        self.AWS_REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        self.AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID") or ""
        self.AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY") or ""
        self.DEMO_DATA = os.environ.get("DEMO_DATA", "1") not in ("0", "false", "no", "off")
        # Jobs on a Redis queue (RQ) run by `flask jobs worker` and `flask jobs scheduler` when set; the
        # web processes then only enqueue. Unset: every job runs in-process and nothing talks to Redis.
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        # Queue and key names start with this, so deployments (and tests) sharing one Redis never collide.
        self.QUEUE_PREFIX = os.environ.get("QUEUE_PREFIX") or "anquan"
        queued = self.REDIS_URL is not None
        # Periodic jobs in the web process (embedded default); set 0 where cron runs the CLI ticks.
        self.JOBS_IN_PROCESS = os.environ.get("JOBS_IN_PROCESS", "0" if queued else "1") not in (
            "0",
            "false",
            "no",
            "off",
        )
        # After a push commits, derived entities are recomputed: "thread" (a background thread of this
        # process), "queue" (a job on the Redis queue), "inline" (before the answer: tests), "off" (only
        # the periodic job).
        self.DERIVED_AFTER_PUSH = os.environ.get("DERIVED_AFTER_PUSH", "queue" if queued else "thread")
        # After a notice.send commits, fan it out on a background thread ("thread"), on the Redis queue
        # ("queue"), in the request ("inline": tests) or leave it to the notify tick ("off").
        self.NOTICE_FANOUT_AFTER_COMMIT = os.environ.get(
            "NOTICE_FANOUT_AFTER_COMMIT", "queue" if queued else "thread"
        )
        self.PWA_DIST = os.environ.get("PWA_DIST") or str(ROOT / "pwa" / "dist")
        self.JWT_ACCESS_TOKEN_EXPIRES = timedelta(
            seconds=int(os.environ.get("ACCESS_TOKEN_SECONDS", 15 * 60))
        )
        self.JWT_REFRESH_TOKEN_EXPIRES = timedelta(
            seconds=int(os.environ.get("REFRESH_TOKEN_SECONDS", 30 * 24 * 3600))
        )
        self.JWT_TOKEN_LOCATION = ["headers"]
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        self.PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
        # Operations (docs/deploy.md): log lines as JSON or text ("auto": JSON unless stderr is a terminal),
        # and Prometheus metrics at /metrics, off unless switched on, behind a bearer token when one is set.
        self.LOG_FORMAT = os.environ.get("LOG_FORMAT", "auto")
        self.LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
        self.METRICS_ENABLED = os.environ.get("METRICS_ENABLED", "0").lower() in ("1", "true", "yes", "on")
        self.METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
        # Command outcomes and tombstones older than this are forgotten (docs/sync.md, "Compaction").
        self.SYNC_RETENTION_DAYS = retention_days(os.environ.get("SYNC_RETENTION_DAYS", "90"))
        # Large enough for a whole 10 MiB photo; push and blob views enforce their own limits.
        self.MAX_CONTENT_LENGTH = 12 * 1024 * 1024
        self.API_TITLE = "安全台账 sync API"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.OPENAPI_SWAGGER_UI_PATH = "/docs"
        # Swagger UI from the pinned flask-swagger-ui package, served by backend/api_docs.py: no CDN.
        self.OPENAPI_SWAGGER_UI_URL = "/api/docs/assets/"
        self.JSON_AS_ASCII = False
        # gzip level of JSON answers (Flask-Compress; default 6). Pull pages are most of the bytes: at 4 a
        # 500-change page compresses in about 60 % of the CPU of 6, for about 7 % more bytes (measured).
        self.COMPRESS_LEVEL = int(os.environ.get("COMPRESS_LEVEL", "4"))
        # ISA-L gzip level (0-3) of pull pages when the client takes gzip (backend/fast_gzip.py); 0: leave
        # them to Flask-Compress. At 2 a page compresses ten times faster than at zlib's 4, 6 % larger.
        self.PULL_GZIP_LEVEL = int(os.environ.get("PULL_GZIP_LEVEL", "2"))
        # Web Push: keys from the environment, else generated once into instance/vapid.json.
        self.VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY") or None
        self.VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY") or None
        self.VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT") or "mailto:safety@example.invalid"
        # Where people open the app: the base of every link a push, a robot message or a notice carries.
        # Background jobs have no request to take it from (and a request's Host header must never choose
        # where links in a group chat point), so it is a setting; the default is `make run`'s address.
        self.PUBLIC_BASE_URL = public_base_url(os.environ.get("PUBLIC_BASE_URL") or DEFAULT_PUBLIC_BASE_URL)
        # Group-robot hosts besides WeCom's and DingTalk's (e.g. 政务微信), comma-separated.
        self.OFFICE_WEBHOOK_HOSTS = [
            host.strip() for host in os.environ.get("OFFICE_WEBHOOK_HOSTS", "").split(",") if host.strip()
        ]
        # Test-only: robots and push endpoints on 127.0.0.1/localhost (http too), where the fakes listen.
        self.OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS = os.environ.get("OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS", "0") in (
            "1",
            "true",
            "yes",
            "on",
        )


def retention_days(text: str) -> int:
    """Read SYNC_RETENTION_DAYS: whole days, at least 1 (a shorter one would forget pushes in flight)."""
    days = int(text)
    if days < 1:
        raise ValueError("SYNC_RETENTION_DAYS must be at least 1")
    return days


DEFAULT_PUBLIC_BASE_URL = f"http://127.0.0.1:{os.environ.get('PORT') or 5000}"


def public_base_url(text: str) -> str:
    """Read PUBLIC_BASE_URL: an http(s) origin such as https://anquan.example.cn, kept without a final /."""
    parts = urlsplit(text.strip())
    problem = None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problem = "must start with http:// or https:// and name a host"
    elif parts.username or parts.password:
        problem = "must not hold a user name or password"
    elif parts.path not in ("", "/") or parts.query or parts.fragment:
        problem = "must be the app's origin with no path, query or fragment (the app is served at /)"
    else:
        try:
            parts.port  # noqa: B018  (raises on a port that is not a number in 0..65535)
        except ValueError:
            problem = "has a port that is not a number from 1 to 65535"
    if problem:
        raise ValueError(f"PUBLIC_BASE_URL {problem}; got {text!r} (e.g. https://anquan.example.cn)")
    return f"{parts.scheme}://{parts.netloc}"


# Connections a worker process keeps open: its request threads (8 in the benches) and its background
# jobs (derived state, fan-out, periodic ticks). With SQLAlchemy's default of 5, every connection past
# the fifth was opened for one request and closed after it: at 200 devices the pool churned PostgreSQL
# backends, each a fork, and pushes waited on them.
POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "12"))


def engine_options(url: str) -> dict:
    """Return engine options suited to the database: a long busy timeout for SQLite's one writer."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True, "pool_size": POOL_SIZE, "max_overflow": 10}


class TestConfig(Config):
    """Settings for tests: a given database and instance folder, no demo data."""

    def __init__(self, database_url: str, folder: Path) -> None:
        os.environ["INSTANCE_PATH"] = str(folder)
        super().__init__()
        self.TESTING = True
        self.SQLALCHEMY_DATABASE_URI = database_url
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(database_url)
        self.BLOB_DIR = str(folder / "blobs")
        self.BLOB_STORE, self.BLOB_SERVE = "local", "stream"  # an S3 test sets its own (tests/s3_server.py)
        self.DEMO_DATA = False
        self.JOBS_IN_PROCESS = False
        self.REDIS_URL = None  # a test that needs the queue sets it (and its own QUEUE_PREFIX)
        self.DERIVED_AFTER_PUSH = "inline"
        self.NOTICE_FANOUT_AFTER_COMMIT = "inline"
        self.OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS = False  # a test that needs it turns it on for its own app
        self.PUBLIC_BASE_URL = "https://anquan.example.test"  # not the environment's: links tests can expect
