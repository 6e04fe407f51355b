"""Blob bytes as files under a folder, by hash: atomic writes, resumable partial uploads, cached variants."""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SAFE_NAME = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
PARTIAL_NAME = re.compile(r"^[0-9a-f]{64}\.[0-9A-Za-z_-]{1,64}$")


class LocalBlobStore:
    """Blobs as files under a folder by hash; partial uploads per (sha, user); cached variants."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, sha: str) -> Path:
        """Return where a blob's bytes live."""
        return self.root / sha[:2] / sha[2:4] / sha

    def has(self, sha: str) -> bool:
        """Tell whether the bytes are on disk."""
        return self.path(sha).is_file()

    def read(self, sha: str) -> bytes:
        """Return a blob's bytes."""
        return self.path(sha).read_bytes()

    def write(self, sha: str, data: bytes) -> None:
        """Write a blob atomically: a reader sees all of it or none."""
        _write_atomic(self.path(sha), data)

    def read_variant(self, sha: str, variant: str) -> bytes | None:
        """Return a cached derived file, or None."""
        path = self._variant(sha, variant)
        return path.read_bytes() if path.is_file() else None

    def write_variant(self, sha: str, variant: str, data: bytes) -> None:
        """Cache a derived file."""
        _write_atomic(self._variant(sha, variant), data)

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

    def read_partial(self, sha: str, user_id: str) -> bytes:
        """Return the bytes of a user's resumable upload."""
        return self._partial(sha, user_id).read_bytes()

    def promote_partial(self, sha: str, user_id: str) -> None:
        """Make a finished, verified upload the blob (or drop it when the blob is already there)."""
        if self.has(sha):
            self.discard_partial(sha, user_id)
            return
        self.path(sha).parent.mkdir(parents=True, exist_ok=True)
        os.replace(self._partial(sha, user_id), self.path(sha))

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


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
