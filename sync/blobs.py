"""Content-addressed photos of protocol.md: image checks, whole and resumable uploads, authorised reads."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from . import tables
from .blob_contract import BlobStore, BlobStream
from .blob_rows import Stored, add_holder, blob_row, commit_row, row_values
from .blob_store import LocalBlobStore  # noqa: F401 (where callers find it)
from .decode_budget import DecodersBusy
from .images import CheckedImage, NotAPhoto, TooManyPixels, check_image, looks_like_image_start
from .store import visible_blobs
from .types import SyncError, Text

MAX_BYTES = 10 * 1024 * 1024
# Resumable uploads a user left part-way: at most this much held per user, deleted after a day untouched.
PARTIAL_BYTES_PER_USER = 32 * 1024 * 1024
PARTIAL_MAX_AGE = timedelta(hours=24)
VARIANTS = {"thumb": "image/jpeg"}
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
CONTENT_RANGE = re.compile(r"^bytes (\d{1,12})-(\d{1,12})/(\d{1,12})$")

TOO_LARGE = Text("照片文件超过 10 兆字节", "The blob is larger than 10 MiB")
HASH_MISMATCH = Text("文件校验值不符", "The bytes do not match the SHA-256 in the URL")
UNSUPPORTED = Text("仅支持 JPEG、PNG、WebP 图片", "Only JPEG, PNG and WebP images are accepted")
MALFORMED_RANGE = Text("上传范围格式不正确", "Content-Range must be bytes <start>-<end>/<total>")
OFFSET_MISMATCH = Text("上传位置不符", "The chunk does not start at the stored offset")
IMAGE_TOO_LARGE = Text("图片像素过多（最多 5200 万像素）", "The image has more than 52 million pixels")
TOO_MANY_PARTIALS = Text(
    "未完成的分段上传过多（合计最多 32 兆字节），请先完成它们，或整张上传",
    "Your unfinished resumable uploads hold 32 MiB already: finish them, or upload whole",
)
BUSY = Text("服务器正忙于处理图片，请稍后重试", "The server is busy decoding images; retry shortly")
NOT_FOUND = Text("不存在", "Not found")
BAD_VARIANT = Text("不支持的图片规格", "Unknown variant")


@dataclass(frozen=True)
class Progress:
    """A resumable upload part-way (202): the offset the next chunk must start at."""

    offset: int


@dataclass(frozen=True)
class Found:
    """A blob (or variant) a reader may see: what to answer with, before any byte is read."""

    sha: str
    variant: str | None
    media_type: str
    etag: str


def is_sha256(value: str) -> bool:
    """Tell whether a value is a lowercase hex SHA-256."""
    return bool(SHA256_HEX.match(value))


def head(
    session: Session, store: BlobStore, sha: str, user_id: str, scopes: Container[str]
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
    session: Session, store: BlobStore, sha: str, data: bytes, user_id: str, scopes: Container[str]
) -> Stored:
    """Store a whole body after the checks of protocol.md, in their order: size, hash, type (and pixels)."""
    if len(data) > MAX_BYTES:
        raise SyncError(413, "too_large", TOO_LARGE)
    _check_hash(sha, data)
    existing = blob_row(session, sha)
    if existing is not None:
        if visible_blobs(session, [sha], user_id, scopes):
            return Stored(False, existing)
        # The same bytes were checked when first stored: this uploader only proves having them.
        store.write(sha, data)
        return commit_row(session, sha, len(data), None, user_id)
    checked = _check_image(data)
    _store_checked(store, sha, data, checked)
    return commit_row(session, sha, len(data), checked, user_id)


def put_chunk(
    session: Session,
    store: BlobStore,
    sha: str,
    content_range: str,
    chunk: bytes,
    user_id: str,
    scopes: Container[str],
) -> Stored | Progress:
    """Append one chunk of a resumable upload; verify and store the whole after the last one."""
    start, end, total = _parse_range(content_range)
    if total > MAX_BYTES:
        raise SyncError(413, "too_large", TOO_LARGE)
    if len(chunk) != end - start + 1:
        raise SyncError(400, "malformed", MALFORMED_RANGE, fields={"Content-Range": ["body length differs"]})
    if not is_sha256(sha):
        raise SyncError(400, "hash_mismatch", HASH_MISMATCH)
    existing = blob_row(session, sha)
    if existing is not None and visible_blobs(session, [sha], user_id, scopes):
        store.discard_partial(sha, user_id)
        return Stored(False, existing)
    if start == 0 and not looks_like_image_start(chunk):
        raise SyncError(415, "unsupported_media", UNSUPPORTED)
    appended, offset = _append_within_cap(store, sha, user_id, start, chunk)
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
        # The hash is taken while reading; only new bytes are kept, for Pillow (at most MAX_BYTES).
        digest, kept = _hash_stream(store.open_partial(sha, user_id), keep=existing is None)
    except FileNotFoundError:
        # Gone: finished meanwhile by the same upload's retry (on this host or another), or swept.
        existing = blob_row(session, sha)
        if existing is None or not visible_blobs(session, [sha], user_id, scopes):
            raise SyncError(409, "offset_mismatch", OFFSET_MISMATCH, offset=0) from None
        return Stored(False, existing)
    try:
        if digest != sha:
            raise SyncError(400, "hash_mismatch", HASH_MISMATCH)
        checked = _check_image(kept) if existing is None else None
    except SyncError as error:
        if error.code != "busy":
            store.discard_partial(sha, user_id)
        raise
    store.promote_partial(sha, user_id)
    if checked is not None:
        store.write_variant(sha, "thumb", checked.thumbnail)
    return commit_row(session, sha, total, checked, user_id)


def sweep_partials(store: BlobStore, now: datetime) -> tuple[int, int]:
    """Delete resumable uploads untouched for PARTIAL_MAX_AGE before now; return (files, bytes)."""
    return store.sweep_partials((now - PARTIAL_MAX_AGE).timestamp())


def read(
    session: Session, store: BlobStore, sha: str, user_id: str, scopes: Container[str], variant: str | None
) -> Found:
    """Find a blob (or its variant) for its uploader or a reader of a scope referencing it; else 404."""
    if variant is not None and variant not in VARIANTS:
        raise SyncError(
            400, "invalid", BAD_VARIANT, fields={"variant": [f"must be one of {sorted(VARIANTS)}"]}
        )
    row = blob_row(session, sha) if is_sha256(sha) else None
    if row is None or not visible_blobs(session, [sha], user_id, scopes):
        raise SyncError(404, "not_found", NOT_FOUND)
    if variant is None:
        return Found(sha, None, row["media_type"], sha)
    if store.read_variant(sha, variant) is None:
        # Blobs stored before thumbnails were made at upload: one request makes it, the others wait for it.
        with store.variant_lock(sha):
            if store.read_variant(sha, variant) is None:
                # Pillow decodes one image whole: at most MAX_BYTES, within the process's decode budget.
                with store.open(sha) as stream:
                    store.write_variant(sha, variant, _check_image(b"".join(stream)).thumbnail)
    return Found(sha, variant, VARIANTS[variant], f"{sha}-{variant}")


def open_found(store: BlobStore, found: Found) -> BlobStream:
    """Stream the bytes of a found blob or variant."""
    if found.variant is None:
        return store.open(found.sha)
    return store.open_variant(found.sha, found.variant)


def save_blob(session: Session, store: BlobStore, data: bytes, uploaded_by: str) -> str:
    """Store an image and its row without committing (seeding); return its sha256."""
    if len(data) > MAX_BYTES:
        raise SyncError(413, "too_large", TOO_LARGE)
    sha = hashlib.sha256(data).hexdigest()
    if blob_row(session, sha) is None:
        checked = _check_image(data)
        _store_checked(store, sha, data, checked)
        session.execute(insert(tables.blobs).values(row_values(sha, len(data), checked, uploaded_by)))
    add_holder(session, sha, uploaded_by)
    return sha


def _hash_stream(stream: BlobStream, keep: bool) -> tuple[str, bytes]:
    """Return the SHA-256 of a stream read once, and its bytes when asked to keep them."""
    digest, parts = hashlib.sha256(), []
    with stream:
        for chunk in stream:
            digest.update(chunk)
            if keep:
                parts.append(chunk)
    return digest.hexdigest(), b"".join(parts)


def _check_hash(sha: str, data: bytes) -> None:
    if not is_sha256(sha) or hashlib.sha256(data).hexdigest() != sha:
        raise SyncError(400, "hash_mismatch", HASH_MISMATCH)


def _check_image(data: bytes) -> CheckedImage:
    try:
        return check_image(data)
    except TooManyPixels:
        raise SyncError(413, "image_too_large", IMAGE_TOO_LARGE) from None
    except NotAPhoto:
        raise SyncError(415, "unsupported_media", UNSUPPORTED) from None
    except DecodersBusy:
        raise SyncError(503, "busy", BUSY) from None


def _store_checked(store: BlobStore, sha: str, data: bytes, checked: CheckedImage) -> None:
    """Put the bytes and the thumbnail made while checking them in place, each once."""
    store.write(sha, data)
    store.write_variant(sha, "thumb", checked.thumbnail)


def _append_within_cap(
    store: BlobStore, sha: str, user_id: str, start: int, chunk: bytes
) -> tuple[bool, int]:
    with store.user_partials_lock(user_id):
        if start == (store.partial_offset(sha, user_id) or 0):
            if store.partial_bytes(user_id) + len(chunk) > PARTIAL_BYTES_PER_USER:
                raise SyncError(409, "too_many_partial_uploads", TOO_MANY_PARTIALS)
        return store.append_partial(sha, user_id, start, chunk)


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


def describe(blob: dict[str, Any]) -> dict[str, Any]:
    """Return the public fields of a blob row."""
    return {key: blob[key] for key in ("sha256", "size", "media_type", "width", "height")}
