"""One HTTP exchange per connection, retried on network failures and 5xx as a phone on a bad link would."""

from __future__ import annotations

import http.client
import json
import random
import time
from collections import Counter
from urllib.parse import urlsplit

REQUEST_SECONDS = 15
MAX_ATTEMPTS = 400
MAX_BACKOFF = 1.0
MAX_RETRY_AFTER = 2.0


class GaveUp(Exception):
    """The retry budget (attempts or the device's deadline) ran out."""


class Answer:
    """A complete HTTP answer: status, headers, and the JSON body when there is one."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status = status
        self.headers = headers
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    @property
    def code(self) -> str | None:
        """The protocol error code of a non-2xx answer."""
        return self.json.get("code") if isinstance(self.json, dict) else None


class Transport:
    """Send requests to one base URL with a bearer token; retry what may be retried."""

    def __init__(self, base: str, rng: random.Random, deadline: float, stats: Counter):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.rng = rng
        self.deadline = deadline
        self.stats = stats
        self.token: str | None = None
        self.on_unauthorized = None  # set by the device: log in again

    def send_once(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Answer:
        """One request on a fresh connection; raises OSError or HTTPException on a broken exchange."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_SECONDS)
        try:
            connection.request(method, path, body=body, headers={**headers, "Connection": "close"})
            response = connection.getresponse()
            payload = response.read()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, payload)
        finally:
            connection.close()

    def request(self, method: str, path: str, payload=None, raw: bytes | None = None, content_type=None):
        """Send until an answer below 500 arrives (401 once re-authenticates); return it."""
        body = raw if raw is not None else (json.dumps(payload).encode() if payload is not None else None)
        headers = {"Accept-Language": "en"}
        if body is not None:
            headers["Content-Type"] = content_type or "application/json"
        reauthenticated = False
        for attempt in range(MAX_ATTEMPTS):
            if time.monotonic() > self.deadline:
                raise GaveUp(f"{method} {path}: deadline passed after {attempt} attempts")
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
            try:
                answer = self.send_once(method, path, body, headers)
            except (OSError, http.client.HTTPException):
                self.stats["network_failures"] += 1
                self._back_off(attempt)
                continue
            if answer.status >= 500:
                self.stats[f"http_{answer.status}"] += 1
                self._back_off(attempt, answer.headers.get("retry-after"))
                continue
            if answer.status == 401 and self.on_unauthorized and not reauthenticated:
                self.stats["reauthenticated"] += 1
                reauthenticated = True
                self.on_unauthorized()
                continue
            return answer
        raise GaveUp(f"{method} {path}: {MAX_ATTEMPTS} attempts failed")

    def _back_off(self, attempt: int, retry_after: str | None = None) -> None:
        self.stats["retries"] += 1
        if retry_after is not None:
            self.stats["retry_after_honoured"] += 1
            try:
                wait = min(float(retry_after), MAX_RETRY_AFTER)
            except ValueError:
                wait = MAX_BACKOFF
        else:
            wait = min(MAX_BACKOFF, 0.05 * 2 ** min(attempt, 6)) * self.rng.uniform(0.5, 1.0)
        time.sleep(max(0.0, min(wait, self.deadline - time.monotonic())))
