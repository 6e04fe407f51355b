"""Ids as the PWA makes them (pwa/src/lib/uuidv7.js): RFC 9562 version-7 UUIDs, ordered by time."""

from __future__ import annotations

import os
import time
import uuid


def uuid7() -> str:
    """Return a new version-7 UUID string: 48 bits of Unix milliseconds, then random bits."""
    raw = bytearray((time.time_ns() // 1_000_000).to_bytes(6, "big") + os.urandom(10))
    raw[6] = (raw[6] & 0x0F) | 0x70
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))
