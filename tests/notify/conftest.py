"""Fixtures of the notification tests: an app that may reach 127.0.0.1, fake remote services there."""

from __future__ import annotations

import socket

import pytest

from .fake_push import FakePushService
from .fake_robots import FakeRobots

DINGTALK_SECRET = "SEC0123456789abcdef-test-secret"


@pytest.fixture
def push_app(app):
    """The SQLite app with the test-only setting on: push endpoints and robots on 127.0.0.1 allowed."""
    app.config["OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS"] = True
    return app


@pytest.fixture
def push_service():
    """A fake push service on 127.0.0.1."""
    service = FakePushService()
    yield service
    service.close()


@pytest.fixture
def listener():
    """A socket listening on 127.0.0.1 that nobody should connect to (count with servers.connections)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        sock.setblocking(False)
        yield sock


@pytest.fixture
def robots(app):
    """Fake WeCom and DingTalk robots on 127.0.0.1 (the app may reach them); DingTalk is signed."""
    app.config["OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS"] = True
    service = FakeRobots(dingtalk_secret=DINGTALK_SECRET)
    yield service
    service.close()


# A public address (not in any special-purpose range) the fake DNS gives the real push services' names.
PUBLIC_ADDRESS = "93.184.215.14"
PUSH_SERVICE_NAMES = (
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "web.push.apple.com",
    "push.example.com",
)


class FakeDns:
    """Names that resolve to a given address (set one again to rebind it), and the lookups made."""

    def __init__(self):
        self.names = dict.fromkeys(PUSH_SERVICE_NAMES, PUBLIC_ADDRESS)
        self.lookups: list[str] = []

    def __setitem__(self, name: str, address: str) -> None:
        self.names[name] = address

    def answer(self, name: str, port) -> list[tuple]:
        self.lookups.append(name)
        address = self.names[name]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, int(port or 0)))]


@pytest.fixture
def dns(monkeypatch):
    """Answer lookups of the FakeDns names from it (other names as usual); return the FakeDns."""
    fake, real = FakeDns(), socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name in fake.names:
            return fake.answer(name, port)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return fake
