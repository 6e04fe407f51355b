"""A fake Web Push service: checks VAPID like a real one, decrypts aes128gcm with the browser's key."""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
from collections import deque
from dataclasses import dataclass, field

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from .servers import Answer, LocalServer

MAX_EXP_AHEAD = 24 * 3600


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def point(private_key: ec.EllipticCurvePrivateKey) -> bytes:
    return private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


@dataclass
class Browser:
    """One browser's subscription as the push service knows it: its ECDH key, auth secret, server key."""

    token: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    application_server_key: str
    answers: deque = field(default_factory=deque)

    def subscription_json(self, p256dh: str | None = None) -> dict:
        """Return what PushSubscription.toJSON() gives the PWA (optionally with someone else's p256dh)."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": p256dh or b64url(point(self.private_key)), "auth": b64url(self.auth)},
        }


@dataclass
class Received:
    token: str
    plaintext: bytes
    headers: dict[str, str]

    @property
    def payload(self) -> dict:
        return json.loads(self.plaintext)


class FakePushService(LocalServer):
    """Accept POST /push/<token>: VAPID JWT (ES256, aud, exp, sub, k) then decrypt, or a scripted answer."""

    def __init__(self, delay: float = 0.0, name: str | None = None):
        self.browsers: dict[str, Browser] = {}
        self.received: list[Received] = []
        self.rejected: list[tuple[str, int, str]] = []
        self.requests = 0
        self.delay = delay
        super().__init__(name)

    def subscribe(self, application_server_key: str) -> Browser:
        """Make a browser subscription for the given applicationServerKey, like PushManager.subscribe."""
        token = secrets.token_urlsafe(16)
        browser = Browser(
            token=token,
            endpoint=f"{self.origin}/push/{token}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth=os.urandom(16),
            application_server_key=application_server_key,
        )
        self.browsers[token] = browser
        return browser

    def handle(self, path, query, headers, body) -> Answer:
        headers = {name.lower(): value for name, value in headers.items()}
        with self.lock:
            self.requests += 1
        if self.delay:
            time.sleep(self.delay)
        browser = self.browsers.get(path.removeprefix("/push/"))
        if browser is None:
            return self._reject("?", 404, "no such subscription")
        problem = self.vapid_problem(headers.get("authorization", ""), browser)
        if problem:
            return self._reject(browser.token, *problem)
        if headers.get("content-encoding") != "aes128gcm":
            return self._reject(browser.token, 400, "Content-Encoding must be aes128gcm")
        if not headers.get("ttl", "").isdigit():
            return self._reject(browser.token, 400, "TTL header missing")
        if browser.answers:
            scripted = browser.answers.popleft()
            self._reject(browser.token, scripted.status, "scripted")
            return scripted
        try:
            plaintext = http_ece.decrypt(
                body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
            )
        except Exception as error:
            return self._reject(browser.token, 400, f"decryption failed: {type(error).__name__}")
        with self.lock:
            self.received.append(Received(browser.token, plaintext, headers))
        return Answer(201, {"Location": f"{self.origin}/message/{secrets.token_hex(8)}"})

    def vapid_problem(self, authorization: str, browser: Browser) -> tuple[int, str] | None:
        """Check the RFC 8292 header `vapid t=<JWT>, k=<key>`; return (status, reason) when it fails."""
        scheme, _, rest = authorization.partition(" ")
        if scheme.lower() != "vapid":
            return 401, "Authorization is not vapid"
        params = dict(part.strip().split("=", 1) for part in rest.split(",") if "=" in part)
        if "t" not in params or "k" not in params:
            return 401, "vapid t= and k= are required"
        try:
            public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(params["k"]))
            claims = jwt.decode(
                params["t"],
                key=public_key,
                algorithms=["ES256"],
                audience=self.origin,
                options={"require": ["aud", "exp", "sub"]},
            )
        except Exception as error:
            return 401, f"JWT rejected: {type(error).__name__}: {error}"
        if claims["exp"] > time.time() + MAX_EXP_AHEAD:
            return 401, "exp is more than 24 hours ahead"
        if not str(claims["sub"]).startswith(("mailto:", "https:")):
            return 401, "sub is neither mailto: nor https:"
        if params["k"].rstrip("=") != browser.application_server_key:
            return 403, "k is not the applicationServerKey this subscription was made with"
        return None

    def _reject(self, token: str, status: int, reason: str) -> Answer:
        with self.lock:
            self.rejected.append((token, status, reason))
        return Answer(status, {"Content-Type": "text/plain"}, reason.encode())

    def reasons(self) -> list[str]:
        return [reason for _, _, reason in self.rejected]
