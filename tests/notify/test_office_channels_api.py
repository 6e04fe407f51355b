"""The office-channels blueprint: managers set their enterprise's robots, the bureau its own."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.models import OfficeChannel

from ..api_client import Device

URL = "/api/v1/office-channels"
WECOM = {"kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "name": "安全群"}
DINGTALK = {
    "kind": "dingtalk",
    "url": "https://oapi.dingtalk.com/robot/send?access_token=t",
    "secret": "SECx",
}


def stored(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(select(OfficeChannel).order_by(OfficeChannel.kind)).all()
        return [(c.enterprise_id, c.kind, c.url, c.secret, c.active) for c in rows]


def test_an_officer_sets_the_enterprise_robots_and_never_reads_the_secret_back(app, client, people):
    officer = Device(client, "officer-a")
    assert client.put(URL, json=WECOM, headers=officer.headers).status_code == 200
    answer = client.put(URL, json=DINGTALK, headers=officer.headers)
    assert answer.status_code == 200
    assert answer.get_json()["signed"] is True and "secret" not in answer.get_json()
    listed = client.get(URL, headers=officer.headers).get_json()
    assert [(c["kind"], c["enterprise_id"]) for c in listed] == [
        ("dingtalk", people["A"]),
        ("wecom", people["A"]),
    ]


def test_setting_a_kind_again_replaces_it(app, client, people):
    principal = Device(client, "principal-a")
    client.put(URL, json=WECOM, headers=principal.headers)
    client.put(URL, json={**WECOM, "url": WECOM["url"] + "2", "active": False}, headers=principal.headers)
    assert stored(app) == [(people["A"], "wecom", WECOM["url"] + "2", None, False)]


def test_the_bureau_sets_its_own_robot_and_enterprises_do_not_see_it(app, client, people):
    bureau, officer = Device(client, "bureau"), Device(client, "officer-b")
    client.put(URL, json=DINGTALK, headers=bureau.headers)
    assert stored(app) == [(None, "dingtalk", DINGTALK["url"], "SECx", True)]
    assert client.get(URL, headers=officer.headers).get_json() == []
    assert len(client.get(URL, headers=bureau.headers).get_json()) == 1


def test_a_worker_may_not_set_robots(app, client, people):
    worker = Device(client, "worker-a1")
    answer = client.put(URL, json=WECOM, headers=worker.headers)
    assert (answer.status_code, answer.get_json()["code"]) == (403, "forbidden")
    assert client.put(URL, json=WECOM).status_code == 401


def test_a_robot_url_must_be_https_and_the_kind_known(app, client, people):
    officer = Device(client, "officer-a")
    plain = client.put(URL, json={**WECOM, "url": "http://qyapi.weixin.qq.com/x"}, headers=officer.headers)
    assert (plain.status_code, list(plain.get_json()["fields"])) == (400, ["url"])
    other = client.put(URL, json={**WECOM, "kind": "feishu"}, headers=officer.headers)
    assert (other.status_code, list(other.get_json()["fields"])) == (400, ["kind"])
    assert stored(app) == []


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1:5432/",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/",
        "https://[::1]/",
        "https://localhost:6379/",
        "https://qyapi.weixin.qq.com.attacker.example/cgi-bin/webhook/send?key=abc",
        "https://qyapi.weixin.qq.com@10.0.0.1/cgi-bin/webhook/send?key=abc",
    ],
)
def test_a_robot_url_off_the_allow_list_is_refused_in_chinese(app, client, people, url):
    officer = Device(client, "officer-a")
    answer = client.put(URL, json={**WECOM, "url": url}, headers=officer.headers)
    assert (answer.status_code, answer.get_json()["code"]) == (400, "invalid")
    [problem] = answer.get_json()["fields"]["url"]
    assert problem.startswith("机器人地址")
    assert stored(app) == []


def test_office_webhook_hosts_lets_a_government_wecom_host_through(app, client, people):
    officer = Device(client, "officer-a")
    url = "https://zwwx.example.gov.cn/cgi-bin/webhook/send?key=abc"
    assert client.put(URL, json={**WECOM, "url": url}, headers=officer.headers).status_code == 400
    app.config["OFFICE_WEBHOOK_HOSTS"] = ["zwwx.example.gov.cn"]
    assert client.put(URL, json={**WECOM, "url": url}, headers=officer.headers).status_code == 200
    assert stored(app) == [(people["A"], "wecom", url, None, True)]
