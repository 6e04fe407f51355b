"""The rotating training sign-in code: format, windows, tolerance, and a mac bound to session and secret."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from backend.rules.training_qr import (
    check_code,
    code_for,
    decode_secret,
    encode_secret,
    window_of,
)

SESSION = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
OTHER_SESSION = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"
SECRET = bytes(range(32))
NOW = datetime(2026, 11, 29, 8, 0, 10, tzinfo=UTC)


def test_window_is_unix_seconds_floored_by_thirty():
    assert window_of(NOW) == int(NOW.timestamp()) // 30
    assert window_of(NOW + timedelta(seconds=19)) == window_of(NOW)
    assert window_of(NOW + timedelta(seconds=20)) == window_of(NOW) + 1


def test_code_has_the_documented_format_and_mac():
    window = window_of(NOW)
    expected_mac = hmac.new(SECRET, f"{SESSION}.{window}".encode(), hashlib.sha256).hexdigest()[:16]
    assert code_for(SESSION, SECRET, window) == f"T1.{SESSION}.{window}.{expected_mac}"


def test_code_of_the_current_window_is_accepted():
    assert check_code(code_for(SESSION, SECRET, window_of(NOW)), SESSION, SECRET, NOW)


def test_code_shown_ninety_seconds_ago_is_still_accepted():
    shown = NOW - timedelta(seconds=90)
    assert check_code(code_for(SESSION, SECRET, window_of(shown)), SESSION, SECRET, NOW)


def test_code_from_five_minutes_ago_is_stale():
    shown = NOW - timedelta(minutes=5)
    assert not check_code(code_for(SESSION, SECRET, window_of(shown)), SESSION, SECRET, NOW)


def test_code_from_five_minutes_ahead_is_refused():
    shown = NOW + timedelta(minutes=5)
    assert not check_code(code_for(SESSION, SECRET, window_of(shown)), SESSION, SECRET, NOW)


def test_wrong_mac_is_refused():
    code = code_for(SESSION, SECRET, window_of(NOW))
    tampered = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert not check_code(tampered, SESSION, SECRET, NOW)


def test_code_made_with_another_secret_is_refused():
    code = code_for(SESSION, bytes(32), window_of(NOW))
    assert not check_code(code, SESSION, SECRET, NOW)


def test_code_of_another_session_is_refused_even_with_its_valid_mac():
    code = code_for(OTHER_SESSION, SECRET, window_of(NOW))
    assert not check_code(code, SESSION, SECRET, NOW)


def test_malformed_codes_are_refused():
    for code in ("", "T1", f"T2.{SESSION}.1.0123456789abcdef", f"T1.{SESSION}.x.0123456789abcdef", None):
        assert not check_code(code, SESSION, SECRET, NOW)


def test_secret_round_trips_through_unpadded_base64url():
    text = encode_secret(SECRET)
    assert "=" not in text and "+" not in text and "/" not in text
    assert decode_secret(text) == SECRET
    assert decode_secret(text + "=") == SECRET


def test_text_that_is_not_base64url_is_no_secret():
    assert decode_secret("not base64!") is None
    assert decode_secret("") is None
