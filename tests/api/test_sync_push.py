"""Push of protocol.md through HTTP: outcomes, idempotent replay, whole-push checks and their order."""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from backend.blob_setup import blob_store
from backend.extensions import db
from sync import tables
from sync.blobs import save_blob

from ..api_client import Device, now_text

PUSH = "/api/v1/sync/push"


def report_args(**extra):
    return {"title": "平台积水", "description": "", "location": "2号转炉", "severity": "general", **extra}


def send(device, body, **headers):
    """Post a raw push body (any JSON) as the device's user."""
    return device.client.post(PUSH, json=body, headers={**device.headers, **headers})


def body_of(device, *commands, client_id=None):
    return {"client_id": client_id or device.client_id, "sent_at": now_text(), "commands": list(commands)}


def assert_error(answer, status, code):
    assert answer.status_code == status, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    return body


def jpeg_bytes(colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def stored_entity(app, entity_id):
    with app.app_context():
        return db.session.execute(select(tables.entities).where(tables.entities.c.id == entity_id)).first()


def last_seq_of(app, client_id):
    with app.app_context():
        return db.session.execute(
            select(tables.clients.c.last_seq).where(tables.clients.c.id == client_id)
        ).scalar()


@pytest.fixture
def worker(client, people):
    return Device(client, "worker-a1")


@pytest.fixture
def officer(client, people):
    return Device(client, "officer-a")


# --- outcomes ----------------------------------------------------------------------------------------


def test_applied_command_answers_version_one_for_a_new_entity(worker):
    command = worker.command("hazard.report", **report_args())
    answer = worker.push(command)
    assert answer == {
        "last_seq": 1,
        "outcomes": [
            {
                "seq": 1,
                "id": command["id"],
                "status": "applied",
                "entity_id": command["entity_id"],
                "version": 1,
            }
        ],
        "blocked": None,
    }


def test_each_applied_command_adds_one_to_the_version(worker, officer, people):
    hazard = worker.do("hazard.report", **report_args())["entity_id"]
    assigned = officer.do("hazard.assign", hazard, assignee_id=people["worker-a1"], due_date="2030-01-01")
    assert assigned["version"] == 2
    again = officer.do("hazard.assign", hazard, assignee_id=people["worker-a2"], due_date="2030-01-02")
    assert again["version"] == 3


def test_rejected_command_has_code_and_message_and_keeps_the_version(app, worker, people):
    hazard = worker.do("hazard.report", **report_args())["entity_id"]
    command = worker.command("hazard.assign", hazard, assignee_id=people["worker-a2"], due_date="2030-01-01")
    outcome = worker.push(command)["outcomes"][0]
    assert outcome == {
        "seq": 2,
        "id": command["id"],
        "status": "rejected",
        "entity_id": hazard,
        "code": "forbidden",
        "message": "你无权执行此操作",
    }
    assert stored_entity(app, hazard).version == 1


def test_rejection_does_not_block_the_commands_after_it(worker):
    first = worker.command("hazard.report", **report_args())
    bad = worker.command("hazard.dismiss", first["entity_id"], reason="not mine to dismiss")
    third = worker.command("hazard.report", **report_args(title="另一处"))
    answer = worker.push(first, bad, third)
    assert [o["status"] for o in answer["outcomes"]] == ["applied", "rejected", "applied"]
    assert answer["last_seq"] == 3


def test_unknown_command_type_is_rejected_not_an_error(worker):
    outcome = worker.do("hazard.teleport", **report_args())
    assert outcome["status"] == "rejected" and outcome["code"] == "unknown_type"


def test_invalid_args_give_fields(worker):
    outcome = worker.do("hazard.report", title="", description="", location="x", severity="huge")
    assert outcome["code"] == "invalid"
    assert {"title", "severity"} <= set(outcome["fields"])


def test_outcome_messages_follow_accept_language(worker):
    command = worker.command("hazard.dismiss", str(uuid.uuid4()), reason="x")
    english = send(worker, body_of(worker, command), **{"Accept-Language": "en"}).get_json()
    assert english["outcomes"][0]["message"] == "No such record"
    chinese = send(worker, body_of(worker, command), **{"Accept-Language": "zh-CN"}).get_json()
    assert chinese["outcomes"][0]["message"] == "记录不存在"


def test_whole_push_errors_follow_accept_language(worker):
    command = worker.command("hazard.report", **report_args())
    command["seq"] = 4
    english = send(worker, body_of(worker, command), **{"Accept-Language": "en-US,en;q=0.9"})
    assert english.get_json()["message"] == "Commands are missing before this seq"
    chinese = send(worker, body_of(worker, command))
    assert chinese.get_json()["message"] == "序号不连续"


def test_bureau_gets_200_with_forbidden_per_command(client, people):
    bureau = Device(client, "bureau")
    worker = Device(client, "worker-a1")
    hazard = worker.do("hazard.report", **report_args())["entity_id"]
    answer = bureau.push(
        bureau.command("hazard.report", **report_args()),
        bureau.command("hazard.dismiss", hazard, reason="监管部门不可改记录"),
    )
    assert [(o["status"], o["code"]) for o in answer["outcomes"]] == [
        ("rejected", "forbidden"),
        ("rejected", "forbidden"),
    ]
    assert answer["last_seq"] == 2


# --- replay ------------------------------------------------------------------------------------------


def test_resending_a_seq_replays_the_stored_outcome_and_changes_nothing(app, worker):
    command = worker.command("hazard.report", **report_args())
    first = worker.push(command)["outcomes"][0]
    before = stored_entity(app, command["entity_id"])
    again = worker.push(command)
    assert again["outcomes"] == [{**first, "replayed": True}]
    assert again["last_seq"] == 1
    after = stored_entity(app, command["entity_id"])
    assert (after.version, after.position, after.data) == (before.version, before.position, before.data)


def test_replayed_rejection_stays_rejected(worker):
    command = worker.command("hazard.dismiss", str(uuid.uuid4()), reason="x")
    first = worker.push(command)["outcomes"][0]
    assert worker.push(command)["outcomes"] == [{**first, "replayed": True}]


def test_push_mixing_old_and_new_seqs_replays_old_and_applies_new(worker):
    first = worker.command("hazard.report", **report_args())
    worker.push(first)
    second = worker.command("hazard.report", **report_args(title="二"))
    answer = worker.push(first, second)
    assert [o.get("replayed", False) for o in answer["outcomes"]] == [True, False]
    assert answer["outcomes"][1]["status"] == "applied"
    assert answer["last_seq"] == 2


def test_same_seq_with_another_command_id_is_seq_mismatch(app, worker):
    command = worker.command("hazard.report", **report_args())
    worker.push(command)
    impostor = {**command, "id": str(uuid.uuid4()), "entity_id": str(uuid.uuid4())}
    assert_error(send(worker, body_of(worker, impostor)), 409, "seq_mismatch")
    assert stored_entity(app, impostor["entity_id"]) is None


def test_seq_gap_answers_expected_and_applies_nothing(app, worker):
    worker.push(worker.command("hazard.report", **report_args()))
    worker.seq = 4
    command = worker.command("hazard.report", **report_args())
    body = assert_error(send(worker, body_of(worker, command)), 409, "seq_gap")
    assert body["expected"] == 2
    assert stored_entity(app, command["entity_id"]) is None
    assert last_seq_of(app, worker.client_id) == 1


def test_first_push_of_a_client_must_start_at_seq_one(worker):
    worker.seq = 1
    body = assert_error(
        send(worker, body_of(worker, worker.command("hazard.report", **report_args()))), 409, "seq_gap"
    )
    assert body["expected"] == 1


def test_gap_inside_one_push_is_seq_gap(app, worker):
    first = worker.command("hazard.report", **report_args())
    worker.seq += 1
    third = worker.command("hazard.report", **report_args())
    body = assert_error(send(worker, body_of(worker, first, third)), 409, "seq_gap")
    assert body["expected"] == 2
    assert stored_entity(app, first["entity_id"]) is None


def test_client_id_of_another_user_is_refused(client, worker):
    worker.push(worker.command("hazard.report", **report_args()))
    colleague = Device(client, "worker-a2")
    colleague.client_id = worker.client_id
    command = colleague.command("hazard.report", **report_args())
    assert_error(send(colleague, body_of(colleague, command)), 409, "client_owned_by_other_user")


# --- malformed and too large -------------------------------------------------------------------------


def test_non_json_body_is_malformed(worker):
    answer = worker.client.post(
        PUSH, data=b"{not json", headers={**worker.headers, "Content-Type": "application/json"}
    )
    assert_error(answer, 400, "malformed")


def test_non_utf8_body_is_malformed(worker):
    answer = worker.client.post(PUSH, data=b"\xff\xfe\x00", headers=worker.headers)
    assert_error(answer, 400, "malformed")


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda body: body.update(client_id="not-a-uuid"), "client_id"),
        (lambda body: body.update(client_id=7), "client_id"),
        (lambda body: body.update(sent_at="yesterday"), "sent_at"),
        (lambda body: body.update(commands={"seq": 1}), "commands"),
        (lambda body: body["commands"][0].update(seq="1"), "commands.0"),
        (lambda body: body["commands"][0].update(seq=0), "commands.0"),
        (lambda body: body["commands"][0].update(seq=True), "commands.0"),
        (lambda body: body["commands"][0].update(id=42), "commands.0"),
        (lambda body: body["commands"][0].update(type=None), "commands.0"),
        (lambda body: body["commands"][0].update(entity_id="x"), "commands.0"),
        (lambda body: body["commands"][0].update(captured_at="2026-13-45"), "commands.0"),
        (lambda body: body["commands"][0].update(args=[]), "commands.0"),
        (lambda body: body["commands"].__setitem__(0, "hazard.report"), "commands.0"),
    ],
)
def test_wrong_types_are_malformed_with_fields(app, worker, mutate, field):
    command = worker.command("hazard.report", **report_args())
    body = body_of(worker, command)
    mutate(body)
    answer = assert_error(send(worker, body), 400, "malformed")
    assert field in answer["fields"]
    assert last_seq_of(app, worker.client_id) is None


@pytest.mark.parametrize("body", [[], "push", 1, None])
def test_body_that_is_not_an_object_is_malformed(worker, body):
    assert_error(send(worker, body), 400, "malformed")


def test_commands_out_of_seq_order_are_malformed(worker):
    first, second = (
        worker.command("hazard.report", **report_args()),
        worker.command("hazard.report", **report_args()),
    )
    assert_error(send(worker, body_of(worker, second, first)), 400, "malformed")


def test_501_commands_are_too_large(app, worker):
    commands = [worker.command("hazard.report", **report_args()) for _ in range(501)]
    assert_error(send(worker, body_of(worker, *commands)), 413, "too_large")
    assert last_seq_of(app, worker.client_id) is None


def test_500_commands_are_accepted(worker):
    commands = [worker.command("hazard.report", **report_args()) for _ in range(500)]
    answer = worker.push(*commands)
    assert answer["last_seq"] == 500 and len(answer["outcomes"]) == 500


def test_body_over_two_mib_is_too_large(app, worker):
    command = worker.command("hazard.report", **report_args(description="隐" * (800 * 1024)))
    body = body_of(worker, command)
    assert_error(send(worker, body), 413, "too_large")
    assert stored_entity(app, command["entity_id"]) is None


def test_body_over_the_read_limit_is_too_large_without_being_read(worker):
    answer = worker.client.post(
        PUSH, data=b"x" * (9 * 1024 * 1024), headers={**worker.headers, "Content-Type": "application/json"}
    )
    assert_error(answer, 413, "too_large")


# --- check order -------------------------------------------------------------------------------------


def test_401_comes_before_400(client, people):
    answer = client.post(PUSH, data=b"{not json", headers={"Content-Type": "application/json"})
    assert_error(answer, 401, "unauthorized")


def test_no_token_is_unauthorized(client, people):
    body = {"client_id": str(uuid.uuid4()), "sent_at": now_text(), "commands": []}
    assert_error(client.post(PUSH, json=body), 401, "unauthorized")


def test_400_comes_before_413(worker):
    commands = [worker.command("hazard.report", **report_args()) for _ in range(501)]
    commands[250]["captured_at"] = "later"
    assert_error(send(worker, body_of(worker, *commands)), 400, "malformed")


def test_badly_formed_body_over_two_mib_is_400_not_413(worker):
    answer = worker.client.post(
        PUSH, data=b"[" * (3 * 1024 * 1024), headers={**worker.headers, "Content-Type": "application/json"}
    )
    assert_error(answer, 400, "malformed")


def test_413_comes_before_client_owned_by_other_user(client, worker):
    worker.push(worker.command("hazard.report", **report_args()))
    colleague = Device(client, "worker-a2")
    colleague.client_id = worker.client_id
    commands = [colleague.command("hazard.report", **report_args()) for _ in range(501)]
    assert_error(send(colleague, body_of(colleague, *commands)), 413, "too_large")


def test_client_owned_by_other_user_comes_before_seq_mismatch(client, worker):
    worker.push(worker.command("hazard.report", **report_args()))
    colleague = Device(client, "worker-a2")
    colleague.client_id = worker.client_id
    command = colleague.command("hazard.report", **report_args())
    assert_error(send(colleague, body_of(colleague, command)), 409, "client_owned_by_other_user")


def test_seq_mismatch_comes_before_seq_gap(worker):
    first = worker.command("hazard.report", **report_args())
    worker.push(first)
    impostor = {**first, "id": str(uuid.uuid4())}
    worker.seq = 5
    gapped = worker.command("hazard.report", **report_args())
    assert_error(send(worker, body_of(worker, impostor, gapped)), 409, "seq_mismatch")


# --- blobs first -------------------------------------------------------------------------------------


def test_missing_photo_blocks_the_push_at_that_command(app, worker):
    photo = jpeg_bytes()
    sha = hashlib.sha256(photo).hexdigest()
    before = worker.command("hazard.report", **report_args())
    blocked = worker.command("hazard.report", **report_args(photos=[sha]))
    after = worker.command("hazard.report", **report_args())
    answer = worker.push(before, blocked, after)
    assert [o["seq"] for o in answer["outcomes"]] == [1]
    assert answer["blocked"] == {"seq": 2, "code": "blob_missing", "missing": [sha]}
    assert answer["last_seq"] == 1
    assert stored_entity(app, blocked["entity_id"]) is None
    assert stored_entity(app, after["entity_id"]) is None

    with app.app_context():
        assert save_blob(db.session, blob_store(), photo, worker.user["id"]) == sha
        db.session.commit()
    answer = worker.push(blocked, after)
    assert [(o["seq"], o["status"]) for o in answer["outcomes"]] == [(2, "applied"), (3, "applied")]
    assert answer["blocked"] is None and answer["last_seq"] == 3
    assert stored_entity(app, blocked["entity_id"]).data["photos"] == [sha]


def test_blocked_command_is_neither_applied_nor_rejected(app, worker):
    sha = "ab" * 32
    command = worker.command("hazard.report", **report_args(photos=[sha]))
    answer = worker.push(command)
    assert answer["outcomes"] == [] and answer["blocked"]["missing"] == [sha]
    with app.app_context():
        stored = db.session.execute(
            select(tables.commands).where(tables.commands.c.id == command["id"])
        ).first()
    assert stored is None


def test_blocked_lists_every_missing_photo_of_the_command(worker):
    shas = ["ab" * 32, "cd" * 32]
    answer = worker.push(worker.command("hazard.report", **report_args(photos=shas)))
    assert answer["blocked"] == {"seq": 1, "code": "blob_missing", "missing": shas}


# --- capture and receive times -----------------------------------------------------------------------


def test_captured_at_is_stored_beside_received_at_and_clock_offset(app, worker):
    device_clock = datetime.now(UTC) - timedelta(hours=1)
    text = device_clock.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    command = {**worker.command("hazard.report", **report_args()), "captured_at": text}
    body = {"client_id": worker.client_id, "sent_at": text, "commands": [command]}
    assert send(worker, body).status_code == 200
    with app.app_context():
        row = db.session.execute(select(tables.commands).where(tables.commands.c.id == command["id"])).first()
    captured = row.captured_at if row.captured_at.tzinfo else row.captured_at.replace(tzinfo=UTC)
    received = row.received_at if row.received_at.tzinfo else row.received_at.replace(tzinfo=UTC)
    assert abs(captured - device_clock) < timedelta(milliseconds=1)
    assert abs(received - datetime.now(UTC)) < timedelta(minutes=1)
    assert abs(row.clock_offset_ms - 3_600_000) < 60_000
