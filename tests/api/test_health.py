"""GET /api/v1/health: database, Redis (when configured), blob store, each timed; 503 on any failure."""

from __future__ import annotations

import time

import pytest

from backend import config, create_app

from ..redis_server import refused_url, require_redis, silent_server
from ..s3_server import s3_settings


def health(app):
    answer = app.test_client().get("/api/v1/health")
    return answer.status_code, answer.get_json()


@pytest.mark.parametrize("database", ["app", "pg_app"])
def test_every_configured_part_answers_ok(request, database):
    status, body = health(request.getfixturevalue(database))
    assert status == 200 and body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert isinstance(body["checks"]["database"]["ms"], float)
    assert body["checks"]["redis"] == {"status": "not configured"}
    assert body["checks"]["storage"]["status"] == "ok"


def test_a_database_that_cannot_be_opened_answers_503_naming_it(tmp_path):
    broken = create_app(config.TestConfig(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'app.db'}", tmp_path))
    status, body = health(broken)
    assert status == 503 and body["status"] == "error" and body["code"] == "unavailable"
    database = body["checks"]["database"]
    assert database["status"] == "error" and database["error"].startswith("OperationalError")
    # Only the type: anyone may read /health, and a message names hosts, paths and buckets.
    assert database["error"] == "OperationalError"
    assert body["message"] == "服务暂不可用：数据库异常"
    assert body["checks"]["redis"] == {"status": "not configured"}


def test_a_live_redis_is_reported_ok(app):
    app.config["REDIS_URL"] = require_redis()
    status, body = health(app)
    assert status == 200 and body["checks"]["redis"]["status"] == "ok"


def test_a_redis_that_is_down_answers_503(app):
    app.config["REDIS_URL"] = refused_url()
    status, body = health(app)
    assert status == 503 and body["status"] == "error" and body["code"] == "unavailable"
    assert (
        body["checks"]["redis"]["status"] == "error" and "ConnectionError" in body["checks"]["redis"]["error"]
    )
    assert body["checks"]["database"]["status"] == "ok"


def test_a_hung_redis_cannot_hang_the_health_check(app):
    with silent_server() as url:
        app.config["REDIS_URL"] = url
        started = time.monotonic()
        status, body = health(app)
        took = time.monotonic() - started
    assert status == 503 and body["checks"]["redis"]["status"] == "error"
    assert "Timeout" in body["checks"]["redis"]["error"]
    assert 0.9 <= body["checks"]["redis"]["ms"] / 1000 and took < 2.5  # one 1 s timeout, no retries


def test_a_blob_folder_that_cannot_be_written_answers_503(app, tmp_path):
    store = app.extensions["blob_store"]
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the blob folder should be")
    store.root = blocker
    status, body = health(app)
    assert status == 503 and body["checks"]["storage"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"


def test_health_is_documented_with_its_503(app):
    document = app.test_client().get("/api/openapi.json").get_json()
    answers = document["paths"]["/api/v1/health"]["get"]["responses"]
    assert {"200", "503"} <= set(answers)


def test_a_bucket_that_answers_is_ok_and_a_missing_one_is_503(tmp_path, s3_bucket):
    settings = s3_settings(s3_bucket)
    good = config.TestConfig(f"sqlite:///{tmp_path / 'app.db'}", tmp_path)
    for name, value in settings.items():
        setattr(good, name, value)
    status, body = health(create_app(good))
    assert status == 200 and body["checks"]["storage"]["status"] == "ok"
    good.BLOB_STORE = "s3://no-such-bucket-here/blobs"
    status, body = health(create_app(good))
    assert status == 503 and body["checks"]["storage"]["status"] == "error"
    assert (
        "ClientError" in body["checks"]["storage"]["error"] and body["checks"]["database"]["status"] == "ok"
    )
