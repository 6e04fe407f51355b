"""Content-addressed photos of protocol.md: file store, image checks, whole and resumable uploads, reads."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import tables
from .blob_store import LocalBlobStore
from .images import ImageInfo, make_thumbnail, sniff_image
from .store import visible_blobs
from .types import SyncError, Text
from .wire import utc_now

MAX_BYTES = 10 * 1024 * 1024
VARIANTS = {"thumb": "image/jpeg"}
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
CONTENT_RANGE = re.compile(r"^bytes (\d{1,12})-(\d{1,12})/(\d{1,12})$")

TOO_LARGE = Text("文件超过 10 MiB", "The blob is larger than 10 MiB")
HASH_MISMATCH = Text("文件校验值不符", "The bytes do not match the SHA-256 in the URL")
UNSUPPORTED = Text("仅支持 JPEG、PNG、WebP 图片", "Only JPEG, PNG and WebP images are accepted")
MALFORMED_RANGE = Text("Content-Range 格式不正确", "Content-Range must be bytes <start>-<end>/<total>")
OFFSET_MISMATCH = Text("上传位置不符", "The chunk does not start at the stored offset")
NOT_FOUND = Text("不存在", "Not found")
BAD_VARIANT = Text("不支持的图片规格", "Unknown variant")


@dataclass(frozen=True)
class Stored:
    """A finished upload: whether this request stored it (201) or it was already there (200)."""

    created: bool
    blob: dict[str, Any]


@dataclass(frozen=True)
class Progress:
    """A resumable upload part-way (202): the offset the next chunk must start at."""

    offset: int


@dataclass(frozen=True)
class BlobBytes:
    """Bytes to answer a read with."""

    data: bytes
    media_type: str
    etag: str


def is_sha256(value: str) -> bool:
    """Tell whether a value is a lowercase hex SHA-256."""
    return bool(SHA256_HEX.match(value))


def head(
    session: Session, store: LocalBlobStore, sha: str, user_id: str, scopes: set[str]
) -> tuple[bool, int | None]:
    """Tell whether a blob is stored for this person and, when not, how far their resumable upload got.

    Bytes only another enterprise can see count as not stored: existence is not leaked across enterprises.
    """
    if not is_sha256(sha):
        return False, None
    if visible_blobs(session, [sha], user_id, scopes):
        return True, None
    return False, store.partial_offset(sha, user_id)


def put_whole(
    session: Session, store: LocalBlobStore, sha: str, data: bytes, user_id: str, scopes: set[str]
) -> Stored:
    """Store a whole body after the checks of protocol.md, in their order: size, hash, type."""
    if len(data) > MAX_BYTES:
        raise SyncError(413, "too_large", TOO_LARGE)
    _check_hash(sha, data)
    existing = _row(session, sha)
    if existing is not None and visible_blobs(session, [sha], user_id, scopes):
        return Stored(False, existing)
    info = _check_image(data)
    if not store.has(sha):
        store.write(sha, data)
    return _commit_row(session, sha, len(data), info, user_id)


def put_chunk(
    session: Session,
    store: LocalBlobStore,
    sha: str,
    content_range: str,
    chunk: bytes,
    user_id: str,
    scopes: set[str],
) -> Stored | Progress:
    """Append one chunk of a resumable upload; verify and store the whole after the last one."""
    start, end, total = _parse_range(content_range)
    if total > MAX_BYTES:
        raise SyncError(413, "too_large", TOO_LARGE)
    if len(chunk) != end - start + 1:
        raise SyncError(400, "malformed", MALFORMED_RANGE, fields={"Content-Range": ["body length differs"]})
    if not is_sha256(sha):
        raise SyncError(400, "hash_mismatch", HASH_MISMATCH)
    existing = _row(session, sha)
    if existing is not None and visible_blobs(session, [sha], user_id, scopes):
        store.discard_partial(sha, user_id)
        return Stored(False, existing)
    appended, offset = store.append_partial(sha, user_id, start, chunk)
    if offset > total:
        # Bytes a sha names have one length; a longer upload can never finish, so it starts over.
        store.discard_partial(sha, user_id)
        raise SyncError(409, "offset_mismatch", OFFSET_MISMATCH, offset=0)
    if not appended and offset != total:
        raise SyncError(409, "offset_mismatch", OFFSET_MISMATCH, offset=offset)
    if offset < total:
        return Progress(offset)
    # Complete (now, or before a crash or a lost answer): verify the whole like a whole PUT.
    try:
        data = store.read_partial(sha, user_id)
    except FileNotFoundError:
        existing = _row(session, sha)
        if existing is None or not visible_blobs(session, [sha], user_id, scopes):
            raise SyncError(409, "offset_mismatch", OFFSET_MISMATCH, offset=0) from None
        return Stored(False, existing)
    try:
        _check_hash(sha, data)
        info = _check_image(data)
    except SyncError:
        store.discard_partial(sha, user_id)
        raise
    store.promote_partial(sha, user_id)
    return _commit_row(session, sha, len(data), info, user_id)


def read(
    session: Session, store: LocalBlobStore, sha: str, user_id: str, scopes: set[str], variant: str | None
) -> BlobBytes:
    """Return a blob (or its variant) to its uploader or a reader of a scope referencing it; else 404."""
    if variant is not None and variant not in VARIANTS:
        raise SyncError(
            400, "invalid", BAD_VARIANT, fields={"variant": [f"must be one of {sorted(VARIANTS)}"]}
        )
    row = _row(session, sha) if is_sha256(sha) else None
    if row is None or not visible_blobs(session, [sha], user_id, scopes):
        raise SyncError(404, "not_found", NOT_FOUND)
    if variant is None:
        return BlobBytes(store.read(sha), row["media_type"], sha)
    derived = store.read_variant(sha, variant)
    if derived is None:
        derived = make_thumbnail(store.read(sha))
        store.write_variant(sha, variant, derived)
    return BlobBytes(derived, VARIANTS[variant], f"{sha}-{variant}")


def save_blob(session: Session, store: LocalBlobStore, data: bytes, uploaded_by: str) -> str:
    """Store an image and its row without committing (seeding); return its sha256."""
    if len(data) > MAX_BYTES:
        raise SyncError(413, "too_large", TOO_LARGE)
    sha = hashlib.sha256(data).hexdigest()
    info = _check_image(data)
    if _row(session, sha) is None:
        if not store.has(sha):
            store.write(sha, data)
        session.execute(insert(tables.blobs).values(_row_values(sha, len(data), info, uploaded_by)))
    _add_holder(session, sha, uploaded_by)
    return sha


def _check_hash(sha: str, data: bytes) -> None:
    if not is_sha256(sha) or hashlib.sha256(data).hexdigest() != sha:
        raise SyncError(400, "hash_mismatch", HASH_MISMATCH)


def _check_image(data: bytes) -> ImageInfo:
    info = sniff_image(data)
    if info is None:
        raise SyncError(415, "unsupported_media", UNSUPPORTED)
    return info


def _parse_range(header: str) -> tuple[int, int, int]:
    match = CONTENT_RANGE.match(header.strip())
    if match is None:
        raise SyncError(
            400, "malformed", MALFORMED_RANGE, fields={"Content-Range": ["bytes <start>-<end>/<total>"]}
        )
    start, end, total = (int(group) for group in match.groups())
    if not start <= end < total:
        raise SyncError(
            400, "malformed", MALFORMED_RANGE, fields={"Content-Range": ["needs start <= end < total"]}
        )
    return start, end, total


def _row(session: Session, sha: str) -> dict[str, Any] | None:
    row = session.execute(select(tables.blobs).where(tables.blobs.c.sha256 == sha)).mappings().first()
    return dict(row) if row is not None else None


def _row_values(sha: str, size: int, info: ImageInfo, uploaded_by: str) -> dict[str, Any]:
    return {
        "sha256": sha,
        "size": size,
        "media_type": info.media_type,
        "width": info.width,
        "height": info.height,
        "uploaded_by": uploaded_by,
        "created_at": utc_now(),
    }


def _add_holder(session: Session, sha: str, user_id: str) -> None:
    holders = tables.blob_holders.c
    known = select(holders.sha256).where(holders.sha256 == sha, holders.user_id == user_id)
    if session.execute(known).first() is None:
        session.execute(insert(tables.blob_holders).values(sha256=sha, user_id=user_id, created_at=utc_now()))


def _commit_row(session: Session, sha: str, size: int, info: ImageInfo, user_id: str) -> Stored:
    """Record the blob (once) and this uploader as a holder; the file is already in place."""
    existing = _row(session, sha)
    try:
        if existing is None:
            session.execute(insert(tables.blobs).values(_row_values(sha, size, info, user_id)))
        _add_holder(session, sha, user_id)
        session.commit()
    except IntegrityError:
        # Another upload of the same bytes committed first: this one only adds its holder.
        session.rollback()
        _add_holder(session, sha, user_id)
        session.commit()
    return Stored(True, _row(session, sha))


def describe(blob: dict[str, Any]) -> dict[str, Any]:
    """Return the public fields of a blob row."""
    return {key: blob[key] for key in ("sha256", "size", "media_type", "width", "height")}
