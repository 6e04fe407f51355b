"""Blob limits through HTTP: pixel cap, partial-upload cap and sweep, and a 413 that clients can read."""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.error
import urllib.request

import pytest
import requests

from backend import jobs
from sync import blobs, decode_budget, images
from sync.blobs import MAX_BYTES, LocalBlobStore
from tests.live_server import live_server

from ..api_client import Device
from ..unit.test_blobs import png_declaring

URL = "/api/v1/blobs/{}"
DAY = 24 * 3600


@pytest.fixture
def worker(client, people):
    return Device(client, "worker-a1")


def sha_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_pixel_bomb_is_413_image_too_large_in_chinese_and_not_stored(worker):
    bomb = png_declaring(8400, 6250)
    answer = worker.client.put(URL.format(sha_of(bomb)), data=bomb, headers=worker.headers)
    assert (answer.status_code, answer.get_json()["code"]) == (413, "image_too_large")
    assert "5200 万像素" in answer.get_json()["message"]
    assert worker.client.head(URL.format(sha_of(bomb)), headers=worker.headers).status_code == 404


def test_partials_past_the_users_cap_are_409_too_many_partial_uploads(worker, monkeypatch):
    monkeypatch.setattr(blobs, "PARTIAL_BYTES_PER_USER", 3000)
    answers = []
    for index in range(3):
        chunk = b"\x89PNG\r\n\x1a\n" + bytes([index]) * 1192
        headers = {**worker.headers, "Content-Range": "bytes 0-1199/5000"}
        answers.append(worker.client.put(URL.format(sha_of(chunk)), data=chunk, headers=headers))
    assert [answer.status_code for answer in answers] == [202, 202, 409]
    assert answers[2].get_json()["code"] == "too_many_partial_uploads"
    assert "未完成的分段上传过多" in answers[2].get_json()["message"]


def age_partial(store: LocalBlobStore, name: str, seconds: float) -> None:
    """Write a partial file last touched `seconds` ago."""
    path = store.root / "partial" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG" + bytes(996))
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_the_periodic_job_and_the_cli_sweep_partials_untouched_for_a_day(app):
    store = LocalBlobStore(app.config["BLOB_DIR"])
    age_partial(store, f"{'a' * 64}.u-1", DAY + 60)
    age_partial(store, f"{'b' * 64}.u-1", DAY - 60)
    assert jobs.JOBS["blob sweep"][0] == 3600
    assert jobs.run_once(app, "blob sweep") == "1 unfinished uploads deleted (0.0 MiB)"
    assert store.partial_offset("a" * 64, "u-1") is None and store.partial_offset("b" * 64, "u-1") == 1000
    age_partial(store, f"{'c' * 64}.u-2", 2 * DAY)
    result = app.test_cli_runner().invoke(args=["blobs", "sweep"])
    assert result.exit_code == 0 and "1 unfinished uploads deleted" in result.output
    assert store.partial_offset("b" * 64, "u-1") == 1000


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A gunicorn server and a demo worker's access token."""
    with live_server(tmp_path_factory.mktemp("blob-limits")) as base:
        login = {"username": "worker-a1", "password": "demo1234"}
        token = requests.post(f"{base}/api/v1/auth/login", json=login, timeout=30).json()["access_token"]
        yield base, {"Authorization": f"Bearer {token}"}


def put_with_urllib(url: str, body: bytes, headers: dict) -> tuple[int, dict]:
    """PUT as the standard library does: the whole body first, then read the answer."""
    request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def put_with_requests(url: str, body: bytes, headers: dict) -> tuple[int, dict]:
    answer = requests.put(url, data=body, headers=headers, timeout=60)
    return answer.status_code, answer.json()


@pytest.mark.parametrize("send", [put_with_urllib, put_with_requests], ids=["urllib", "requests"])
@pytest.mark.parametrize("size", [MAX_BYTES + 1, 40 * 1024 * 1024], ids=["11-mib", "40-mib"])
def test_a_client_that_sends_an_over_limit_body_before_reading_gets_the_413(live, size, send):
    base, headers = live
    status, body = send(f"{base}{URL.format('0' * 64)}", b"x" * size, headers)
    assert (status, body["code"]) == (413, "too_large")


def test_an_over_limit_chunked_upload_gets_the_413_too(live):
    base, headers = live
    parts = (b"x" * (1024 * 1024) for _ in range(12))
    answer = requests.put(f"{base}{URL.format('0' * 64)}", data=parts, headers=headers, timeout=60)
    assert (answer.status_code, answer.json()["code"]) == (413, "too_large")


def test_an_upload_that_finds_every_decoder_busy_is_503_with_retry_after(worker, monkeypatch):
    monkeypatch.setattr(images, "PROCESS_BUDGET", decode_budget.DecodeBudget(slots=0))
    monkeypatch.setattr(decode_budget, "DECODE_WAIT_SECONDS", 0.05)
    photo = png_declaring(640, 480)
    answer = worker.client.put(URL.format(sha_of(photo)), data=photo, headers=worker.headers)
    assert (answer.status_code, answer.get_json()["code"]) == (503, "busy")
    assert answer.headers["Retry-After"] == "5"
    assert worker.client.head(URL.format(sha_of(photo)), headers=worker.headers).status_code == 404
