"""The push body is parsed fast (orjson) and, where orjson is stricter, as the standard library did."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from backend.extensions import db
from sync import tables

from ..api_client import Device, now_text
from .test_sync_push import PUSH, assert_error, report_args


def _raw(device: Device, args_text: str) -> bytes:
    command = device.command("hazard.report", **report_args())
    text = json.dumps({"client_id": device.client_id, "sent_at": now_text(), "commands": [command]})
    return text.replace(json.dumps(command["args"]), args_text).encode()


def _post(device: Device, raw: bytes):
    return device.client.post(PUSH, data=raw, content_type="application/json", headers=device.headers)


def _stored_commands(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(tables.commands))


def test_nan_and_infinity_in_args_are_malformed_and_nothing_is_stored(app, client, people):
    device = Device(client, "worker-a1")
    for literal in ("NaN", "Infinity", "-Infinity"):
        args = json.dumps(report_args())[:-1] + f', "extra": [1, {{"x": {literal}}}]}}'
        body = assert_error(_post(device, _raw(device, args)), 400, "malformed")
        assert body["fields"]["commands.0"] == ["操作内容含有非有限数字"]
        device.seq -= 1
    assert _stored_commands(app) == 0


def test_what_orjson_refuses_but_json_reads_is_applied_as_before(app, client, people):
    device = Device(client, "worker-a1")
    # An integer past 64 bits (orjson refuses it) in an argument the schema ignores.
    args = json.dumps(report_args())[:-1] + ', "big": 123456789012345678901234567890}'
    answer = _post(device, _raw(device, args))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["outcomes"][0]["status"] == "applied"
    assert _stored_commands(app) == 1


def test_a_body_that_is_not_json_is_malformed(client, people):
    device = Device(client, "worker-a1")
    for raw in (b"{", b"\xff\xfe", b"[" * 100_000, b'{"commands": [}'):
        assert_error(_post(device, raw), 400, "malformed")


def test_the_answer_is_json_with_every_outcome(client, people):
    device = Device(client, "worker-a1")
    commands = [device.command("hazard.report", **report_args()) for _ in range(3)]
    answer = device.client.post(
        PUSH,
        json={"client_id": device.client_id, "sent_at": now_text(), "commands": commands},
        headers={**device.headers, "Accept-Encoding": "gzip"},
    )
    assert answer.headers["Content-Type"] == "application/json"
    assert [o["seq"] for o in json.loads(answer.get_data())["outcomes"]] == [1, 2, 3]
