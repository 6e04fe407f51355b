"""gunicorn's own error answers (line or headers too long, broken requests) as JSON, like the app's."""

from __future__ import annotations

import json

# gunicorn's largest request line; the app answers 414 itself for targets past MAX_TARGET_LENGTH below it.
LIMIT_REQUEST_LINE = 8190
MAX_TARGET_LENGTH = 8000

# status → (stable code, message); gunicorn answers these before the app sees the request, so they
# cannot follow Accept-Language: Chinese first, English after.
CODES = {
    400: ("malformed", "请求格式不正确 (The request is malformed)"),
    403: ("forbidden", "无权访问 (Forbidden)"),
    414: ("uri_too_long", "请求地址过长 (The request target is too long)"),
    417: ("malformed", "请求格式不正确 (Expectation failed)"),
    431: ("headers_too_large", "请求头过大 (The request headers are too large)"),
    500: ("internal_error", "服务器内部错误 (Internal server error)"),
    501: ("malformed", "不支持的传输编码 (Unsupported transfer coding)"),
}


def json_error(status: int) -> bytes:
    """Return the whole HTTP answer gunicorn sends for a request it refused before the app."""
    code, message = CODES.get(status, CODES[400] if status < 500 else CODES[500])
    body = {"code": code, "message": message}
    if status == 414:
        body["max_length"] = MAX_TARGET_LENGTH
    payload = json.dumps(body, ensure_ascii=False).encode()
    head = (
        f"HTTP/1.1 {status} {code}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode("latin-1") + payload


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """Stand in for gunicorn.util.write_error: the same call, a JSON body instead of an HTML page."""
    from gunicorn import util

    util.write_nonblock(sock, json_error(status_int))


def install() -> None:
    """Make every gunicorn error answer of this process JSON (called from gunicorn.conf.py)."""
    from gunicorn import util

    util.write_error = write_json_error
