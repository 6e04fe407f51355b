"""Objects of one bucket under a prefix through boto3: the calls the S3 blob store and its uploads share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from .blob_contract import READ_CHUNK, BlobStream

# A conditional write that found the object there (S3 answers 412; some services 409 on a race).
ALREADY_THERE = {"PreconditionFailed", "ConditionalRequestConflict", "412", "409"}
ABSENT = {"404", "NoSuchKey", "NotFound"}


def make_client(
    endpoint_url: str | None,
    region: str,
    addressing_style: str = "path",
    access_key: str | None = None,
    secret_key: str | None = None,
) -> Any:
    """Build a thread-safe S3 client; without keys, boto3's chain (env, profile, instance role) decides."""
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": addressing_style},
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=5,
        read_timeout=60,
        max_pool_connections=32,
        # Only the checksums S3 itself requires: the newer default trailers are refused by several
        # S3-compatible services (OSS, COS, older MinIO).
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    keys = {"aws_access_key_id": access_key, "aws_secret_access_key": secret_key} if access_key else {}
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint_url, region_name=region, config=config, **keys
    )


class S3Objects:
    """A bucket and a key prefix: blob keys by hash, write-once puts, streamed gets, listings."""

    def __init__(self, client: Any, bucket: str, prefix: str = ""):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    def key(self, sha: str) -> str:
        """Return a blob's object key."""
        return self._key(sha[:2], sha[2:4], sha)

    def has(self, sha: str) -> bool:
        """Tell whether the object is stored."""
        return self.size(sha) is not None

    def size(self, sha: str) -> int | None:
        """Return the stored length, or None."""
        return self._size(self.key(sha))

    def _put_once(self, key: str, data: bytes, checked: bool = True) -> bool:
        if checked and self._size(key) is not None:
            return False
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data, IfNoneMatch="*")
        except ClientError as error:
            if error_code(error) in ALREADY_THERE:
                return False
            raise
        return True

    def _open(self, key: str) -> BlobStream:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error_code(error) in ABSENT:
                raise FileNotFoundError(key) from None
            raise
        body = answer["Body"]
        return BlobStream(answer["ContentLength"], body.iter_chunks(READ_CHUNK), body.close)

    def _size(self, key: str) -> int | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=key)["ContentLength"]
        except ClientError as error:
            if error_code(error) in ABSENT:
                return None
            raise

    def _list(self, prefix: str) -> Iterator[dict]:
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            yield from page.get("Contents", [])

    def _delete(self, keys: list[str]) -> None:
        for at in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[at : at + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})

    def _key(self, *parts: str) -> str:
        return "/".join((self.prefix, *parts) if self.prefix else parts)


def error_code(error: ClientError) -> str:
    """Return the S3 error code of a failed call."""
    return str(error.response.get("Error", {}).get("Code", ""))
