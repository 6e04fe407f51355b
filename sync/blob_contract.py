"""The one contract every blob store keeps (local disk, S3): its methods, and the stream its reads return."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Protocol

# Bytes a read hands on at a time: a blob is never held whole to be served or hashed.
READ_CHUNK = 64 * 1024


class BlobStream:
    """A blob's bytes as chunks, read one at a time: iterate once; closing (or the end) frees the source."""

    def __init__(self, size: int, chunks: Iterable[bytes], close: Callable[[], None] = lambda: None):
        self.size = size
        self._chunks = chunks
        self._close = close
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._chunks
        finally:
            self.close()

    def close(self) -> None:
        """Release the file or connection behind the stream (WSGI servers call it after the answer)."""
        if not self._closed:
            self._closed = True
            self._close()

    def __enter__(self) -> BlobStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class BlobStore(Protocol):
    """What sync/blobs.py asks of a store; LocalBlobStore and S3BlobStore pass one contract suite."""

    def check(self) -> None:
        """Raise when the store cannot be written (health endpoint): cheap, one call."""

    def has(self, sha: str) -> bool:
        """Tell whether the bytes are stored."""

    def size(self, sha: str) -> int | None:
        """Return the stored length, or None."""

    def open(self, sha: str) -> BlobStream:
        """Stream a blob's bytes; FileNotFoundError when absent."""

    def write(self, sha: str, data: bytes) -> bool:
        """Store a blob once: True when this call stored it, False when it was there (left untouched)."""

    def read_variant(self, sha: str, variant: str) -> bytes | None:
        """Return a derived file (a thumbnail: small), or None."""

    def open_variant(self, sha: str, variant: str) -> BlobStream:
        """Stream a derived file; FileNotFoundError when absent."""

    def write_variant(self, sha: str, variant: str, data: bytes) -> bool:
        """Store a derived file beside its blob, once."""

    def variant_lock(self, sha: str) -> AbstractContextManager[None]:
        """Hold while a missing variant is made, so that it is made once where the store can lock."""

    def user_partials_lock(self, user_id: str) -> AbstractContextManager[None]:
        """Hold while a user's resumable-upload total is checked and grown."""

    def partial_bytes(self, user_id: str) -> int:
        """Return the bytes held by all of a user's resumable uploads."""

    def partial_offset(self, sha: str, user_id: str) -> int | None:
        """Return how many bytes of a user's resumable upload are held, or None when none is."""

    def append_partial(self, sha: str, user_id: str, start: int, chunk: bytes) -> tuple[bool, int]:
        """Append a chunk when it starts at the held offset; return (appended, offset now)."""

    def open_partial(self, sha: str, user_id: str) -> BlobStream:
        """Stream the bytes of a user's resumable upload; FileNotFoundError when none is held."""

    def promote_partial(self, sha: str, user_id: str) -> None:
        """Make a finished, verified upload the blob (or drop it when the blob is already there)."""

    def discard_partial(self, sha: str, user_id: str) -> None:
        """Forget a user's resumable upload."""

    def sweep_partials(self, older_than: float) -> tuple[int, int]:
        """Delete resumable uploads last written before a POSIX time; return (uploads, bytes) deleted."""
