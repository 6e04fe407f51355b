"""Fixtures of the notification tests: an app that allows local push endpoints, fake remote services."""

from __future__ import annotations

import pytest

from .fake_push import FakePushService
from .fake_robots import FakeRobots

DINGTALK_SECRET = "SEC0123456789abcdef-test-secret"


@pytest.fixture
def push_app(app):
    """The SQLite app with http://127.0.0.1 push endpoints allowed."""
    app.config["PUSH_ALLOW_INSECURE"] = True
    return app


@pytest.fixture
def push_service():
    """A fake push service on 127.0.0.1."""
    service = FakePushService()
    yield service
    service.close()


@pytest.fixture
def robots():
    """Fake WeCom and DingTalk robots on 127.0.0.1; DingTalk is the signed variant."""
    service = FakeRobots(dingtalk_secret=DINGTALK_SECRET)
    yield service
    service.close()
