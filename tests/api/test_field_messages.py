"""Every message the server writes for a person is Chinese unless the request prefers English."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict

import pytest
from marshmallow import ValidationError, fields, validate

from backend.field_messages import GENERIC, TEMPLATES, field_text, list_length

from ..api_client import Device
from .test_blobs import put

LATIN = re.compile(r"[A-Za-z]")
# Names a person sees on the thing itself: a robot's address starts with https, a photo is a JPEG file.
ALLOWED = re.compile(r"https|JPEG|PNG|WebP")


def latin(texts) -> list[str]:
    """Return the texts with a Latin letter outside the allowed names."""
    return [text for text in texts if LATIN.search(ALLOWED.sub("", text))]


REPORT = {"title": "配电箱门未关", "description": "", "location": "二车间", "severity": "general"}


def hazards_of(device: Device) -> list[dict]:
    return [change for (entity, _), change in device.pull_all().items() if entity == "hazard"]


def test_a_too_long_description_is_rejected_in_chinese_and_nothing_is_written(client, people):
    worker = Device(client, "worker-a1")
    outcome = worker.do("hazard.report", **{**REPORT, "description": "漏" * 100_000})
    assert (outcome["status"], outcome["code"]) == ("rejected", "invalid")
    assert outcome["message"] == "输入不正确"
    assert outcome["fields"] == {"description": ["长度不能超过 5000 个字符"]}
    assert hazards_of(worker) == []


def test_the_stored_rejection_reads_in_english_when_the_phone_prefers_it(client, people):
    worker = Device(client, "worker-a1")
    command = worker.command("hazard.report", **{**REPORT, "description": "漏" * 5001})
    body = {"client_id": worker.client_id, "sent_at": command["captured_at"], "commands": [command]}
    first = client.post("/api/v1/sync/push", json=body, headers=worker.headers).get_json()
    english = {**worker.headers, "Accept-Language": "en-US,en;q=0.9"}
    again = client.post("/api/v1/sync/push", json=body, headers=english).get_json()
    assert first["outcomes"][0]["fields"] == {"description": ["长度不能超过 5000 个字符"]}
    [replayed] = again["outcomes"]
    assert replayed["replayed"] is True
    assert replayed["message"] == "Invalid arguments"
    assert replayed["fields"] == {"description": ["Longer than maximum length 5000."]}


def test_a_photo_that_is_not_an_image_is_refused_in_chinese(client, people):
    worker = Device(client, "worker-a1")
    answer = put(worker, b"%PDF-1.7 not a photo" * 10)
    assert (answer.status_code, answer.get_json()["code"]) == (415, "unsupported_media")
    assert answer.get_json()["message"] == "仅支持 JPEG、PNG、WebP 图片"


def test_an_empty_login_names_each_missing_field(client, people):
    answer = client.post("/api/v1/auth/login", json={"username": "", "password": ""})
    assert answer.status_code == 400
    assert answer.get_json() == {
        "code": "invalid",
        "message": "请填写用户名和密码",
        "fields": {"username": ["请填写用户名"], "password": ["请填写密码"]},
    }
    only = client.post("/api/v1/auth/login", json={"username": "worker-a1"}).get_json()
    assert (only["code"], only["message"], only["fields"]) == (
        "invalid",
        "请填写密码",
        {"password": ["请填写密码"]},
    )
    english = client.post("/api/v1/auth/login", json={"password": "x"}, headers={"Accept-Language": "en"})
    assert english.get_json()["message"] == "Enter the username"
    assert english.get_json()["fields"] == {"username": ["Enter the username."]}


# Typical mistakes a phone (or a hand-written client) makes: (command, args, field the answer names).
BAD_COMMANDS = [
    ("hazard.report", {**REPORT, "title": ""}, "title"),
    ("hazard.report", {k: v for k, v in REPORT.items() if k != "location"}, "location"),
    ("hazard.report", {**REPORT, "severity": "catastrophic"}, "severity"),
    ("hazard.report", {**REPORT, "title": None}, "title"),
    ("hazard.report", {**REPORT, "title": 42}, "title"),
    ("hazard.report", {**REPORT, "photos": ["x"]}, "photos.0"),
    ("hazard.rectify", {"note": "已整改", "photos": []}, "photos"),
    ("hazard.report", {**REPORT, "photos": "0" * 64}, "photos"),
    ("hazard.report", {**REPORT, "criterion": "第四条"}, "criterion"),
    ("hazard.assign", {"assignee_id": "someone", "due_date": "2026-13-45"}, "assignee_id"),
    ("hazard.assign", {"assignee_id": str(uuid.uuid4()), "due_date": "next week"}, "due_date"),
    ("hazard.dismiss", {"reason": ""}, "reason"),
    ("hazard.dismiss", {"reason": "重复" * 1001}, "reason"),
    ("settings.update", {"opt_out": ["everything"]}, "opt_out.0"),
    ("settings.update", {"quiet_hours": {"start": "10pm", "end": "07:00"}}, "quiet_hours.start"),
]


@pytest.mark.parametrize(("type_", "args", "field"), BAD_COMMANDS)
def test_no_latin_word_reaches_a_chinese_phone_from_a_bad_command(client, people, type_, args, field):
    officer = Device(client, "officer-a")
    entity_id = officer.user["id"] if type_ == "settings.update" else None
    if type_.startswith("hazard.") and type_ != "hazard.report":
        entity_id = officer.do("hazard.report", **REPORT)["entity_id"]
    outcome = officer.do(type_, entity_id, **args)
    assert outcome["status"] == "rejected", outcome
    texts = [
        outcome["message"],
        *(m for messages in (outcome.get("fields") or {}).values() for m in messages),
    ]
    assert field in (outcome.get("fields") or {}), outcome
    assert latin(texts) == []
    assert GENERIC.zh not in outcome["fields"][field]  # each mistake has its own words


BAD_REQUESTS = [
    ("post", "/api/v1/auth/login", {"username": "a" * 65, "password": "x"}),
    ("post", "/api/v1/auth/login", {"username": "a", "password": "b", "remember": True}),
    ("get", "/api/v1/sync/pull?limit=abc", None),
    ("get", "/api/v1/sync/pull?limit=5000", None),
    ("post", "/api/v1/sync/push", {"client_id": "not-a-uuid", "sent_at": "x", "commands": []}),
    ("post", "/api/v1/sync/push", {"commands": "none"}),
    ("put", "/api/v1/push/subscription", {"endpoint": "ftp://x", "keys": {"p256dh": "x", "auth": 1}}),
    ("put", "/api/v1/office-channels", {"kind": "qq", "url": "http://127.0.0.1/"}),
    ("get", "/api/v1/deliveries?limit=0", None),
]


@pytest.mark.parametrize(("method", "path", "body"), BAD_REQUESTS)
def test_no_latin_word_reaches_a_chinese_phone_from_a_bad_request(client, people, method, path, body):
    officer = Device(client, "officer-a")
    answer = getattr(client, method)(path, json=body, headers=officer.headers)
    assert 400 <= answer.status_code < 500
    error = answer.get_json()
    texts = [error["message"], *(m for messages in (error.get("fields") or {}).values() for m in messages)]
    assert latin(texts) == [], error


def marshmallow_messages() -> set[str]:
    """Every message marshmallow's own fields and validators write on load, as they write it."""
    found = set()
    for field_class in vars(fields).values():
        if isinstance(field_class, type) and issubclass(field_class, fields.Field):
            for key, message in field_class.default_error_messages.items():
                if "format" in key:  # dump-side messages (a value that cannot be written out)
                    continue
                values = {"obj_type": getattr(field_class, "OBJ_TYPE", "datetime"), "awareness": "aware"}
                found.add(message.format_map(defaultdict(lambda: "a, b", values)))
    rules = [
        (validate.Length(min=2), "a"),
        (validate.Length(min=1), ""),
        (validate.Length(max=2), "abc"),
        (validate.Length(min=1, max=2), ""),
        (validate.Length(min=3, max=5), "a"),
        (validate.Length(equal=2), "a"),
        (validate.OneOf(["a", "b"]), "c"),
        (validate.NoneOf(["a"]), "a"),
        (validate.Equal("a"), "b"),
        (validate.Regexp("^a$"), "b"),
        (validate.URL(), "x"),
        (validate.Email(), "x"),
        (validate.ContainsOnly(["a"]), ["b"]),
        (validate.ContainsNoneOf(["a"]), ["a"]),
        (validate.Predicate("isdigit"), "a"),
        (list_length(min=1), []),
        (list_length(min=2, max=3), [1]),
        (list_length(max=1), [1, 2]),
    ]
    for low in (0, None):
        for high in (9, None):
            for low_inclusive in (True, False):
                for high_inclusive in (True, False):
                    if low is None and high is None:
                        continue
                    rules.append(
                        (
                            validate.Range(
                                low, high, min_inclusive=low_inclusive, max_inclusive=high_inclusive
                            ),
                            99,
                        )
                    )
                    rules.append(
                        (
                            validate.Range(
                                low, high, min_inclusive=low_inclusive, max_inclusive=high_inclusive
                            ),
                            -9,
                        )
                    )
    for rule, value in rules:
        try:
            rule(value)
        except ValidationError as error:
            found.update(error.messages)
    return found


def test_every_message_marshmallow_writes_has_its_chinese_words():
    messages = marshmallow_messages()
    assert len(messages) > 40
    untranslated = sorted(m for m in messages if field_text(m).zh == GENERIC.zh)
    assert untranslated == []
    assert latin(field_text(m).zh for m in messages) == []


def test_every_template_is_chinese_and_english_stays_as_written():
    assert latin(re.sub(r"\{\w+\}", "", chinese) for _, chinese in TEMPLATES) == []
    assert field_text("Longer than maximum length 5000.").en == "Longer than maximum length 5000."
    assert field_text("Give at most 20 items.").zh == "最多 20 项"
    assert field_text("应为 16 字节，实际 3 字节").zh == "应为 16 字节，实际 3 字节"  # already Chinese
    assert field_text("something nobody wrote a template for").zh == GENERIC.zh
