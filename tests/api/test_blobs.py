"""The blobs blueprint through the test client: every status and code of protocol.md's blob table.

Every test runs twice: with photos on local disk, and in a bucket of the S3 test server (streamed back).
"""

from __future__ import annotations

import hashlib
import io
import tracemalloc

import pytest
from PIL import Image

from sync.blobs import MAX_BYTES

from ..api_client import Device
from .blob_apps import blob_app, not_rewritten

URL = "/api/v1/blobs/{}"


def photo(size=(800, 600), kind: str = "JPEG", colour=(30, 120, 200)) -> bytes:
    """Return a real image made with Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, kind)
    return buffer.getvalue()


def sha_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(device: Device, data: bytes, sha: str | None = None, **headers):
    return device.client.put(
        URL.format(sha or sha_of(data)), data=data, headers={**device.headers, **headers}
    )


def report_hazard(device: Device, photos: list[str]) -> dict:
    return device.do(
        "hazard.report",
        title="配电箱门未关",
        description="",
        location="二车间",
        severity="general",
        photos=photos,
    )


@pytest.fixture(params=["local", "s3"])
def app(request, tmp_path):
    """An app on a fresh SQLite file, its blobs on local disk or in a fresh bucket."""
    yield from blob_app(request, tmp_path, request.param)


@pytest.fixture
def worker(client, people):
    return Device(client, "worker-a1")


def test_no_token_is_401_unauthorized_for_every_method(client, people):
    sha = "a" * 64
    for answer in (client.get(URL.format(sha)), client.put(URL.format(sha), data=b"x")):
        assert (answer.status_code, answer.get_json()["code"]) == (401, "unauthorized")
    assert client.head(URL.format(sha)).status_code == 401


def test_put_stores_with_201_then_answers_200_without_writing_again(app, worker):
    data = photo()
    first = put(worker, data)
    assert first.status_code == 201
    assert first.get_json() == {
        "sha256": sha_of(data),
        "size": len(data),
        "media_type": "image/jpeg",
        "width": 800,
        "height": 600,
    }
    with not_rewritten(app, sha_of(data)):
        assert put(worker, data).status_code == 200


def test_head_is_200_when_stored_and_404_when_not(worker, client):
    data = photo()
    assert worker.client.head(URL.format(sha_of(data)), headers=worker.headers).status_code == 404
    put(worker, data)
    assert worker.client.head(URL.format(sha_of(data)), headers=worker.headers).status_code == 200


def test_another_enterprise_cannot_learn_that_a_blob_exists(app, worker, client):
    data = photo()
    put(worker, data)
    worker.do(
        "hazard.report",
        title="积水",
        description="",
        location="2号转炉",
        severity="general",
        photos=[sha_of(data)],
    )
    stranger, colleague = Device(client, "worker-b1"), Device(client, "officer-a")
    assert client.head(URL.format(sha_of(data)), headers=stranger.headers).status_code == 404
    assert client.head(URL.format(sha_of(data)), headers=colleague.headers).status_code == 200
    # Uploading the same bytes proves possession: 201 for them, the file is not written again.
    with not_rewritten(app, sha_of(data)):
        assert put(stranger, data).status_code == 201
    assert client.get(URL.format(sha_of(data)), headers=stranger.headers).status_code == 200


def test_a_hash_seen_elsewhere_cannot_be_cited_without_uploading_it(worker, client):
    data = photo()
    put(worker, data)
    stranger = Device(client, "worker-b1")
    command = stranger.command(
        "hazard.report",
        title="抄来的照片",
        description="",
        location="x",
        severity="general",
        photos=[sha_of(data)],
    )
    answer = stranger.push(command)
    assert answer["blocked"] == {"seq": 1, "code": "blob_missing", "missing": [sha_of(data)]}
    assert put(stranger, data).status_code == 201
    assert stranger.push(command)["outcomes"][0]["status"] == "applied"


def test_a_body_over_10_mib_is_413_even_with_a_wrong_hash(worker):
    answer = put(worker, b"x" * (MAX_BYTES + 1), sha="0" * 64)
    assert (answer.status_code, answer.get_json()["code"]) == (413, "too_large")
    assert answer.get_json()["message"]


def test_a_wrong_hash_is_400_before_the_type_is_looked_at(worker):
    answer = put(worker, b"not an image", sha="0" * 64)
    assert (answer.status_code, answer.get_json()["code"]) == (400, "hash_mismatch")


def test_a_url_that_is_not_a_lowercase_sha256_is_a_hash_mismatch(worker):
    data = photo()
    answer = put(worker, data, sha=sha_of(data).upper())
    assert (answer.status_code, answer.get_json()["code"]) == (400, "hash_mismatch")


@pytest.mark.parametrize(
    "data",
    [b"plain text", photo(kind="GIF"), b"\x89PNG\r\n\x1a\n" + b"junk" * 100],
    ids=["text", "gif", "png-header-then-junk"],
)
def test_bytes_that_are_not_a_jpeg_png_or_webp_are_415(worker, data):
    answer = put(worker, data, **{"Accept-Language": "en"})
    assert (answer.status_code, answer.get_json()["code"]) == (415, "unsupported_media")
    assert "JPEG" in answer.get_json()["message"]


def test_resumable_upload_answers_202_offsets_then_201(worker):
    data = photo((1200, 900), kind="PNG", colour=(10, 200, 10))
    sha, total = sha_of(data), len(data)
    cuts = [0, total // 3, 2 * total // 3, total]
    for start, end in zip(cuts[:-2], cuts[1:-1], strict=True):
        answer = put(
            worker, data[start:end], sha=sha, **{"Content-Range": f"bytes {start}-{end - 1}/{total}"}
        )
        assert (answer.status_code, answer.get_json()) == (202, {"offset": end})
        status = worker.client.head(URL.format(sha), headers=worker.headers)
        assert (status.status_code, status.headers["Upload-Offset"]) == (404, str(end))
    last = put(worker, data[cuts[2] :], sha=sha, **{"Content-Range": f"bytes {cuts[2]}-{total - 1}/{total}"})
    assert (last.status_code, last.get_json()["media_type"]) == (201, "image/png")
    stored = worker.client.head(URL.format(sha), headers=worker.headers)
    assert stored.status_code == 200 and "Upload-Offset" not in stored.headers
    assert worker.client.get(URL.format(sha), headers=worker.headers).data == data


def test_a_chunk_at_the_wrong_offset_is_409_with_the_held_offset(worker):
    data = photo()
    sha, total = sha_of(data), len(data)
    put(worker, data[:1000], sha=sha, **{"Content-Range": f"bytes 0-999/{total}"})
    answer = put(worker, data[500:1500], sha=sha, **{"Content-Range": f"bytes 500-1499/{total}"})
    assert answer.status_code == 409
    assert answer.get_json()["code"] == "offset_mismatch" and answer.get_json()["offset"] == 1000


def test_a_failed_final_chunk_discards_the_upload(worker):
    data = b"\x89PNG\r\n\x1a\n" + b"text pretending to be a photo" * 10
    sha, total = sha_of(data), len(data)
    put(worker, data[:100], sha=sha, **{"Content-Range": f"bytes 0-99/{total}"})
    answer = put(worker, data[100:], sha=sha, **{"Content-Range": f"bytes 100-{total - 1}/{total}"})
    assert (answer.status_code, answer.get_json()["code"]) == (415, "unsupported_media")
    status = worker.client.head(URL.format(sha), headers=worker.headers)
    assert status.status_code == 404 and "Upload-Offset" not in status.headers


@pytest.mark.parametrize(
    ("content_range", "status", "code"),
    [
        ("bytes 0-9", 400, "malformed"),
        ("bytes=0-9/100", 400, "malformed"),
        ("bytes 0-19/100", 400, "malformed"),
        (f"bytes 0-9/{MAX_BYTES + 1}", 413, "too_large"),
    ],
)
def test_a_bad_content_range_is_refused(worker, content_range, status, code):
    answer = put(worker, b"0123456789", sha="a" * 64, **{"Content-Range": content_range})
    assert (answer.status_code, answer.get_json()["code"]) == (status, code)


def test_get_gives_the_uploader_the_bytes_with_cache_headers(worker):
    data = photo()
    put(worker, data)
    answer = worker.client.get(URL.format(sha_of(data)), headers=worker.headers)
    assert (answer.status_code, answer.data, answer.content_type) == (200, data, "image/jpeg")
    assert answer.headers["ETag"] == f'"{sha_of(data)}"'
    assert answer.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    again = worker.client.get(
        URL.format(sha_of(data)), headers={**worker.headers, "If-None-Match": answer.headers["ETag"]}
    )
    assert again.status_code == 304


def test_a_colleague_may_get_a_photo_once_a_hazard_references_it(client, worker):
    data = photo()
    put(worker, data)
    colleague = Device(client, "worker-a2")
    url = URL.format(sha_of(data))
    answer = client.get(url, headers=colleague.headers)
    assert (answer.status_code, answer.get_json()["code"]) == (404, "not_found")
    assert report_hazard(worker, [sha_of(data)])["status"] == "applied"
    assert client.get(url, headers=colleague.headers).data == data


def test_another_enterprise_gets_404_and_the_bureau_gets_the_bytes(client, worker):
    data = photo()
    put(worker, data)
    report_hazard(worker, [sha_of(data)])
    url = URL.format(sha_of(data))
    outsider = client.get(url, headers=Device(client, "worker-b1").headers)
    assert (outsider.status_code, outsider.get_json()["code"]) == (404, "not_found")
    assert client.get(url, headers=Device(client, "bureau").headers).data == data


def test_an_unknown_or_malformed_sha_is_404(worker):
    for sha in ("f" * 64, "not-a-sha"):
        answer = worker.client.get(URL.format(sha), headers=worker.headers)
        assert (answer.status_code, answer.get_json()["code"]) == (404, "not_found")


def test_thumb_variant_is_a_jpeg_at_most_320_px_wide(worker):
    data = photo((2000, 1500), kind="WEBP")
    put(worker, data)
    answer = worker.client.get(
        URL.format(sha_of(data)), query_string={"variant": "thumb"}, headers=worker.headers
    )
    assert (answer.status_code, answer.content_type) == (200, "image/jpeg")
    assert Image.open(io.BytesIO(answer.data)).size == (320, 240)
    unknown = worker.client.get(
        URL.format(sha_of(data)), query_string={"variant": "big"}, headers=worker.headers
    )
    assert (unknown.status_code, unknown.get_json()["code"]) == (400, "invalid")


def test_a_push_blocked_on_a_missing_photo_goes_through_after_the_upload(worker):
    data = photo()
    command = worker.command(
        "hazard.report", title="t", description="", location="l", severity="general", photos=[sha_of(data)]
    )
    blocked = worker.push(command)["blocked"]
    assert blocked == {"seq": 1, "code": "blob_missing", "missing": [sha_of(data)]}
    put(worker, data)
    assert worker.push(command)["outcomes"][-1]["status"] == "applied"


def test_a_photo_is_streamed_to_the_reader_never_held_whole(worker):
    side = 1700
    pixels = (bytes(range(256)) * (side * side * 3 // 256 + 1))[: side * side * 3]
    noise = Image.frombytes("RGB", (side, side), pixels)
    buffer = io.BytesIO()
    noise.save(buffer, "PNG", compress_level=0)
    data = buffer.getvalue()
    assert 8 * 1024 * 1024 < len(data) < MAX_BYTES
    assert put(worker, data).status_code == 201
    digest = hashlib.sha256()
    tracemalloc.start()
    try:
        answer = worker.client.get(URL.format(sha_of(data)), headers=worker.headers, buffered=False)
        for chunk in answer.response:
            digest.update(chunk)
        answer.close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert answer.headers["Content-Length"] == str(len(data)) and digest.hexdigest() == sha_of(data)
    assert peak < 3 * 1024 * 1024, (
        f"{peak / 1024 / 1024:.1f} MiB held to send {len(data) / 1024 / 1024:.1f} MiB"
    )
