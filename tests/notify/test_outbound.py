"""The address policy: which robot URLs and push endpoints pass, and the pinned session that enforces it."""

from __future__ import annotations

import pytest

from backend import config as settings
from backend.notify.outbound import OutboundRefused, address_refusal, robot_url_refusal
from backend.notify.pinning import PinnedSession

from .servers import Answer, LocalServer, connections

# The examples first, then one address of every other special-purpose range.
INSIDE_ADDRESSES = {
    "127.0.0.1": "本机回环地址",
    "169.254.169.254": "链路本地地址",
    "10.0.0.1": "内网地址",
    "::1": "本机回环地址",
    "127.8.9.10": "本机回环地址",
    "172.31.255.1": "内网地址",
    "192.168.0.1": "内网地址",
    "100.64.0.1": "运营商级 NAT 地址",
    "100.127.255.254": "运营商级 NAT 地址",
    "224.0.0.251": "组播地址",
    "239.255.255.250": "组播地址",
    "0.0.0.0": "未指定地址",
    "255.255.255.255": "保留地址",
    "240.0.0.1": "保留地址",
    "192.0.2.1": "保留地址",
    "198.18.0.1": "保留地址",
    "::": "未指定地址",
    "::ffff:127.0.0.1": "本机回环地址",
    "::ffff:169.254.169.254": "链路本地地址",
    "::ffff:10.0.0.1": "内网地址",
    "2002:a00:1::": "内网地址",
    "64:ff9b::7f00:1": "本机回环地址",
    "fe80::1": "链路本地地址",
    "fe80::1%eth0": "链路本地地址",
    "fd12:3456::1": "内网地址",
    "ff02::1": "组播地址",
    "2001:db8::1": "保留地址",
}
PUBLIC_ADDRESSES = ["93.184.215.14", "8.8.8.8", "142.250.72.4", "2606:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize(("address", "what"), INSIDE_ADDRESSES.items())
def test_every_special_purpose_range_is_refused_and_named(address, what):
    assert address_refusal(address) == what


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_public_addresses_pass(address):
    assert address_refusal(address) is None


def test_the_test_only_exception_is_loopback_and_nothing_else():
    assert address_refusal("127.0.0.1", loopback_ok=True) is None
    assert address_refusal("::1", loopback_ok=True) is None
    assert address_refusal("10.0.0.1", loopback_ok=True) == "内网地址"
    assert address_refusal("169.254.169.254", loopback_ok=True) == "链路本地地址"


ROBOT_URLS = {
    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc": None,
    "https://oapi.dingtalk.com/robot/send?access_token=t": None,
    "https://OAPI.DingTalk.com./robot/send?access_token=t": None,
    "https://qyapi.weixin.qq.com:443/cgi-bin/webhook/send?key=abc": None,
    "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc": "https",
    "https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send": "允许名单",
    "https://qyapi.weixin.qq.com@10.0.0.1/cgi-bin/webhook/send": "有效",
    "https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send": "允许名单",
    "https://127.0.0.1:5432/": "允许名单",
    "https://169.254.169.254/latest/meta-data/": "允许名单",
    "https://10.0.0.1/": "允许名单",
    "https://[::1]/": "允许名单",
    "https://localhost:6379/": "允许名单",
    "https://zwwx.example.gov.cn/cgi-bin/webhook/send?key=abc": "允许名单",
    "https://[::1": "有效",
    "https://qyapi.weixin.qq.com:99999/cgi-bin/webhook/send": "有效",
}


@pytest.mark.parametrize(("url", "refusal"), ROBOT_URLS.items())
def test_robot_urls_go_to_the_allow_listed_hosts_only(app, url, refusal):
    with app.app_context():
        answer = robot_url_refusal(url)
    assert answer is None if refusal is None else refusal in answer


def test_office_webhook_hosts_extends_the_allow_list(app):
    app.config["OFFICE_WEBHOOK_HOSTS"] = ["zwwx.example.gov.cn", " Other.Example.cn "]
    with app.app_context():
        assert robot_url_refusal("https://zwwx.example.gov.cn/cgi-bin/webhook/send?key=abc") is None
        assert robot_url_refusal("https://other.example.cn/send") is None
        assert robot_url_refusal("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc") is None
        assert robot_url_refusal("https://10.0.0.1/") is not None


class Echo(LocalServer):
    """Answer 200 with the Host header it was sent."""

    def handle(self, path, query, headers, body) -> Answer:
        return Answer(200, body=headers.get("Host", "").encode())


def test_the_pinned_session_connects_to_the_address_it_checked_and_keeps_the_host(dns):
    server = Echo()
    try:
        dns["push.example.com"] = "127.0.0.1"
        port = server.server.server_address[1]
        with PinnedSession(loopback_ok=True) as session:
            answer = session.post(f"http://push.example.com:{port}/x", data=b"", timeout=5)
        assert (answer.status_code, answer.text) == (200, f"push.example.com:{port}")
        assert dns.lookups == ["push.example.com"]
    finally:
        server.close()


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "::ffff:127.0.0.1"])
def test_the_pinned_session_refuses_before_connecting(dns, listener, address):
    dns["push.example.com"] = address
    port = listener.getsockname()[1]
    with PinnedSession() as session, pytest.raises(OutboundRefused):
        session.post(f"https://push.example.com:{port}/x", data=b"", timeout=5)
    with PinnedSession() as session, pytest.raises(OutboundRefused):
        session.post(f"https://127.0.0.1:{port}/x", data=b"", timeout=5)
    assert connections(listener) == 0


def test_the_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("OFFICE_WEBHOOK_HOSTS", "zwwx.example.gov.cn, ,other.example.cn")
    monkeypatch.setenv("OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS", "1")
    config = settings.Config()
    assert config.OFFICE_WEBHOOK_HOSTS == ["zwwx.example.gov.cn", "other.example.cn"]
    assert config.OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS is True
    assert (
        settings.TestConfig(f"sqlite:///{tmp_path / 'x.db'}", tmp_path).OUTBOUND_ALLOW_LOOPBACK_FOR_TESTS
        is False
    )
