"""Blob bytes in an S3-compatible bucket through boto3 alone (AWS, MinIO, OSS, COS, OBS): the local contract.

Every piece of state lives in the bucket, so any host answers for any upload, and no lock is needed:
- a blob is `<prefix>/ab/cd/<sha>`, its variants `<prefix>/derived/ab/cd/<sha>.<variant>`;
- a resumable upload is one object per chunk, `<prefix>/partial/<user>/<sha>/<start, 12 digits>`: its
  offset is where the chain of chunks from 0 ends (one LIST), and a chunk is written with
  `If-None-Match: *`, so two hosts given the same offset at once cannot both append;
- a finished upload becomes the blob by a multipart upload (parts ≥ 5 MiB but the last, which S3 demands
  and clients' chunks are not): a chunk alone makes a part by a server-side copy, smaller ones are joined
  into a part of at most PART_SIZE + one chunk in memory. Its completion is conditional too.
Writes are idempotent: content addressing makes every racing writer write the same bytes.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from .blob_contract import BlobStream
from .blob_s3_objects import make_client
from .blob_s3_uploads import PART_SIZE, S3Uploads, check_user

__all__ = ["PART_SIZE", "S3BlobStore", "make_client"]


class S3BlobStore(S3Uploads):
    """Blobs, variants and resumable uploads as objects of one bucket under a prefix."""

    def __init__(self, client: Any, bucket: str, prefix: str = "", presigner: Any = None):
        super().__init__(client, bucket, prefix)
        # Presigned URLs name the host phones reach, which may differ from the one the servers use.
        self.presigner = presigner or client

    def check(self) -> None:
        """Raise unless the bucket answers to these credentials."""
        self.client.head_bucket(Bucket=self.bucket)

    def open(self, sha: str) -> BlobStream:
        """Stream a blob's bytes; FileNotFoundError when absent."""
        return self._open(self.key(sha))

    def write(self, sha: str, data: bytes) -> bool:
        """Store a blob once; an existing object is left untouched."""
        return self._put_once(self.key(sha), data)

    def read_variant(self, sha: str, variant: str) -> bytes | None:
        """Return a derived file (a thumbnail: small), or None."""
        try:
            with self._open(self._variant(sha, variant)) as stream:
                return b"".join(stream)
        except FileNotFoundError:
            return None

    def open_variant(self, sha: str, variant: str) -> BlobStream:
        """Stream a derived file; FileNotFoundError when absent."""
        return self._open(self._variant(sha, variant))

    def write_variant(self, sha: str, variant: str, data: bytes) -> bool:
        """Store a derived file beside its blob, once."""
        return self._put_once(self._variant(sha, variant), data)

    def variant_lock(self, sha: str) -> nullcontext[None]:
        """No lock: two hosts making one thumbnail make the same bytes, and the first write wins."""
        return nullcontext()

    def user_partials_lock(self, user_id: str) -> nullcontext[None]:
        """No lock: the per-user cap may be passed by one chunk per request racing on other hosts."""
        check_user(user_id)
        return nullcontext()

    def presigned_url(self, sha: str, variant: str | None, seconds: int, media_type: str) -> str:
        """Return a GET URL of the blob (or variant) valid for some seconds, answering with its media type."""
        key = self.key(sha) if variant is None else self._variant(sha, variant)
        params = {"Bucket": self.bucket, "Key": key, "ResponseContentType": media_type}
        return self.presigner.generate_presigned_url("get_object", Params=params, ExpiresIn=seconds)

    def _variant(self, sha: str, variant: str) -> str:
        return self._key("derived", sha[:2], sha[2:4], f"{sha}.{variant}")
