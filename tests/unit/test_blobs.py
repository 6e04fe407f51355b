"""The blob store and service without Flask: image sniffing, uploads, reads, thumbnails."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

from sync import SyncError, metadata, tables
from sync.blobs import (
    MAX_BYTES,
    LocalBlobStore,
    Progress,
    head,
    open_found,
    put_chunk,
    put_whole,
    read,
    save_blob,
)
from sync.images import NotAPhoto, TooManyPixels, check_image, make_thumbnail

UPLOADER, OTHER = "u-1", "u-2"


def image_bytes(kind: str = "JPEG", size=(640, 480), mode: str = "RGB", **options) -> bytes:
    """Return a real image of the given format, made with Pillow."""
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 80, 40) if mode == "RGB" else None).save(buffer, kind, **options)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """Return a valid 1-bit PNG of the given size, cheaply: its rows are zeros, deflated."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\0" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def sha_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def store(tmp_path):
    return LocalBlobStore(tmp_path / "blobs")


def fetched(store, found) -> bytes:
    """Return the bytes a read found, streamed as the API streams them."""
    return b"".join(open_found(store, found))


def code_of(call) -> tuple[int, str, dict]:
    with pytest.raises(SyncError) as caught:
        call()
    return caught.value.status, caught.value.code, caught.value.extra


@pytest.mark.parametrize(
    ("kind", "media_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_sniffing_accepts_real_jpeg_png_and_webp(kind, media_type):
    info = check_image(image_bytes(kind, (300, 200))).info
    assert (info.media_type, info.width, info.height) == (media_type, 300, 200)


def test_sniffing_reports_the_upright_size_of_a_rotated_jpeg():
    exif = Image.Exif()
    exif[0x0112] = 6
    assert check_image(image_bytes("JPEG", (300, 200), exif=exif.tobytes())).info.width == 200


@pytest.mark.parametrize(
    "data",
    [
        b"hello, this is text and not a photo",
        b"\x89PNG\r\n\x1a\n" + b"junk" * 200,
        image_bytes("JPEG")[:1500],
        image_bytes("GIF"),
        image_bytes("BMP"),
        b"",
    ],
    ids=["text", "png-header-then-junk", "truncated-jpeg", "gif", "bmp", "empty"],
)
def test_sniffing_rejects_what_is_not_a_jpeg_png_or_webp(data):
    with pytest.raises(NotAPhoto):
        check_image(data)


@pytest.mark.parametrize("side", [20000, 10000], ids=["pillow-error", "pillow-warning"])
def test_sniffing_rejects_a_decompression_bomb(side):
    bomb = png_declaring(side, side)
    assert len(bomb) < 200_000
    with pytest.raises(TooManyPixels):
        check_image(bomb)


def test_a_50_megapixel_phone_photo_passes_and_52_megapixels_do_not():
    assert check_image(png_declaring(8160, 6120)).info.width == 8160
    with pytest.raises(TooManyPixels):
        check_image(png_declaring(8400, 6250))


def test_thumbnail_is_a_jpeg_at_most_320_px_wide_and_keeps_the_shape():
    thumb = Image.open(io.BytesIO(make_thumbnail(image_bytes("PNG", (1600, 800), mode="RGBA"))))
    assert (thumb.format, thumb.size) == ("JPEG", (320, 160))


def test_thumbnail_turns_the_photo_upright():
    exif = Image.Exif()
    exif[0x0112] = 6
    thumb = Image.open(io.BytesIO(make_thumbnail(image_bytes("JPEG", (1200, 800), exif=exif.tobytes()))))
    assert thumb.size == (320, 480)


def test_store_writes_atomically_and_leaves_no_temp_files(store):
    assert store.write("ab" * 32, b"bytes")
    assert b"".join(store.open("ab" * 32)) == b"bytes"
    assert [p.name for p in store.path("ab" * 32).parent.iterdir()] == ["ab" * 32]


def test_whole_put_stores_once_and_then_answers_already_stored(session, store):
    data = image_bytes()
    first = put_whole(session, store, sha_of(data), data, UPLOADER, set())
    written = store.path(sha_of(data)).stat()
    second = put_whole(session, store, sha_of(data), data, UPLOADER, set())
    # Someone who cannot see the blob gets "stored" too: its existence is not revealed to them.
    stranger = put_whole(session, store, sha_of(data), data, OTHER, set())
    again = store.path(sha_of(data)).stat()
    assert (first.created, second.created, stranger.created) == (True, False, True)
    assert first.blob["media_type"] == "image/jpeg" and stranger.blob["uploaded_by"] == UPLOADER
    assert (again.st_ino, again.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    assert fetched(store, read(session, store, sha_of(data), OTHER, set(), None)) == data


def test_whole_put_checks_size_then_hash_then_type(session, store):
    text = b"not an image"
    big = b"x" * (MAX_BYTES + 1)
    assert code_of(lambda: put_whole(session, store, "0" * 64, big, UPLOADER, set()))[:2] == (
        413,
        "too_large",
    )
    assert code_of(lambda: put_whole(session, store, "0" * 64, text, UPLOADER, set()))[:2] == (
        400,
        "hash_mismatch",
    )
    assert (
        code_of(lambda: put_whole(session, store, "NOT-A-SHA", text, UPLOADER, set()))[1] == "hash_mismatch"
    )
    assert code_of(lambda: put_whole(session, store, sha_of(text), text, UPLOADER, set()))[:2] == (
        415,
        "unsupported_media",
    )
    assert not store.has(sha_of(text))


def test_a_file_without_a_row_is_reused_not_rewritten(session, store):
    data = image_bytes()
    store.write(sha_of(data), data)
    before = store.path(sha_of(data)).stat()
    assert put_whole(session, store, sha_of(data), data, UPLOADER, set()).created
    assert store.path(sha_of(data)).stat().st_ino == before.st_ino


def test_resumable_upload_goes_chunk_by_chunk_then_stores(session, store):
    data = image_bytes("PNG", (400, 300))
    sha, total, cut = sha_of(data), len(data), len(data) // 2
    first = put_chunk(session, store, sha, f"bytes 0-{cut - 1}/{total}", data[:cut], UPLOADER, set())
    assert first == Progress(cut)
    assert head(session, store, sha, UPLOADER, set()) == (False, cut)
    assert head(session, store, sha, OTHER, set()) == (False, None)
    last = put_chunk(session, store, sha, f"bytes {cut}-{total - 1}/{total}", data[cut:], UPLOADER, set())
    assert last.created and b"".join(store.open(sha)) == data
    assert head(session, store, sha, UPLOADER, set()) == (True, None)
    assert store.partial_offset(sha, UPLOADER) is None


def test_a_chunk_at_the_wrong_offset_gets_the_held_offset(session, store):
    data = image_bytes()
    sha, total = sha_of(data), len(data)
    put_chunk(session, store, sha, f"bytes 0-99/{total}", data[:100], UPLOADER, set())
    status, code, extra = code_of(
        lambda: put_chunk(session, store, sha, f"bytes 50-149/{total}", data[50:150], UPLOADER, set())
    )
    assert (status, code, extra) == (409, "offset_mismatch", {"offset": 100})
    status, code, extra = code_of(
        lambda: put_chunk(session, store, sha, f"bytes 10-19/{total}", data[10:20], OTHER, set())
    )
    assert (code, extra) == ("offset_mismatch", {"offset": 0})


def test_a_retried_last_chunk_finishes_an_upload_left_complete_by_a_crash(session, store):
    data = image_bytes()
    sha, total = sha_of(data), len(data)
    store.append_partial(sha, UPLOADER, 0, data)
    last = put_chunk(session, store, sha, f"bytes 100-{total - 1}/{total}", data[100:], UPLOADER, set())
    assert last.created and b"".join(store.open(sha)) == data
    again = put_chunk(session, store, sha, f"bytes 100-{total - 1}/{total}", data[100:], UPLOADER, set())
    assert not again.created


def test_an_upload_longer_than_its_total_starts_over(session, store):
    data = image_bytes()
    sha, total = sha_of(data), len(data)
    store.append_partial(sha, UPLOADER, 0, data + b"extra")
    status, code, extra = code_of(
        lambda: put_chunk(session, store, sha, f"bytes 0-{total - 1}/{total}", data, UPLOADER, set())
    )
    assert (status, code, extra) == (409, "offset_mismatch", {"offset": 0})
    assert put_chunk(session, store, sha, f"bytes 0-{total - 1}/{total}", data, UPLOADER, set()).created


def test_a_failed_final_check_discards_the_partial_upload(session, store):
    data = b"\x89PNG\r\n\x1a\nplain text after a PNG signature"
    sha, total = sha_of(data), len(data)
    put_chunk(session, store, sha, f"bytes 0-9/{total}", data[:10], UPLOADER, set())
    status, code, _ = code_of(
        lambda: put_chunk(session, store, sha, f"bytes 10-{total - 1}/{total}", data[10:], UPLOADER, set())
    )
    assert (status, code) == (415, "unsupported_media")
    assert head(session, store, sha, UPLOADER, set()) == (False, None)


@pytest.mark.parametrize(
    ("header", "status", "code"),
    [
        ("bytes 0-9", 400, "malformed"),
        ("bytes 9-0/100", 400, "malformed"),
        ("bytes 0-9/5", 400, "malformed"),
        ("items 0-9/100", 400, "malformed"),
        (f"bytes 0-9/{MAX_BYTES + 1}", 413, "too_large"),
    ],
)
def test_a_bad_content_range_is_refused(session, store, header, status, code):
    assert code_of(lambda: put_chunk(session, store, "a" * 64, header, b"0123456789", UPLOADER, set()))[
        :2
    ] == (
        status,
        code,
    )


def test_read_is_for_the_uploader_and_readers_of_a_referencing_scope(session, store):
    data = image_bytes()
    sha = save_blob(session, store, data, UPLOADER)
    assert fetched(store, read(session, store, sha, UPLOADER, set(), None)) == data
    assert code_of(lambda: read(session, store, sha, OTHER, {"enterprise:a"}, None))[:2] == (404, "not_found")
    session.execute(
        insert(tables.blob_refs).values(sha256=sha, scope="enterprise:a", entity="hazard", entity_id="h-1")
    )
    found = read(session, store, sha, OTHER, {"enterprise:a"}, None)
    assert (fetched(store, found), found.media_type, found.etag) == (data, "image/jpeg", sha)
    assert code_of(lambda: read(session, store, sha, OTHER, {"enterprise:b"}, None))[0] == 404
    assert code_of(lambda: read(session, store, "../" * 20, UPLOADER, set(), None))[0] == 404


def test_thumbnail_variant_is_derived_once_and_cached(session, store):
    sha = save_blob(session, store, image_bytes("JPEG", (1280, 960)), UPLOADER)
    thumb = read(session, store, sha, UPLOADER, set(), "thumb")
    assert thumb.media_type == "image/jpeg" and Image.open(io.BytesIO(fetched(store, thumb))).width == 320
    assert store.read_variant(sha, "thumb") == fetched(store, thumb)
    assert code_of(lambda: read(session, store, sha, UPLOADER, set(), "huge"))[:2] == (400, "invalid")


def test_save_blob_validates_the_image(session, store):
    assert code_of(lambda: save_blob(session, store, b"text", UPLOADER))[1] == "unsupported_media"
    data = image_bytes("WEBP")
    assert save_blob(session, store, data, UPLOADER) == save_blob(session, store, data, OTHER) == sha_of(data)
