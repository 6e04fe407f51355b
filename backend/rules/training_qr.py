"""The rotating training sign-in code: `T1.<session_id>.<window>.<mac>`, an HMAC over 30-second windows."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import re
from datetime import datetime

PREFIX = "T1"
WINDOW_SECONDS = 30
TOLERANCE_SECONDS = 90
SECRET_BYTES = 32
MAC_HEX_LENGTH = 16
CODE_PATTERN = re.compile(r"T1\.([0-9a-fA-F-]{36})\.(\d{1,12})\.([0-9a-f]{16})")


def window_of(moment: datetime) -> int:
    """Return the 30-second window a moment falls in: floor(unix seconds / 30)."""
    return math.floor(moment.timestamp() / WINDOW_SECONDS)


def mac_of(session_id: str, secret_bytes: bytes, window: int) -> str:
    """Return the first 16 hex of HMAC-SHA256(secret, `<session_id>.<window>`)."""
    message = f"{session_id}.{window}".encode()
    return hmac.new(secret_bytes, message, hashlib.sha256).hexdigest()[:MAC_HEX_LENGTH]


def code_for(session_id: str, secret_bytes: bytes, window: int) -> str:
    """Return the sign-in code an officer's phone shows during one window."""
    return f"{PREFIX}.{session_id}.{window}.{mac_of(session_id, secret_bytes, window)}"


def check_code(
    code: str, session_id: str, secret_bytes: bytes, moment: datetime, tolerance_s: int = TOLERANCE_SECONDS
) -> bool:
    """Tell whether a scanned code is this session's, has a right mac and a window within tolerance of moment.

    A window is accepted when its 30 seconds overlap moment ± tolerance_s, so a scan at most 90 s after the
    code was shown, or on a phone up to 90 s ahead, passes; anything older is a replayed photo of the code.
    """
    match = CODE_PATTERN.fullmatch(code) if isinstance(code, str) else None
    if match is None or match.group(1) != session_id:
        return False
    window = int(match.group(2))
    start = window * WINDOW_SECONDS
    now = moment.timestamp()
    if start > now + tolerance_s or start + WINDOW_SECONDS < now - tolerance_s:
        return False
    return hmac.compare_digest(match.group(3), mac_of(session_id, secret_bytes, window))


def encode_secret(secret_bytes: bytes) -> str:
    """Return a secret as unpadded base64url text (how it travels and is stored)."""
    return base64.urlsafe_b64encode(secret_bytes).rstrip(b"=").decode("ascii")


def decode_secret(text: str) -> bytes | None:
    """Return the bytes of a base64url secret (padding optional), or None when it is not one."""
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", text):
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
