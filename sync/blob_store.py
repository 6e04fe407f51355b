"""Blob bytes as files under a folder, by hash: write-once files, resumable uploads, cached variants."""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from .blob_contract import READ_CHUNK, BlobStream

SAFE_NAME = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
PARTIAL_NAME = re.compile(r"^[0-9a-f]{64}\.[0-9A-Za-z_-]{1,64}$")


class LocalBlobStore:
    """Blobs as files under a folder by hash; partial uploads per (sha, user); cached variants."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def check(self) -> None:
        """Raise unless a file can be created in the folder."""
        self.root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=self.root, prefix=".check-"):
            pass

    def path(self, sha: str) -> Path:
        """Return where a blob's bytes live."""
        return self.root / sha[:2] / sha[2:4] / sha

    def has(self, sha: str) -> bool:
        """Tell whether the bytes are on disk."""
        return self.path(sha).is_file()

    def size(self, sha: str) -> int | None:
        """Return the stored length, or None."""
        try:
            return self.path(sha).stat().st_size
        except FileNotFoundError:
            return None

    def open(self, sha: str) -> BlobStream:
        """Stream a blob's bytes; FileNotFoundError when absent."""
        return _stream(self.path(sha))

    def write(self, sha: str, data: bytes) -> bool:
        """Write a blob once, atomically: a reader sees all of it or none; an existing file is left alone."""
        return _write_once(self.path(sha), data)

    def read_variant(self, sha: str, variant: str) -> bytes | None:
        """Return a cached derived file, or None."""
        path = self._variant(sha, variant)
        return path.read_bytes() if path.is_file() else None

    def open_variant(self, sha: str, variant: str) -> BlobStream:
        """Stream a cached derived file; FileNotFoundError when absent."""
        return _stream(self._variant(sha, variant))

    def write_variant(self, sha: str, variant: str, data: bytes) -> bool:
        """Cache a derived file, once."""
        return _write_once(self._variant(sha, variant), data)

    @contextmanager
    def variant_lock(self, sha: str) -> Iterator[None]:
        """Hold a lock on a blob while its variant is made, so that it is made once (threads and hosts)."""
        with open(self.path(sha), "rb") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    @contextmanager
    def user_partials_lock(self, user_id: str) -> Iterator[None]:
        """Hold a lock on a user's resumable uploads: their total is checked and grown one at a time."""
        if not SAFE_NAME.match(user_id):
            raise ValueError("user id unfit for a file name")
        path = self.root / "partial" / f"{user_id}.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def partial_bytes(self, user_id: str) -> int:
        """Return the bytes held by all of a user's resumable uploads."""
        if not SAFE_NAME.match(user_id):
            raise ValueError("user id unfit for a file name")
        suffix = f".{user_id}"
        return sum(size for path, size, _mtime in self._partials() if path.name.endswith(suffix))

    def sweep_partials(self, older_than: float) -> tuple[int, int]:
        """Delete resumable uploads last written before a POSIX time; return (files, bytes) deleted."""
        files = size_sum = 0
        for path, size, mtime in self._partials():
            if mtime < older_than:
                path.unlink(missing_ok=True)
                files, size_sum = files + 1, size_sum + size
        return files, size_sum

    def partial_offset(self, sha: str, user_id: str) -> int | None:
        """Return how many bytes of a user's resumable upload are held, or None when none is."""
        path = self._partial(sha, user_id)
        return path.stat().st_size if path.is_file() else None

    def append_partial(self, sha: str, user_id: str, start: int, chunk: bytes) -> tuple[bool, int]:
        """Append a chunk when it starts at the held offset; return (appended, offset now)."""
        path = self._partial(sha, user_id)
        if start != 0 and not path.is_file():
            return False, 0
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab") as handle:
            # Two requests for the same upload must not both append at one offset.
            fcntl.flock(handle, fcntl.LOCK_EX)
            held = os.fstat(handle.fileno()).st_size
            if held != start:
                return False, held
            handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
            return True, held + len(chunk)

    def open_partial(self, sha: str, user_id: str) -> BlobStream:
        """Stream the bytes of a user's resumable upload; FileNotFoundError when none is held."""
        return _stream(self._partial(sha, user_id))

    def promote_partial(self, sha: str, user_id: str) -> None:
        """Make a finished, verified upload the blob (or drop it when the blob is already there)."""
        if not self.has(sha):
            self.path(sha).parent.mkdir(parents=True, exist_ok=True)
            # A link, not a rename: a blob another request stored meanwhile is never replaced.
            with suppress(FileExistsError):
                os.link(self._partial(sha, user_id), self.path(sha))
        self.discard_partial(sha, user_id)

    def discard_partial(self, sha: str, user_id: str) -> None:
        """Forget a user's resumable upload."""
        self._partial(sha, user_id).unlink(missing_ok=True)

    def _partials(self) -> Iterator[tuple[Path, int, float]]:
        try:
            entries = list(os.scandir(self.root / "partial"))
        except FileNotFoundError:
            return
        for entry in entries:
            if PARTIAL_NAME.match(entry.name):
                try:
                    status = entry.stat()
                except FileNotFoundError:
                    continue
                yield Path(entry.path), status.st_size, status.st_mtime

    def _partial(self, sha: str, user_id: str) -> Path:
        if not SAFE_NAME.match(user_id):
            raise ValueError("user id unfit for a file name")
        return self.root / "partial" / f"{sha}.{user_id}"

    def _variant(self, sha: str, variant: str) -> Path:
        return self.root / "derived" / sha[:2] / sha[2:4] / f"{sha}.{variant}"


def _stream(path: Path) -> BlobStream:
    handle = open(path, "rb")  # noqa: SIM115 (the stream closes it)
    return BlobStream(os.fstat(handle.fileno()).st_size, _chunks(handle), handle.close)


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    while chunk := handle.read(READ_CHUNK):
        yield chunk


def _write_once(target: Path, data: bytes) -> bool:
    """Write to a temporary file, then link it in: the link fails when the target exists (never replaced)."""
    if target.is_file():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.link(temp, target)
        return True
    except FileExistsError:
        return False
    finally:
        Path(temp).unlink(missing_ok=True)
