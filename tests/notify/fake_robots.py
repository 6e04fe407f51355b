"""Fake WeCom and DingTalk group robots: check the message shape and DingTalk's signature."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections import deque
from urllib.parse import parse_qs

from .servers import Answer, LocalServer

MAX_SKEW_MS = 3600 * 1000


def robot_answer(errcode: int, errmsg: str) -> Answer:
    body = json.dumps({"errcode": errcode, "errmsg": errmsg}).encode()
    return Answer(200, {"Content-Type": "application/json"}, body)


class FakeRobots(LocalServer):
    """POST /wecom (WeCom robot) and /dingtalk (DingTalk robot, signed when a secret is set)."""

    def __init__(self, dingtalk_secret: str | None = None):
        self.dingtalk_secret = dingtalk_secret
        self.messages: list[tuple[str, dict]] = []
        self.errors: list[tuple[str, int, str]] = []
        self.answers: deque[Answer] = deque()
        super().__init__()

    def url(self, kind: str) -> str:
        return f"{self.origin}/{kind}?access_token=robot-token"

    def handle(self, path, query, headers, body) -> Answer:
        kind = path.strip("/")
        params = {name: values[0] for name, values in parse_qs(query).items()}
        if params.get("access_token") != "robot-token":
            return self._error(kind, 300001, "token is not exist")
        try:
            message = json.loads(body)
        except ValueError:
            return self._error(kind, 40001, "invalid json")
        problem = self.wecom_problem(message) if kind == "wecom" else self.dingtalk_problem(message, params)
        if problem:
            return self._error(kind, *problem)
        if self.answers:
            return self.answers.popleft()
        with self.lock:
            self.messages.append((kind, message))
        return robot_answer(0, "ok")

    @staticmethod
    def wecom_problem(message: dict) -> tuple[int, str] | None:
        """WeCom markdown: {"msgtype": "markdown", "markdown": {"content": non-empty, ≤ 4096 bytes}}."""
        content = (message.get("markdown") or {}).get("content")
        if message.get("msgtype") != "markdown" or not isinstance(content, str) or not content.strip():
            return 40008, "invalid message type or empty content"
        if len(content.encode()) > 4096:
            return 40058, "content exceed max length"
        return None

    def dingtalk_problem(self, message: dict, params: dict) -> tuple[int, str] | None:
        """DingTalk markdown needs title and text; a signed robot needs timestamp and sign that match."""
        markdown = message.get("markdown") or {}
        if message.get("msgtype") != "markdown" or not markdown.get("title") or not markdown.get("text"):
            return 40035, "缺少参数 markdown.title/text"
        if self.dingtalk_secret is None:
            return None
        timestamp, sign = params.get("timestamp", ""), params.get("sign", "")
        if not timestamp.isdigit() or abs(int(timestamp) - time.time() * 1000) > MAX_SKEW_MS:
            return 310000, "timestamp missing or more than 1 hour off"
        secret = self.dingtalk_secret.encode()
        expected = hmac.new(secret, f"{timestamp}\n{self.dingtalk_secret}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(base64.b64encode(expected).decode(), sign):
            return 310000, "sign not match"
        return None

    def _error(self, kind: str, errcode: int, errmsg: str) -> Answer:
        with self.lock:
            self.errors.append((kind, errcode, errmsg))
        return robot_answer(errcode, errmsg)
