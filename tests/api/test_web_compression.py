"""The built PWA goes out in the best encoding each client accepts: brotli, gzip or as it is."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
from pathlib import Path

import brotli
import pytest

from backend.accept_encoding import accepted_codings
from backend.config import ROOT

SCRIPT = ROOT / "pwa" / "scripts" / "precompress.mjs"
JS = "assets/index-abc123.js"
CSS = "assets/index-abc123.css"


def text_of(kind: str, lines: int) -> str:
    """Text shaped like a bundle: repetitive enough to compress, varied enough not to vanish."""
    if kind == "js":
        return "".join(f"export function f{i}(a){{return a*{i}+'隐患{i}'}}\n" for i in range(lines))
    if kind == "css":
        return "".join(f".van-cell-{i}{{padding:{i % 17}px;color:#{i:06x}}}\n" for i in range(lines))
    body = "".join(f"<link rel=modulepreload href=/assets/chunk-{i}.js>" for i in range(lines))
    return f"<!doctype html><title>安全台账</title>{body}<div id=app></div>"


@pytest.fixture(scope="module")
def precompressed(tmp_path_factory) -> Path:
    """A real-sized shell, bundle and stylesheet, precompressed once by the build's own script."""
    folder = tmp_path_factory.mktemp("precompressed")
    (folder / "assets").mkdir()
    (folder / "index.html").write_text(text_of("html", 60))
    (folder / JS).write_text(text_of("js", 2000))
    (folder / CSS).write_text(text_of("css", 800))
    subprocess.run(["node", str(SCRIPT), str(folder)], check=True, capture_output=True)
    return folder


@pytest.fixture
def dist(built_pwa, precompressed):
    """The minimal build with the precompressed files (and their .br and .gz copies) in it."""
    shutil.copytree(precompressed, built_pwa, dirs_exist_ok=True)
    return built_pwa


class Answer:
    """A file answer read whole and closed (send_file keeps the file open until then)."""

    def __init__(self, client, path: str, accept: str | None = None, **headers):
        if accept is not None:
            headers["Accept-Encoding"] = accept
        with client.get(path, headers=headers) as answer:
            self.status_code, self.headers, self.data = answer.status_code, answer.headers, answer.get_data()


DECODE = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda data: data}


@pytest.mark.parametrize("path", ["/", "/hazards/new", f"/{JS}", f"/{CSS}"])
@pytest.mark.parametrize(
    ("accept", "encoding"),
    [
        ("br", "br"),
        ("gzip", "gzip"),
        ("gzip, deflate, br", "br"),
        ("gzip;q=1.0, br;q=0.5", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("*", "br"),
        ("identity", None),
        ("gzip;q=0.4, identity", None),
        ("br;q=0, gzip;q=0", None),
        (None, None),
    ],
)
def test_each_client_gets_the_best_encoding_it_accepts_of_the_same_bytes(
    client, dist, path, accept, encoding
):
    answer = Answer(client, path, accept)
    name = "index.html" if "." not in path.rsplit("/", 1)[-1] else path.lstrip("/")
    assert answer.status_code == 200
    assert answer.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in answer.headers.get("Vary", "")
    assert int(answer.headers["Content-Length"]) == len(answer.data)
    assert DECODE[encoding](answer.data) == (dist / name).read_bytes()
    plain = Answer(client, path, "identity")
    assert answer.headers["Content-Type"] == plain.headers["Content-Type"]
    assert answer.headers["Cache-Control"] == plain.headers["Cache-Control"]
    assert answer.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]


def test_the_bundle_is_much_smaller_for_a_gzip_only_client(client, dist):
    size = (dist / JS).stat().st_size
    gzipped = Answer(client, f"/{JS}", "gzip")
    brotlied = Answer(client, f"/{JS}", "br")
    assert len(brotlied.data) < len(gzipped.data) < size / 3
    assert gzipped.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_each_encoding_has_its_own_etag_and_revalidates(client, dist):
    tags = {}
    for accept in ("br", "gzip", "identity"):
        answer = Answer(client, f"/{JS}", accept)
        tags[accept] = answer.headers["ETag"]
        again = Answer(client, f"/{JS}", accept, **{"If-None-Match": tags[accept]})
        assert again.status_code == 304
    assert len(set(tags.values())) == 3


def test_small_files_and_files_without_copies_go_out_as_they_are(client, dist):
    for path in ("/sw.js", "/manifest.webmanifest"):
        answer = Answer(client, path, "br, gzip")
        assert answer.status_code == 200 and "Content-Encoding" not in answer.headers
    (dist / JS).with_name("index-abc123.js.br").unlink()
    fallback = Answer(client, f"/{JS}", "br, gzip")
    assert fallback.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(fallback.data) == (dist / JS).read_bytes()


def test_the_build_script_writes_copies_only_where_they_are_worth_it(tmp_path):
    (tmp_path / "tiny.js").write_text("x")
    (tmp_path / "noise.txt").write_bytes(os.urandom(4096))
    (tmp_path / "photo.png").write_text(text_of("css", 100))
    (tmp_path / "app.js").write_text(text_of("js", 100))
    subprocess.run(["node", str(SCRIPT), str(tmp_path)], check=True, capture_output=True)
    written = sorted(path.name for path in tmp_path.iterdir())
    # Under a packet: not worth a file; random bytes do not shrink; images are compressed already.
    assert written == ["app.js", "app.js.br", "app.js.gz", "noise.txt", "photo.png", "tiny.js"]


@pytest.mark.parametrize(
    ("header", "kept"),
    [
        ("br;q=0, gzip;q=0", ""),
        ("gzip, br;q=0", "gzip"),
        ("br;q=0.5, gzip;q=0.0, identity", "br;q=0.5, identity"),
        ("gzip, deflate, br, zstd", "gzip, deflate, br, zstd"),
    ],
)
def test_refused_codings_are_taken_out_before_anything_reads_them(header, kept):
    assert accepted_codings(header) == kept
