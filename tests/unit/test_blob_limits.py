"""Bounded memory and disk for blobs: pixel cap, few decodes at once, thumbnails made once, partials swept."""

from __future__ import annotations

import io
import os
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image, ImageFile
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from sync import SyncError, metadata, tables
from sync.blobs import LocalBlobStore, open_found, put_chunk, put_whole, read, save_blob, sweep_partials
from sync.decode_budget import DecodeBudget, DecodersBusy

from .test_blobs import UPLOADER, image_bytes, png_declaring, sha_of

# The fixed "now" of the sweep tests; partial files get their modification time from it.
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'blobs.db'}", connect_args={"timeout": 30})
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(tmp_path):
    return LocalBlobStore(tmp_path / "blobs")


@pytest.fixture
def decodes(monkeypatch):
    """Count Pillow's decodes and the most that ran at once; each takes 0.2 s."""
    seen = {"calls": 0, "running": 0, "most": 0}
    lock = threading.Lock()
    real_load = ImageFile.ImageFile.load

    def slow_load(image):
        if not image.tile:
            return real_load(image)
        with lock:
            seen["calls"] += 1
            seen["running"] += 1
            seen["most"] = max(seen["most"], seen["running"])
        try:
            time.sleep(0.2)
            return real_load(image)
        finally:
            with lock:
                seen["running"] -= 1

    monkeypatch.setattr(ImageFile.ImageFile, "load", slow_load)
    return seen


def in_threads(count: int, work) -> list:
    """Run work(index) in count threads at once; return results (or raised exceptions) in order."""
    results: list = [None] * count
    start = threading.Barrier(count)

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = work(index)
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_a_pixel_bomb_is_refused_by_its_header_and_nothing_is_stored(engine, store, decodes):
    bomb = png_declaring(8400, 6250)  # 52.5 Mpx in 54 KB
    with Session(engine) as session, pytest.raises(SyncError) as caught:
        put_whole(session, store, sha_of(bomb), bomb, UPLOADER, set())
    assert (caught.value.status, caught.value.code) == (413, "image_too_large")
    assert "像素" in caught.value.message.zh
    assert decodes["calls"] == 0
    assert not store.has(sha_of(bomb)) and store.read_variant(sha_of(bomb), "thumb") is None
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(tables.blobs)) == 0


def test_parallel_uploads_decode_at_most_two_images_at_once(engine, store, decodes):
    photos = [image_bytes("PNG", (400, 300 + index)) for index in range(6)]

    def upload(index: int):
        with Session(engine) as session:
            return put_whole(session, store, sha_of(photos[index]), photos[index], UPLOADER, set()).created

    assert in_threads(6, upload) == [True] * 6
    assert decodes["most"] == 2


def test_decodes_that_would_overdraw_the_byte_budget_run_one_after_the_other():
    budget, running, most = DecodeBudget(slots=4, budget=100), [0], [0]

    def decode(_index: int) -> None:
        with budget.hold(60):
            running[0] += 1
            most[0] = max(most[0], running[0])
            time.sleep(0.05)
            running[0] -= 1

    in_threads(3, decode)
    assert most[0] == 1 and (budget.active, budget.held) == (0, 0)


def test_a_decode_that_finds_no_slot_in_time_is_busy():
    budget = DecodeBudget(slots=1)
    with budget.hold(10), pytest.raises(DecodersBusy), budget.hold(10, wait_seconds=0.05):
        pass
    assert (budget.active, budget.held) == (0, 0)


def test_the_thumbnail_is_made_by_the_upload_and_never_decoded_again(engine, store, decodes):
    photo = image_bytes("JPEG", (1600, 1200))
    with Session(engine) as session:
        put_whole(session, store, sha_of(photo), photo, UPLOADER, set())
        after_upload = decodes["calls"]
        thumbs = [read(session, store, sha_of(photo), UPLOADER, set(), "thumb") for _ in range(3)]
        thumb = b"".join(open_found(store, thumbs[0]))
    assert after_upload == 1 and decodes["calls"] == 1
    assert Image.open(io.BytesIO(thumb)).size == (320, 240)


def test_a_missing_thumbnail_is_made_once_for_concurrent_readers(engine, store, decodes):
    with Session(engine) as session:
        sha = save_blob(session, store, image_bytes("PNG", (1600, 1200)), UPLOADER)
        session.commit()
    store._variant(sha, "thumb").unlink(missing_ok=True)  # as stored before uploads made thumbnails
    before = decodes["calls"]

    def get_thumb(_index: int) -> bytes:
        with Session(engine) as session:
            return b"".join(open_found(store, read(session, store, sha, UPLOADER, set(), "thumb")))

    thumbs = in_threads(4, get_thumb)
    assert decodes["calls"] - before == 1
    assert len(set(thumbs)) == 1 and store.read_variant(sha, "thumb") == thumbs[0]


def start_partial(session, store, user: str, size: int, total: int) -> str:
    """Hold `size` bytes of a resumable PNG upload of `total` bytes; return its sha."""
    head = b"\x89PNG\r\n\x1a\n" + os.urandom(size - 8)
    sha = sha_of(head + bytes(total - size))
    put_chunk(session, store, sha, f"bytes 0-{size - 1}/{total}", head, user, set())
    return sha


def test_partials_untouched_for_24_hours_are_swept_and_younger_ones_kept(engine, store):
    with Session(engine) as session:
        old, young = (start_partial(session, store, UPLOADER, 1000, 5000) for _ in range(2))
    for sha, age in ((old, timedelta(hours=24, seconds=1)), (young, timedelta(hours=23, minutes=59))):
        written = (NOW - age).timestamp()
        os.utime(store._partial(sha, UPLOADER), (written, written))
    assert sweep_partials(store, NOW) == (1, 1000)
    assert store.partial_offset(old, UPLOADER) is None
    assert store.partial_offset(young, UPLOADER) == 1000
    assert sweep_partials(store, NOW + timedelta(minutes=2)) == (1, 1000)
    assert sweep_partials(store, NOW + timedelta(days=2)) == (0, 0)


def test_a_chunk_past_the_users_32_mib_of_partials_is_refused_and_changes_nothing(engine, store):
    nine_mib = 9 * 1024 * 1024
    with Session(engine) as session:
        held = [start_partial(session, store, UPLOADER, nine_mib, nine_mib + 10) for _ in range(3)]
        with pytest.raises(SyncError) as caught:
            start_partial(session, store, UPLOADER, nine_mib, nine_mib + 10)
        assert (caught.value.status, caught.value.code) == (409, "too_many_partial_uploads")
        assert "未完成" in caught.value.message.zh
        assert store.partial_bytes(UPLOADER) == 3 * nine_mib
        assert start_partial(session, store, "u-other", nine_mib, nine_mib + 10)
        # Finishing one frees its share: the next upload fits again.
        store.discard_partial(held[0], UPLOADER)
        assert start_partial(session, store, UPLOADER, nine_mib, nine_mib + 10)


def test_a_resumable_upload_that_does_not_start_like_an_image_is_refused_at_once(engine, store):
    with Session(engine) as session, pytest.raises(SyncError) as caught:
        put_chunk(session, store, "a" * 64, "bytes 0-9/1000", b"plain text", UPLOADER, set())
    assert (caught.value.status, caught.value.code) == (415, "unsupported_media")
    assert store.partial_offset("a" * 64, UPLOADER) is None
