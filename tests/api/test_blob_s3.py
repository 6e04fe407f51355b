"""Photos in S3 through the API: presigned redirects after the authorisation check, settings, CSP, sweep."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask_jwt_extended import create_access_token, decode_token
from PIL import Image

from backend import blob_setup
from backend.blob_setup import BlobSettingError
from sync import blobs

from ..api_client import Device
from ..conftest import _app_for
from ..s3_server import s3_settings
from .blob_apps import blob_app
from .test_blobs import URL, photo, put, report_hazard, sha_of


@pytest.fixture
def app(request, tmp_path):
    """An app whose photos are in a fresh bucket, served by presigned redirects valid for 120 s."""
    yield from blob_app(request, tmp_path, "s3", BLOB_SERVE="redirect", BLOB_PRESIGN_SECONDS="120")


@pytest.fixture
def worker(client, people):
    return Device(client, "worker-a1")


def follow(answer) -> requests.Response:
    """Fetch the presigned URL a 302 points at, as a browser would: no Authorization header."""
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return requests.get(answer.headers["Location"], timeout=30)


def test_a_reader_is_sent_to_a_short_lived_url_that_answers_the_bytes(worker):
    data = photo()
    put(worker, data)
    answer = worker.client.get(URL.format(sha_of(data)), headers=worker.headers)
    assert answer.headers["Cache-Control"] == "private, no-store"
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["X-Amz-Expires"] == ["120"]
    fetched = follow(answer)
    assert (fetched.status_code, fetched.content, fetched.headers["Content-Type"]) == (
        200,
        data,
        "image/jpeg",
    )


def test_the_thumbnail_is_redirected_to_as_well(worker):
    data = photo((2000, 1500), kind="PNG")
    put(worker, data)
    answer = worker.client.get(
        URL.format(sha_of(data)), query_string={"variant": "thumb"}, headers=worker.headers
    )
    fetched = follow(answer)
    assert fetched.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(fetched.content)).size == (320, 240)


def test_another_enterprise_and_a_colleague_before_the_reference_get_404_without_a_url(client, worker):
    data = photo()
    put(worker, data)
    url = URL.format(sha_of(data))
    for reader in (Device(client, "worker-b1"), Device(client, "worker-a2")):
        answer = client.get(url, headers=reader.headers)
        assert (answer.status_code, answer.get_json()["code"]) == (404, "not_found")
        assert "Location" not in answer.headers
    report_hazard(worker, [sha_of(data)])
    assert follow(client.get(url, headers=Device(client, "worker-a2").headers)).content == data


def test_no_token_or_an_expired_one_is_401_without_a_url(app, client, worker, people):
    data = photo()
    put(worker, data)
    with app.app_context():
        claims = decode_token(worker.headers["Authorization"].split()[1])
        expired = create_access_token(
            identity=people["worker-a1"],
            additional_claims={"sid": claims["sid"], "role": claims.get("role")},
            expires_delta=timedelta(seconds=-1),
        )
    for headers in ({}, {"Authorization": f"Bearer {expired}"}):
        answer = client.get(URL.format(sha_of(data)), headers=headers)
        assert answer.status_code == 401 and "Location" not in answer.headers


def test_a_reader_holding_the_etag_gets_304_and_no_redirect(worker):
    data = photo()
    put(worker, data)
    headers = {**worker.headers, "If-None-Match": f'"{sha_of(data)}"'}
    answer = worker.client.get(URL.format(sha_of(data)), headers=headers)
    assert answer.status_code == 304 and "Location" not in answer.headers


def test_the_content_security_policy_lets_the_pwa_fetch_from_the_bucket(app, client, s3_endpoint):
    policy = client.get("/api/v1/health").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert s3_endpoint in directives["img-src"] and s3_endpoint in directives["connect-src"]
    assert s3_endpoint not in directives["script-src"]


def test_redirects_name_the_public_endpoint_when_one_is_set(request, tmp_path, s3_endpoint):
    public = s3_endpoint.replace("127.0.0.1", "localhost")
    for app in blob_app(request, tmp_path, "s3", BLOB_SERVE="redirect", S3_PUBLIC_ENDPOINT_URL=public):
        store = app.extensions["blob_store"]
        store.write("ab" * 32, b"bytes")
        url = store.presigned_url("ab" * 32, None, 60, "image/png")
        assert url.startswith(public + "/") and requests.get(url, timeout=30).content == b"bytes"
        assert app.extensions["blob_redirect_origin"] == public


def test_the_sweep_deletes_s3_uploads_untouched_for_a_day(app, worker):
    chunk = b"\x89PNG\r\n\x1a\n" + bytes(992)
    sha = hashlib.sha256(chunk + bytes(1000)).hexdigest()
    headers = {**worker.headers, "Content-Range": "bytes 0-999/2000"}
    assert worker.client.put(URL.format(sha), data=chunk, headers=headers).status_code == 202
    with app.app_context():
        assert blob_setup.sweep_partials(datetime.now(UTC)).startswith("0 unfinished")
        assert worker.client.head(URL.format(sha), headers=worker.headers).headers["Upload-Offset"] == "1000"
        later = datetime.now(UTC) + timedelta(hours=24, minutes=1)
        assert blob_setup.sweep_partials(later) == "1 unfinished uploads deleted (0.0 MiB)"
    assert "Upload-Offset" not in worker.client.head(URL.format(sha), headers=worker.headers).headers


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"BLOB_STORE": "ftp://bucket/x"}, "BLOB_STORE"),
        ({"BLOB_STORE": "s3://"}, "bucket"),
        ({"BLOB_STORE": "s3://Bad_Bucket/p"}, "bucket"),
        ({"BLOB_SERVE": "redirect"}, "BLOB_SERVE=redirect needs"),
        ({"BLOB_SERVE": "fast"}, "BLOB_SERVE"),
        ({"BLOB_STORE": "s3://photos", "BLOB_PRESIGN_SECONDS": "0"}, "BLOB_PRESIGN_SECONDS"),
        ({"BLOB_STORE": "s3://photos", "BLOB_PRESIGN_SECONDS": "700000"}, "BLOB_PRESIGN_SECONDS"),
        ({"BLOB_STORE": "s3://photos", "S3_ADDRESSING_STYLE": "dns"}, "S3_ADDRESSING_STYLE"),
        ({"BLOB_STORE": "s3://photos", "S3_ENDPOINT_URL": "minio:9000"}, "S3_ENDPOINT_URL"),
        ({"BLOB_STORE": "s3://photos", "AWS_ACCESS_KEY_ID": "key", "AWS_SECRET_ACCESS_KEY": ""}, "AWS_"),
    ],
)
def test_a_blob_setting_that_cannot_work_stops_the_app_at_start(tmp_path, settings, named):
    with pytest.raises(BlobSettingError) as refused:
        _app_for(f"sqlite:///{tmp_path / 'test.db'}", tmp_path, settings=settings)
    assert named in str(refused.value)


def test_s3_settings_point_a_store_at_the_test_server(s3_bucket, s3_endpoint):
    store = blob_setup.make_store(s3_settings(s3_bucket))
    store.check()
    assert (store.bucket, store.prefix, store.client.meta.endpoint_url) == (s3_bucket, "blobs", s3_endpoint)


def test_partials_past_the_users_cap_are_409_in_s3_too_and_nothing_more_is_held(app, worker, monkeypatch):
    monkeypatch.setattr(blobs, "PARTIAL_BYTES_PER_USER", 3000)
    answers = []
    for index in range(3):
        chunk = b"\x89PNG\r\n\x1a\n" + bytes([index]) * 1192
        headers = {**worker.headers, "Content-Range": "bytes 0-1199/5000"}
        answers.append(worker.client.put(URL.format(sha_of(chunk)), data=chunk, headers=headers))
    assert [answer.status_code for answer in answers] == [202, 202, 409]
    assert answers[2].get_json()["code"] == "too_many_partial_uploads"
    assert app.extensions["blob_store"].partial_bytes(worker.user["id"]) == 2400
