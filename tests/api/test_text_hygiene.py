"""Refused text at the boundary (lone surrogates, NUL, C0 controls); answers survive stored bad text."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.models import OfficeChannel, PushSubscription
from sync import tables

from ..api_client import now_text
from .hazard_site import applied, rejected

# As JSON.stringify sends them: a lone surrogate arrives as a \udXXX escape, so bodies are raw text.
REFUSED = ["a\ud800b", "a\udfffb", "a\x00b", "a\x01b", "a\x0bb", "a\x1bb", "\ud800"]
ALLOWED = ["第一行\r\n第二行\t完", "表情\U0001f600（由代理对转义而来）", "\x7f 与 \u200b 不属于 C0"]
EVERY_ROLE = ("worker-a1", "officer-a", "principal-a", "bureau")
PROBLEM = ["含有不允许的字符（控制字符或残缺的代理字符）"]  # sync.text_hygiene.FIELD_PROBLEM, in Chinese


def raw_post(client, url: str, body, headers=None, method="post"):
    """Send body as JSON text with \\u escapes, the way a browser sends a lone surrogate."""
    call = getattr(client, method)
    return call(url, data=json.dumps(body), content_type="application/json", headers=headers or {})


def push_raw(device, *commands) -> dict:
    """Push commands as raw JSON text; return the answer's JSON."""
    body = {"client_id": device.client_id, "sent_at": now_text(), "commands": list(commands)}
    answer = raw_post(device.client, "/api/v1/sync/push", body, device.headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def every_role_pulls(site) -> dict[str, dict]:
    """Pull everything as each role of enterprise A, and read A's hazards online as the bureau (its phone
    pulls summaries only); return the hazards each saw."""
    seen = {}
    for who in EVERY_ROLE:
        if who == "bureau":
            answer = site.client.get(
                f"/api/v1/bureau/enterprises/{site.people['A']}/records",
                query_string={"entity": "hazard", "limit": 200},
                headers=site[who].headers,
            )
            assert answer.status_code == 200, answer.get_json()
            seen[who] = {r["id"]: r for r in answer.get_json()["records"]}
        else:
            seen[who] = {key[1]: c for key, c in site[who].pull_all().items() if key[0] == "hazard"}
    return seen


def hazard_args(**changes) -> dict:
    return {
        "title": "平台积水",
        "description": "",
        "location": "2号转炉平台",
        "severity": "general",
        **changes,
    }


def count(site, query) -> int:
    with site.app.app_context():
        return db.session.scalar(query)


@pytest.mark.parametrize("bad", REFUSED)
def test_a_command_with_refused_text_is_rejected_invalid_and_the_rest_of_the_push_applies(any_site, bad):
    device = any_site["worker-a1"]
    first = device.command("hazard.report", **hazard_args(title=bad))
    second = device.command("hazard.report", **hazard_args(description="未受影响"))
    answer = push_raw(device, first, second)
    assert answer["last_seq"] == second["seq"]
    refused, kept = answer["outcomes"]
    assert rejected(refused, "invalid")["fields"] == {"title": PROBLEM}
    assert refused["message"].startswith("文字中含有不允许的字符")
    applied(kept)
    entity = tables.entities.c
    assert count(any_site, select(func.count()).where(entity.id == first["entity_id"])) == 0
    assert count(any_site, select(func.count()).where(entity.entity == "hazard")) == 1
    with any_site.app.app_context():
        logged = db.session.execute(
            select(tables.commands.c.args).where(tables.commands.c.id == first["id"])
        ).scalar_one()
    assert logged["title"] == "".join(
        "\ufffd" if ord(c) < 0x20 or 0xD800 <= ord(c) < 0xE000 else c for c in bad
    )
    assert all(set(hazards) == {kept["entity_id"]} for hazards in every_role_pulls(any_site).values())


def _equipment(site, **changes):
    points = [{"id": str(uuid.uuid4()), "energy_type": "electrical", "location": "1号配电柜"}]
    return {"name": "3号行车", "points": points, **changes}


# The issue's repros: each was applied, after which every pull of the enterprise answered 500.
REPROS = {
    "lockout.open": ("worker-a1", "reason"),
    "drill.plan": ("officer-a", "scenario"),
    "equipment.register": ("officer-a", "name"),
    "equipment.register points": ("officer-a", "points.0.location"),
    "hazard.report": ("worker-a1", "description"),
}


def _repro_args(site, case: str, bad: str) -> tuple[str, dict]:
    if case == "lockout.open":
        equipment = applied(site["officer-a"].do("equipment.register", **_equipment(site)))["entity_id"]
        return case, {"equipment_id": equipment, "work_type": "maintenance", "reason": bad}
    if case == "drill.plan":
        return case, {"type": "evacuation", "scenario": bad, "planned_on": "2026-11-29"}
    if case == "equipment.register":
        return case, _equipment(site, name=bad)
    if case == "equipment.register points":
        equipment = _equipment(site)
        equipment["points"][0]["location"] = bad
        return "equipment.register", equipment
    return case, hazard_args(description=bad)


@pytest.mark.parametrize("bad", ["a\ud800b", "a\x00b"])
@pytest.mark.parametrize("case", sorted(REPROS))
def test_the_issues_repros_are_rejected_and_every_role_still_pulls(any_site, case, bad):
    who, field = REPROS[case]
    command_type, args = _repro_args(any_site, case, bad)
    outcome = push_raw(any_site[who], any_site[who].command(command_type, **args))["outcomes"][0]
    assert rejected(outcome, "invalid")["fields"] == {field: PROBLEM}
    every_role_pulls(any_site)


@pytest.mark.parametrize("good", ALLOWED)
def test_tabs_line_breaks_and_surrogate_pairs_are_kept_as_sent(site, good):
    outcome = push_raw(
        site["worker-a1"], site["worker-a1"].command("hazard.report", **hazard_args(title=good))
    )
    assert site.hazard(applied(outcome["outcomes"][0])["entity_id"])["title"] == good


def test_a_refused_key_is_named_with_its_characters_replaced(site):
    command = site["worker-a1"].command("hazard.report", **hazard_args(extra={"k\x00": 1}))
    outcome = push_raw(site["worker-a1"], command)["outcomes"][0]
    assert rejected(outcome, "invalid")["fields"] == {"extra.k\ufffd": PROBLEM}


@pytest.mark.parametrize("field", ["username", "password"])
@pytest.mark.parametrize("bad", ["a\ud800b", "officer-a\x00"])
def test_login_with_refused_text_answers_400_invalid(any_site, field, bad):
    body = {"username": "officer-a", "password": "demo1234", field: bad}
    answer = raw_post(any_site.client, "/api/v1/auth/login", body)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.get_json()["code"] == "invalid"
    assert answer.get_json()["fields"] == {field: PROBLEM}
    assert answer.get_json()["message"].startswith("文字中含有不允许的字符")


@pytest.mark.parametrize("bad", ["机器人\ud800", "机器人\x00"])
def test_an_office_channel_with_refused_text_is_refused_and_not_stored(any_site, bad):
    body = {"kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "name": bad}
    answer = raw_post(any_site.client, "/api/v1/office-channels", body, any_site["officer-a"].headers, "put")
    assert (answer.status_code, answer.get_json()["code"]) == (400, "invalid")
    assert answer.get_json()["fields"] == {"name": PROBLEM}
    assert count(any_site, select(func.count()).select_from(OfficeChannel)) == 0


def _subscription(**changes) -> dict:
    keys = {
        "p256dh": "BAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-Pw",
        "auth": "AQIDBAUGBwgJCgsMDQ4PEA",
    }
    return {"endpoint": "https://updates.push.services.mozilla.com/wpush/v2/abc", "keys": keys, **changes}


@pytest.mark.parametrize(
    ("body", "headers", "field"),
    [
        (_subscription(user_agent="Mozilla/5.0 \ud800"), {}, "user_agent"),
        (_subscription(user_agent="Mozilla/5.0 \x00"), {}, "user_agent"),
        (_subscription(), {"User-Agent": "Mozilla/5.0 \x01"}, "User-Agent"),
    ],
)
def test_a_push_subscription_with_a_refused_user_agent_is_refused_and_not_stored(
    any_site, body, headers, field
):
    headers = {**any_site["worker-a1"].headers, **headers}
    answer = raw_post(any_site.client, "/api/v1/push/subscriptions", body, headers)
    assert (answer.status_code, answer.get_json()["code"]) == (400, "invalid")
    assert answer.get_json()["fields"] == {field: PROBLEM}
    assert count(any_site, select(func.count()).select_from(PushSubscription)) == 0


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/sync/pull?cursor=%00", "cursor"),
        ("/api/v1/deliveries?enterprise_id=%01", "enterprise_id"),
        ("/api/v1/exports/hazards.xlsx?enterprise_id=%00", "enterprise_id"),
    ],
)
def test_a_query_parameter_with_refused_text_answers_400_invalid(any_site, url, field):
    answer = any_site.client.get(url, headers=any_site["bureau"].headers)
    assert (answer.status_code, answer.get_json()["code"]) == (400, "invalid")
    assert answer.get_json()["fields"] == {field: PROBLEM}


def test_a_refused_command_with_a_secret_is_logged_scrubbed_and_without_the_secret(site):
    args = {"kind": "general", "topic": "煤气\x00", "trainer": "李安全", "hours": 4, "qr_secret": "s" * 43}
    command = site["officer-a"].command("training.schedule", scheduled_at="2026-11-20T08:00:00Z", **args)
    rejected(push_raw(site["officer-a"], command)["outcomes"][0], "invalid")
    with site.app.app_context():
        logged = db.session.execute(
            select(tables.commands.c.args).where(tables.commands.c.id == command["id"])
        ).scalar_one()
    assert (logged["topic"], logged["qr_secret"]) == ("煤气\ufffd", "***")


def test_a_body_nested_too_deeply_to_read_is_malformed_not_a_server_error(site):
    answer = site.client.post("/api/v1/auth/login", data="[" * 100_000, content_type="application/json")
    assert (answer.status_code, answer.get_json()["code"]) == (400, "malformed")
