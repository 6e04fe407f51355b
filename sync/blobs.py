"""Content-addressed photos of protocol.md: file store, image checks, whole and resumable uploads, reads."""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import tables
from .types import SyncError, Text
from .wire import utc_now

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
THUMB_BOX = (320, 1280)
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
VARIANTS = {"thumb": "image/jpeg"}
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
CONTENT_RANGE = re.compile(r"^bytes (\d{1,12})-(\d{1,12})/(\d{1,12})$")
SAFE_NAME = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
ROTATED = {5, 6, 7, 8}

TOO_LARGE = Text("文件超过 10 MiB", "The blob is larger than 10 MiB")
HASH_MISMATCH = Text("文件校验值不符", "The bytes do not match the SHA-256 in the URL")
UNSUPPORTED = Text("仅支持 JPEG、PNG、WebP 图片", "Only JPEG, PNG and WebP images are accepted")
MALFORMED_RANGE = Text("Content-Range 格式不正确", "Content-Range must be bytes <start>-<end>/<total>")
OFFSET_MISMATCH = Text("上传位置不符", "The chunk does not start at the stored offset")
NOT_FOUND = Text("不存在", "Not found")
BAD_VARIANT = Text("不支持的图片规格", "Unknown variant")


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


@dataclass(frozen=True)
class ImageInfo:
    """What sniffing learnt: the media type and the size as displayed (EXIF orientation applied)."""

    media_type: str
    width: int
    height: int


def sniff_image(data: bytes) -> ImageInfo | None:
    """Return the image's type and size when the bytes really are a JPEG, PNG or WebP; else None."""
    try:
        with warnings.catch_warnings():
            # Cosmetic warnings (odd EXIF) are ignored in tests and production alike; a bomb is refused.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(MEDIA_TYPES)) as probe:
                kind, (width, height) = probe.format, probe.size
                if kind not in MEDIA_TYPES or width * height > MAX_PIXELS:
                    return None
                probe.verify()
            with Image.open(io.BytesIO(data), formats=list(MEDIA_TYPES)) as image:
                turned = image.getexif().get(0x0112) in ROTATED
                # A JPEG decoded at 1/8 scale still reads every byte, in 1/64 of the memory.
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
    except (Exception, Image.DecompressionBombWarning):
        return None
    return ImageInfo(MEDIA_TYPES[kind], *((height, width) if turned else (width, height)))


def make_thumbnail(data: bytes) -> bytes:
    """Return a JPEG at most 320 px wide, turned upright by its EXIF orientation."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(io.BytesIO(data), formats=list(MEDIA_TYPES)) as image:
            image.draft("RGB", (THUMB_BOX[1], THUMB_BOX[1]))
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail(THUMB_BOX)
            flat = _on_white(upright)
    buffer = io.BytesIO()
    flat.save(buffer, "JPEG", quality=82, optimize=True)
    return buffer.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


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


def head(session: Session, store: LocalBlobStore, sha: str, user_id: str) -> tuple[bool, int | None]:
    """Tell whether a blob is stored and, when not, how far this user's resumable upload got."""
    if not is_sha256(sha):
        return False, None
    if _row(session, sha) is not None:
        return True, None
    return False, store.partial_offset(sha, user_id)


def put_whole(session: Session, store: LocalBlobStore, sha: str, data: bytes, user_id: str) -> Stored:
    """Store a whole body after the checks of protocol.md, in their order: size, hash, type."""
    if len(data) > MAX_BYTES:
        raise SyncError(413, "too_large", TOO_LARGE)
    _check_hash(sha, data)
    existing = _row(session, sha)
    if existing is not None:
        return Stored(False, existing)
    info = _check_image(data)
    if not store.has(sha):
        store.write(sha, data)
    return _commit_row(session, sha, len(data), info, user_id)


def put_chunk(
    session: Session, store: LocalBlobStore, sha: str, content_range: str, chunk: bytes, user_id: str
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
    if existing is not None:
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
        if existing is None:
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
    if row is None or not _may_read(session, sha, row, user_id, scopes):
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


def _may_read(session: Session, sha: str, row: dict[str, Any], user_id: str, scopes: set[str]) -> bool:
    if row["uploaded_by"] == user_id:
        return True
    if not scopes:
        return False
    refs = tables.blob_refs.c
    query = select(refs.sha256).where(refs.sha256 == sha, refs.scope.in_(sorted(scopes))).limit(1)
    return session.execute(query).first() is not None


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


def _commit_row(session: Session, sha: str, size: int, info: ImageInfo, user_id: str) -> Stored:
    # The file is already in place, so a row never names missing bytes; a lost race is "already stored".
    values = _row_values(sha, size, info, user_id)
    try:
        session.execute(insert(tables.blobs).values(values))
        session.commit()
    except IntegrityError:
        session.rollback()
        return Stored(False, _row(session, sha) or values)
    return Stored(True, values)


def describe(blob: dict[str, Any]) -> dict[str, Any]:
    """Return the public fields of a blob row."""
    return {key: blob[key] for key in ("sha256", "size", "media_type", "width", "height")}
