"""Resumable uploads in an S3 bucket: one object per chunk, joined into the blob by a multipart upload.

A user's upload of a hash is `<prefix>/partial/<user>/<sha>/<start offset, 12 digits>`, one object a chunk.
Its offset is where the chain of chunks from 0 ends, read from one LIST, so any host answers it; a chunk is
written with `If-None-Match: *`, so two hosts given the same offset at once cannot both append. A finished
upload becomes the blob by a multipart upload: S3 refuses parts under 5 MiB but the last, and clients'
chunks are smaller, so a chunk of 5 MiB or more is a part by a server-side copy and smaller ones are joined
into a part in memory (at most PART_SIZE plus one chunk). Its completion is conditional too.
"""

from __future__ import annotations

from collections.abc import Iterator

from botocore.exceptions import ClientError

from .blob_contract import BlobStream
from .blob_s3_objects import ALREADY_THERE, S3Objects, error_code
from .blob_store import SAFE_NAME

# S3 refuses a multipart part under 5 MiB unless it is the last.
PART_SIZE = 5 * 1024 * 1024
OFFSET_DIGITS = 12


class S3Uploads(S3Objects):
    """The resumable-upload half of the blob store contract, with every piece of state in the bucket."""

    def partial_bytes(self, user_id: str) -> int:
        """Return the bytes held by all of a user's resumable uploads."""
        check_user(user_id)
        return sum(item["Size"] for item in self._list(self._key("partial", user_id) + "/"))

    def partial_offset(self, sha: str, user_id: str) -> int | None:
        """Return where the chain of a user's chunks from 0 ends, or None when no upload is held."""
        pieces = self._pieces(sha, user_id)
        return _chain_end(pieces) if 0 in pieces else None

    def append_partial(self, sha: str, user_id: str, start: int, chunk: bytes) -> tuple[bool, int]:
        """Write a chunk as the next piece if it starts at the held offset; return (appended, offset now)."""
        held = self.partial_offset(sha, user_id) or 0
        if held != start:
            return False, held
        if not self._put_once(self._piece(sha, user_id, start), chunk, checked=False):
            return False, self.partial_offset(sha, user_id) or 0
        return True, start + len(chunk)

    def open_partial(self, sha: str, user_id: str) -> BlobStream:
        """Stream the chain of a user's chunks; FileNotFoundError when none is held."""
        chain = self._chain(sha, user_id)
        if not chain:
            raise FileNotFoundError(f"no upload of {sha} by {user_id}")
        return BlobStream(sum(size for _key, size in chain), self._chain_chunks(chain))

    def promote_partial(self, sha: str, user_id: str) -> None:
        """Make a finished, verified upload the blob by a multipart upload, then drop its chunks."""
        chain = self._chain(sha, user_id)
        if chain and not self.has(sha):
            self._assemble(self.key(sha), chain)
        self.discard_partial(sha, user_id)

    def discard_partial(self, sha: str, user_id: str) -> None:
        """Forget a user's resumable upload (every chunk of it)."""
        self._delete([item["Key"] for item in self._list(self._piece_prefix(sha, user_id))])

    def sweep_partials(self, older_than: float) -> tuple[int, int]:
        """Delete uploads whose newest chunk is older than a POSIX time, and abort multipart uploads begun
        before it (a host that died while assembling); return (uploads, bytes) deleted."""
        uploads: dict[str, list[dict]] = {}
        for item in self._list(self._key("partial") + "/"):
            uploads.setdefault(item["Key"].rsplit("/", 1)[0], []).append(item)
        stale = [
            items
            for items in uploads.values()
            if max(item["LastModified"].timestamp() for item in items) < older_than
        ]
        self._delete([item["Key"] for items in stale for item in items])
        aborted = 0
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=self._key("")
        )
        for page in pages:
            for upload in page.get("Uploads", []):
                if upload["Initiated"].timestamp() < older_than:
                    self.client.abort_multipart_upload(
                        Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
                    aborted += 1
        return len(stale) + aborted, sum(item["Size"] for items in stale for item in items)

    def _assemble(self, key: str, chain: list[tuple[str, int]]) -> None:
        upload = self.client.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        try:
            parts = [self._part(key, upload, number, group) for number, group in enumerate(_groups(chain), 1)]
            self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload,
                MultipartUpload={"Parts": parts},
                IfNoneMatch="*",
            )
        except ClientError as error:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload)
            if error_code(error) not in ALREADY_THERE:
                raise
        except BaseException:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload)
            raise

    def _part(self, key: str, upload: str, number: int, group: list[tuple[str, int]]) -> dict:
        where = {"Bucket": self.bucket, "Key": key, "UploadId": upload, "PartNumber": number}
        if len(group) == 1:
            copied = self.client.upload_part_copy(
                **where, CopySource={"Bucket": self.bucket, "Key": group[0][0]}
            )
            return {"PartNumber": number, "ETag": copied["CopyPartResult"]["ETag"]}
        body = bytearray()
        for piece, _size in group:
            for chunk in self._open(piece):
                body += chunk
        return {"PartNumber": number, "ETag": self.client.upload_part(**where, Body=body)["ETag"]}

    def _pieces(self, sha: str, user_id: str) -> dict[int, tuple[str, int]]:
        pieces = {}
        for item in self._list(self._piece_prefix(sha, user_id)):
            name = item["Key"].rsplit("/", 1)[1]
            if name.isdigit():
                pieces[int(name)] = (item["Key"], item["Size"])
        return pieces

    def _chain(self, sha: str, user_id: str) -> list[tuple[str, int]]:
        """Return the (key, size) of the chunks that follow one another from offset 0."""
        pieces, chain, at = self._pieces(sha, user_id), [], 0
        while at in pieces and pieces[at][1] > 0:
            chain.append(pieces[at])
            at += pieces[at][1]
        return chain

    def _chain_chunks(self, chain: list[tuple[str, int]]) -> Iterator[bytes]:
        for key, _size in chain:
            yield from self._open(key)

    def _piece_prefix(self, sha: str, user_id: str) -> str:
        check_user(user_id)
        return self._key("partial", user_id, sha) + "/"

    def _piece(self, sha: str, user_id: str, start: int) -> str:
        return self._piece_prefix(sha, user_id) + f"{start:0{OFFSET_DIGITS}d}"


def _chain_end(pieces: dict[int, tuple[str, int]]) -> int:
    at = 0
    while at in pieces and pieces[at][1] > 0:
        at += pieces[at][1]
    return at


def _groups(chain: list[tuple[str, int]]) -> Iterator[list[tuple[str, int]]]:
    """Split the chunks into runs of at least PART_SIZE bytes (the last run may be shorter)."""
    group, held = [], 0
    for piece in chain:
        group.append(piece)
        held += piece[1]
        if held >= PART_SIZE:
            yield group
            group, held = [], 0
    if group:
        yield group


def check_user(user_id: str) -> None:
    """Refuse a user id that cannot be part of an object key."""
    if not SAFE_NAME.match(user_id):
        raise ValueError("user id unfit for an object key")
