"""The blob store contract, run on local disk and on a real S3 server: every store keeps every promise.

`hosts` makes stores that share one storage (two LocalBlobStore objects on one folder, or two boto3 clients
on one bucket): what one host wrote, the other answers for, as several web hosts do.
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
import time
import tracemalloc

import pytest

from sync.blob_contract import READ_CHUNK
from sync.blob_store import LocalBlobStore
from sync.blob_store_s3 import PART_SIZE, S3BlobStore

from ..s3_server import client_for, s3_store

MIB = 1024 * 1024
SHA, OTHER_SHA = "ab" * 32, "cd" * 32
USER, OTHER = "u-1", "u-2"


@pytest.fixture(params=["local", "s3"])
def hosts(request, tmp_path):
    """Return a maker of stores on one shared storage."""
    if request.param == "local":
        return lambda: LocalBlobStore(tmp_path / "blobs")
    endpoint, bucket = request.getfixturevalue("s3_endpoint"), request.getfixturevalue("s3_bucket")
    return lambda: s3_store(endpoint, bucket)


@pytest.fixture
def store(hosts):
    return hosts()


def sha_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def version(store, sha: str) -> tuple:
    """Return what changes when an object is written again (inode and time, or ETag and time)."""
    if isinstance(store, LocalBlobStore):
        status = store.path(sha).stat()
        return status.st_ino, status.st_mtime_ns
    head = store.client.head_object(Bucket=store.bucket, Key=store.key(sha))
    return head["ETag"], head["LastModified"]


def upload(hosts_in_turn, sha: str, user: str, data: bytes, sizes: list[int]) -> list[tuple[bool, int]]:
    """Append data in chunks of the given sizes, each through the next host in turn; return the answers."""
    answers, at = [], 0
    for index, size in enumerate(sizes):
        host = hosts_in_turn[index % len(hosts_in_turn)]
        answers.append(host.append_partial(sha, user, at, data[at : at + size]))
        at += size
    return answers


def store_clock(store) -> float:
    """Read the store's own clock, which ages uploads: a new file's mtime, or a new object's LastModified.

    Not time.time(): the kernel and the S3 server keep their own time (tests/timeshift moves only Python's).
    """
    if isinstance(store, LocalBlobStore):
        store.root.mkdir(parents=True, exist_ok=True)
        probe = store.root / ".clock-probe"
        probe.write_bytes(b"")
        try:
            return probe.stat().st_mtime
        finally:
            probe.unlink()
    key = f"{store.prefix}/.clock-probe" if store.prefix else ".clock-probe"
    store.client.put_object(Bucket=store.bucket, Key=key, Body=b"")
    try:
        return store.client.head_object(Bucket=store.bucket, Key=key)["LastModified"].timestamp()
    finally:
        store.client.delete_object(Bucket=store.bucket, Key=key)


def next_second(store) -> float:
    """Wait until the store's clock passes a whole second; return it (S3 keeps object times to the second)."""
    now = store_clock(store)
    cut = math.floor(now) + 1
    time.sleep(cut - now + 0.02)
    return cut


def test_a_written_blob_is_there_and_streams_back_in_bounded_chunks(store):
    data = os.urandom(300 * 1024)
    assert store.write(sha_of(data), data) is True
    assert store.has(sha_of(data)) and store.size(sha_of(data)) == len(data)
    with store.open(sha_of(data)) as stream:
        chunks = list(stream)
    assert stream.size == len(data) and b"".join(chunks) == data
    assert max(len(chunk) for chunk in chunks) <= READ_CHUNK


def test_an_absent_blob_is_not_there_and_opening_it_is_file_not_found(store):
    assert (store.has(SHA), store.size(SHA)) == (False, None)
    with pytest.raises(FileNotFoundError):
        store.open(SHA)


def test_a_blob_is_never_written_twice(hosts):
    first, second = hosts(), hosts()
    assert first.write(SHA, b"first bytes") is True
    before = version(first, SHA)
    time.sleep(1.05)  # a rewrite would show in the time, kept to the second by S3
    assert second.write(SHA, b"other bytes") is False
    assert version(first, SHA) == before and b"".join(first.open(SHA)) == b"first bytes"


def test_variants_are_stored_beside_their_blob_once(store):
    store.write(SHA, b"the photo")
    assert store.read_variant(SHA, "thumb") is None
    with pytest.raises(FileNotFoundError):
        store.open_variant(SHA, "thumb")
    assert store.write_variant(SHA, "thumb", b"small") is True
    assert store.write_variant(SHA, "thumb", b"other") is False
    assert store.read_variant(SHA, "thumb") == b"small" == b"".join(store.open_variant(SHA, "thumb"))
    assert b"".join(store.open(SHA)) == b"the photo" and store.size(SHA) == len(b"the photo")


@pytest.mark.parametrize(
    "sizes",
    [[MIB] * 5 + [2 * MIB], [5 * MIB + 1, MIB, 1000], [4000, 3000]],
    ids=["small-chunks-joined-into-parts", "a-part-sized-chunk-first", "two-small-chunks"],
)
def test_a_resumable_upload_alternates_hosts_then_becomes_the_blob(hosts, sizes):
    one, two = hosts(), hosts()
    data = os.urandom(sum(sizes))
    sha = sha_of(data)
    answers = upload([one, two], sha, USER, data, sizes)
    ends = [sum(sizes[: index + 1]) for index in range(len(sizes))]
    assert answers == [(True, end) for end in ends]
    assert one.partial_offset(sha, USER) == two.partial_offset(sha, USER) == len(data)
    assert two.partial_bytes(USER) == len(data)
    with one.open_partial(sha, USER) as stream:
        assert stream.size == len(data) and sha_of(b"".join(stream)) == sha
    two.promote_partial(sha, USER)
    assert one.has(sha) and b"".join(one.open(sha)) == data
    assert (one.partial_offset(sha, USER), one.partial_bytes(USER)) == (None, 0)


def test_a_chunk_at_the_wrong_offset_is_refused_and_changes_nothing(hosts):
    one, two = hosts(), hosts()
    data = os.urandom(3000)
    assert one.append_partial(SHA, USER, 0, data[:1000]) == (True, 1000)
    for start in (500, 1500, 0):
        assert two.append_partial(SHA, USER, start, data[start : start + 700]) == (False, 1000)
    assert one.partial_offset(SHA, USER) == 1000 and one.partial_bytes(USER) == 1000
    assert b"".join(two.open_partial(SHA, USER)) == data[:1000]
    assert two.append_partial(OTHER_SHA, USER, 10, b"x" * 10) == (False, 0)
    assert two.partial_offset(OTHER_SHA, USER) is None and one.partial_bytes(USER) == 1000


def test_hosts_racing_at_one_offset_append_once(hosts):
    stores = [hosts() for _ in range(4)]
    start = threading.Barrier(len(stores))
    answers: list = [None] * len(stores)

    def append(index: int) -> None:
        start.wait()
        answers[index] = stores[index].append_partial(SHA, USER, 0, bytes([index]) * (100 + index))

    threads = [threading.Thread(target=append, args=(index,)) for index in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [index for index, (appended, _offset) in enumerate(answers) if appended]
    assert len(winners) == 1
    held = 100 + winners[0]
    assert stores[0].partial_offset(SHA, USER) == held and stores[0].partial_bytes(USER) == held
    assert b"".join(stores[1].open_partial(SHA, USER)) == bytes([winners[0]]) * held


def test_partial_totals_are_per_user_and_discard_forgets_one_upload(store):
    store.append_partial(SHA, USER, 0, b"a" * 1000)
    store.append_partial(OTHER_SHA, USER, 0, b"b" * 500)
    store.append_partial(SHA, OTHER, 0, b"c" * 300)
    assert (store.partial_bytes(USER), store.partial_bytes(OTHER), store.partial_bytes("u-3")) == (
        1500,
        300,
        0,
    )
    store.discard_partial(SHA, USER)
    assert (store.partial_offset(SHA, USER), store.partial_offset(SHA, OTHER)) == (None, 300)
    assert (store.partial_bytes(USER), store.partial_bytes(OTHER)) == (500, 300)
    with pytest.raises(FileNotFoundError):
        store.open_partial(SHA, USER)


def test_promoting_onto_a_stored_blob_leaves_it_and_drops_the_upload(store):
    store.write(SHA, b"stored first")
    before = version(store, SHA)
    store.append_partial(SHA, USER, 0, b"uploaded later")
    store.promote_partial(SHA, USER)
    assert version(store, SHA) == before and b"".join(store.open(SHA)) == b"stored first"
    assert store.partial_offset(SHA, USER) is None


def test_a_user_id_unfit_for_a_name_is_refused(store):
    for call in (
        lambda: store.append_partial(SHA, "../x", 0, b"x"),
        lambda: store.partial_bytes("a/b"),
        lambda: store.user_partials_lock("a b").__enter__(),
    ):
        with pytest.raises(ValueError):
            call()


def test_sweep_deletes_uploads_untouched_since_a_time_and_keeps_the_others(store):
    store.append_partial(SHA, USER, 0, b"s" * 700)
    cut = next_second(store)
    store.append_partial(OTHER_SHA, OTHER, 0, b"f" * 400)
    assert store.sweep_partials(older_than=cut) == (1, 700)
    assert (store.partial_offset(SHA, USER), store.partial_offset(OTHER_SHA, OTHER)) == (None, 400)
    assert store.sweep_partials(older_than=cut) == (0, 0)
    assert store.sweep_partials(older_than=store_clock(store) + 3600) == (1, 400)
    assert store.partial_bytes(OTHER) == 0


def test_sweep_aborts_a_multipart_upload_a_dead_host_left(s3_endpoint, s3_bucket):
    store = s3_store(s3_endpoint, s3_bucket)
    store.client.create_multipart_upload(Bucket=s3_bucket, Key=store.key(SHA))
    # moto reports every upload as begun in 2010, so that a fresh one is kept is not shown here.
    assert len(store.client.list_multipart_uploads(Bucket=s3_bucket).get("Uploads", [])) == 1
    assert store.sweep_partials(older_than=time.time() + 3600) == (1, 0)
    assert store.client.list_multipart_uploads(Bucket=s3_bucket).get("Uploads", []) == []
    assert not store.has(SHA)


def test_check_passes_on_a_working_store_and_raises_on_a_broken_one(store, tmp_path):
    store.check()
    if isinstance(store, LocalBlobStore):
        (tmp_path / "a-file").write_bytes(b"")
        broken = LocalBlobStore(tmp_path / "a-file")
    else:
        broken = S3BlobStore(client_for(store.client.meta.endpoint_url), "no-such-bucket-here", "p")
    with pytest.raises(Exception):  # noqa: B017 (whatever the store raises: the health check reports it)
        broken.check()


def test_reading_a_20_mib_blob_holds_a_small_part_of_it(store):
    data = os.urandom(20 * MIB)
    sha = sha_of(data)
    store.write(sha, data)
    del data
    digest = hashlib.sha256()
    tracemalloc.start()
    try:
        with store.open(sha) as stream:
            for chunk in stream:
                digest.update(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert digest.hexdigest() == sha
    assert peak < 2 * MIB, f"peak {peak / MIB:.1f} MiB"


def test_finishing_a_20_mib_upload_holds_at_most_a_part_in_memory(hosts):
    one, two = hosts(), hosts()
    data = os.urandom(20 * MIB)
    sha = sha_of(data)
    upload([one, two], sha, USER, data, [MIB] * 20)
    del data
    digest = hashlib.sha256()
    tracemalloc.start()
    try:
        for chunk in two.open_partial(sha, USER):
            digest.update(chunk)
        one.promote_partial(sha, USER)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert digest.hexdigest() == sha and one.size(sha) == 20 * MIB
    assert peak < PART_SIZE + 3 * MIB, f"peak {peak / MIB:.1f} MiB"
