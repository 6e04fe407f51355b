"""Error messages by stable code, in zh-CN and English, and the choice between them."""

from __future__ import annotations

from flask import request

from sync import Text

from .field_messages import field_text

MESSAGES: dict[str, Text] = {
    "unauthorized": Text("需要登录", "Sign-in required"),
    "token_expired": Text("登录已过期", "The access token has expired"),
    "bad_credentials": Text("用户名或密码错误", "Wrong username or password"),
    "too_many_attempts": Text("尝试次数过多，请稍后再试", "Too many failed attempts; try again later"),
    "not_found": Text("不存在", "Not found"),
    "method_not_allowed": Text("不支持该请求方法", "Method not allowed"),
    "too_large": Text("内容过大", "The body is too large"),
    "malformed": Text("请求格式不正确", "The request is malformed"),
    "invalid": Text("输入不正确", "Invalid input"),
    "forbidden": Text("无权执行此操作", "Not allowed"),
    "internal_error": Text("服务器内部错误", "Internal server error"),
    "unsupported_media": Text("不支持的文件类型", "Unsupported media type"),
    "hash_mismatch": Text("文件校验值不符", "The bytes do not match the hash"),
    "offset_mismatch": Text("上传位置不符", "The chunk does not start at the stored offset"),
    "uri_too_long": Text("请求地址过长", "The request target is too long"),
    "unavailable": Text("服务器繁忙，请稍后再试", "The server is busy; try again later"),
}


def wants_english() -> bool:
    """Tell whether the request prefers English over Chinese."""
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"], default="zh-CN")
    return best == "en"


def localize(message: Text | dict[str, str] | str | None, code: str = "") -> str:
    """Pick the request's language from a two-language message (or the code's default one)."""
    if message is None:
        message = MESSAGES.get(code, Text(code, code))
    if isinstance(message, str):
        return message
    if isinstance(message, Text):
        message = message.as_dict()
    return message["en"] if wants_english() else message["zh-CN"]


def localize_fields(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """Put each field message of an answer in the request's language (backend/field_messages.py)."""
    english = wants_english()
    return {
        name: [text.en if english else text.zh for text in map(field_text, messages)]
        for name, messages in fields.items()
    }
