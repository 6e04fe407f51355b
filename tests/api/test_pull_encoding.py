"""A pull page means the same under every encoding a client takes (gzip: ISA-L; others: Flask-Compress)."""

from __future__ import annotations

import gzip
import json

from backports import zstd

from backend import fast_gzip

from ..api_client import Device


def _page(client, device: Device, accept: str | None):
    headers = dict(device.headers)
    if accept is not None:
        headers["Accept-Encoding"] = accept
    return client.get("/api/v1/sync/pull", query_string={"limit": 500}, headers=headers)


def _reported(device: Device, count: int) -> None:
    commands = [
        device.command(
            "hazard.report", title=f"煤气泄漏 {n}", description="高炉", location="炉顶", severity="general"
        )
        for n in range(count)
    ]
    assert all(o["status"] == "applied" for o in device.push(*commands)["outcomes"])


def test_every_encoding_carries_the_same_page(client, people):
    _reported(Device(client, "worker-a1"), 30)
    officer = Device(client, "officer-a")
    plain = _page(client, officer, None)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    expected = json.loads(plain.data)
    assert len(expected["changes"]) > 30

    gzipped = _page(client, officer, "gzip")
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in gzipped.headers["Vary"]
    assert json.loads(gzip.decompress(gzipped.data)) == expected
    assert len(gzipped.data) < len(plain.data) / 3

    # A browser offers zstd too: Flask-Compress answers, as for every other route.
    zstded = _page(client, officer, "gzip, deflate, br, zstd")
    assert zstded.headers["Content-Encoding"] == "zstd"
    assert json.loads(zstd.decompress(zstded.data)) == expected

    # gzip refused outright (q=0) means no gzip.
    refused = _page(client, officer, "gzip;q=0, identity")
    assert "Content-Encoding" not in refused.headers
    assert json.loads(refused.data) == expected


def test_pull_gzip_level_zero_leaves_pages_to_flask_compress(app, client, people, monkeypatch):
    app.config["PULL_GZIP_LEVEL"] = 0

    def not_here(*args, **kwargs):
        raise AssertionError("ISA-L was asked although PULL_GZIP_LEVEL is 0")

    monkeypatch.setattr(fast_gzip.igzip, "compress", not_here)
    _reported(Device(client, "worker-a1"), 30)
    officer = Device(client, "officer-a")
    answer = _page(client, officer, "gzip")
    assert answer.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(answer.data))["changes"]
