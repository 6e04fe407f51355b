"""Links that open outside the app: pushes, robot messages and notices point at PUBLIC_BASE_URL + "/#/…"."""

from __future__ import annotations

import pytest

from backend.config import public_base_url
from backend.extensions import db
from backend.notify import deliver_due
from backend.notify.links import absolute_link

from ..api.test_notices import send_notice
from .conftest import DINGTALK_SECRET
from .sending import post_to_office, push_to_user
from .test_webhooks import LINES, TITLE, channel
from .test_webpush import subscribe

BASE = "https://aq.example.cn:8443"


@pytest.fixture
def based(push_app):
    """The app with a deployment's own PUBLIC_BASE_URL, as the environment gives it."""
    push_app.config["PUBLIC_BASE_URL"] = public_base_url(BASE + "/")
    return push_app


@pytest.mark.parametrize(
    ("given", "absolute"),
    [
        ("/#/hazards/h-1", f"{BASE}/#/hazards/h-1"),
        ("/notices/n-1", f"{BASE}/#/notices/n-1"),  # a bare path is the same hash route
        ("#/me", f"{BASE}/#/me"),
        ("/", f"{BASE}/#/"),
        ("//evil.example/x", f"{BASE}/#/evil.example/x"),  # never another host
        ("https://elsewhere.example/#/x", "https://elsewhere.example/#/x"),
        (None, None),
    ],
)
def test_in_app_links_become_absolute_on_the_public_base(based, given, absolute):
    with based.app_context():
        assert absolute_link(given) == absolute


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("https://anquan.example.cn", "https://anquan.example.cn"),
        ("https://anquan.example.cn/", "https://anquan.example.cn"),
        ("http://192.168.1.20:5000", "http://192.168.1.20:5000"),
        (" http://127.0.0.1:5000/ ", "http://127.0.0.1:5000"),
    ],
)
def test_the_setting_keeps_an_origin_without_the_final_slash(text, kept):
    assert public_base_url(text) == kept


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("anquan.example.cn", "http:// or https://"),
        ("ftp://anquan.example.cn", "http:// or https://"),
        ("https://", "http:// or https://"),
        ("https://anquan.example.cn/app", "no path"),
        ("https://anquan.example.cn/?a=1", "no path"),
        ("https://anquan.example.cn/#/", "no path"),
        ("https://me:secret@anquan.example.cn", "user name"),
        ("https://anquan.example.cn:99999", "port"),
    ],
)
def test_a_setting_that_cannot_be_a_base_stops_the_start_with_a_reason(text, why):
    with pytest.raises(ValueError, match="PUBLIC_BASE_URL") as refused:
        public_base_url(text)
    assert why in str(refused.value) and repr(text) in str(refused.value)


def test_a_bad_setting_in_the_environment_stops_the_app_from_starting(monkeypatch, tmp_path):
    from backend.config import Config

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PUBLIC_BASE_URL", "anquan.example.cn/app")
    with pytest.raises(ValueError, match="PUBLIC_BASE_URL must start with http"):
        Config()
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://anquan.example.cn/")
    assert Config().PUBLIC_BASE_URL == "https://anquan.example.cn"


def test_the_default_is_the_address_make_run_serves(monkeypatch, tmp_path):
    from backend import config

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    assert config.Config().PUBLIC_BASE_URL == config.DEFAULT_PUBLIC_BASE_URL
    assert config.DEFAULT_PUBLIC_BASE_URL.startswith("http://127.0.0.1:")


def test_a_push_carries_an_absolute_link(based, people, push_service):
    subscribe(based, push_service, people["worker-a1"])
    payload = {"title": "隐患整改即将到期", "body": "", "url": "/#/hazards/h-1"}
    with based.app_context():
        [result] = push_to_user(db.session, people["worker-a1"], "n-1", payload)
    assert result.status == "sent"
    assert push_service.received[0].payload["url"] == f"{BASE}/#/hazards/h-1"


def test_both_robots_get_an_absolute_link(based, people, robots):
    with based.app_context():
        channel(people["A"], "wecom", robots.url("wecom"))
        channel(people["A"], "dingtalk", robots.url("dingtalk"), DINGTALK_SECRET)
        results = post_to_office(db.session, people["A"], "k-1", TITLE, LINES, "/#/hazards/h-1")
    assert [r.status for r in results] == ["sent", "sent"]
    messages = dict(robots.messages)
    link = f"[查看详情]({BASE}/#/hazards/h-1)"
    assert messages["wecom"]["markdown"]["content"].endswith(link)
    assert messages["dingtalk"]["markdown"]["text"].endswith(link)


def test_a_notice_reaches_the_robots_with_an_absolute_link(based, client, people, robots):
    with based.app_context():
        channel(people["A"], "wecom", robots.url("wecom"))
    _, notice_id, _ = send_notice(client)
    with based.app_context():
        assert [r.status for r in deliver_due(db.session)] == ["sent"]
    content = dict(robots.messages)["wecom"]["markdown"]["content"]
    assert content.endswith(f"[查看详情]({BASE}/#/notices/{notice_id})")
