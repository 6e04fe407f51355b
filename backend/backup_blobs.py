"""Copy every stored photo (and its thumbnail) out of the blob store into a folder, and back in."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .backup_postgres import BackupError

VARIANTS = ("thumb",)


def blob_path(folder: Path, sha: str, variant: str | None = None) -> Path:
    """Return where a backup keeps a blob (or its variant): blobs/ab/cd/<sha>[.<variant>]."""
    name = f"{sha}.{variant}" if variant else sha
    return folder / "blobs" / sha[:2] / sha[2:4] / name


def copy_out(store, shas: Iterable[str], folder: Path) -> dict:
    """Write every listed blob and its stored variants under folder; return counts and each file's sha256."""
    files: dict[str, str] = {}
    count = size = variants = 0
    for sha in shas:
        target = blob_path(folder, sha)
        digest, written = write_file(target, chunks_of(store, sha))
        if digest != sha:
            raise BackupError(
                f"stored blob {sha} does not hash to its name (got {digest}): the store is damaged"
            )
        files[str(target.relative_to(folder))] = digest
        count, size = count + 1, size + written
        for variant in VARIANTS:
            data = store.read_variant(sha, variant)
            if data is not None:
                target = blob_path(folder, sha, variant)
                files[str(target.relative_to(folder))], _ = write_file(target, [data])
                variants += 1
    return {"count": count, "bytes": size, "variants": variants, "files": files}


def chunks_of(store, sha: str) -> Iterator[bytes]:
    """Yield a blob's bytes as the store streams them (never the whole photo at once where it can)."""
    if hasattr(store, "open"):
        with store.open(sha) as stream:
            yield from stream
    else:  # a store from before streamed reads
        yield store.read(sha)


def write_file(target: Path, chunks: Iterable[bytes]) -> tuple[str, int]:
    """Write chunks to target (fsynced); return their sha256 and length."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with open(target, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        handle.flush()
        os.fsync(handle.fileno())
    return digest.hexdigest(), size


def store_is_empty(store) -> bool:
    """Tell whether the store holds no object at all (one listing call on S3, a walk that stops early)."""
    client, bucket = getattr(store, "client", None), getattr(store, "bucket", None)
    if client is not None and bucket is not None:
        prefix = f"{store.prefix}/" if getattr(store, "prefix", "") else ""
        return client.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1).get("KeyCount", 0) == 0
    root = getattr(store, "root", None)
    if root is None:
        raise BackupError(f"cannot tell whether a {type(store).__name__} is empty")
    return not any(path.is_file() for path in Path(root).rglob("*") if not path.name.startswith(".check-"))


def copy_in(store, folder: Path, files: dict[str, str]) -> tuple[int, int]:
    """Write every blob and variant of a verified backup into the store; return (blobs, variants)."""
    blobs = variants = 0
    for relative in sorted(files):
        name = Path(relative).name
        data = (folder / relative).read_bytes()  # one photo, at most 10 MiB: the store writes whole objects
        sha, _, variant = name.partition(".")
        if variant:
            store.write_variant(sha, variant, data)
            variants += 1
        else:
            store.write(sha, data)
            blobs += 1
    return blobs, variants
