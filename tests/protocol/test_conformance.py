"""Black-box conformance of the running server to docs/protocol.md (sync protocol v1).

Written from the contract alone. One live server (migrated, demo-seeded) serves the whole module;
tests run in file order, and the login-throttling tests come last so they lock nobody else out.
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from PIL import Image

from tests.live_server import live_server
from tests.protocol.client import API, Device, Session, now_rfc3339, sha256_hex, uuid7

PASSWORD = "demo1234"
A_USERS = ["principal-a", "officer-a", "worker-a1", "worker-a2", "contractor-a"]
B_USERS = ["officer-b", "worker-b1"]
ROLES = {
    "bureau": "bureau",
    "principal-a": "principal",
    "officer-a": "officer",
    "worker-a1": "worker",
    "worker-a2": "worker",
    "contractor-a": "worker",
    "officer-b": "officer",
    "worker-b1": "worker",
}
# A JWT secret handed to the server through the environment, so that an expired access token can be
# minted for the token_expired check; if the server does not take it, that one test is skipped.
TEST_SECRET = "conformance-" + "x" * 40
HAZARD_FIELDS = {
    "id",
    "enterprise_id",
    "title",
    "description",
    "location",
    "category",
    "criterion",
    "severity",
    "status",
    "photos",
    "reported_by",
    "captured_at",
    "received_at",
    "assignee_id",
    "due_date",
    "plan",
    "rectification",
    "verification",
    "history",
}
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$")
CJK = re.compile(r"[\u4e00-\u9fff]")

failed_logins = {"count": 0}  # failed logins sent from this address, for the per-address throttle


# --- fixtures and helpers -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    # Derived changes made inside each push's request, not by a thread a second later: a test that pages
    # through a pull "while nothing changed" must not meet the job committing an earlier push's due.
    env = {"SECRET_KEY": TEST_SECRET, "JWT_SECRET_KEY": TEST_SECRET, "DERIVED_AFTER_PUSH": "inline"}
    with live_server(tmp_path_factory.mktemp("protocol"), extra_env=env) as url:
        yield url


@pytest.fixture(scope="module")
def users(base):
    """username -> user object, from one login each."""
    return {name: login(base, name).user for name in ROLES}


def login(base: str, username: str, language: str = "en") -> Session:
    session = Session(base, language)
    session.login(username, PASSWORD)
    return session


def bad_login(base: str, username: str, password: str = "wrong-password", language: str = "en"):
    response = requests.post(
        f"{base}{API}/auth/login",
        json={"username": username, "password": password},
        headers={"Accept-Language": language},
        timeout=30,
    )
    if response.status_code == 401:
        failed_logins["count"] += 1
    return response


def device(base: str, username: str) -> Device:
    return Device(login(base, username))


def image_bytes(fmt: str = "JPEG", size=(64, 48)) -> bytes:
    """Real, unique image bytes in the given format."""
    seed = uuid.uuid4().bytes
    img = Image.new("RGB", size, (seed[0], seed[1], seed[2]))
    for i in range(min(size[0], 16)):
        img.putpixel((i, 0), (seed[i % 16], seed[(i + 1) % 16], seed[(i + 2) % 16]))
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


def assert_error(response: requests.Response, status: int, code: str | None = None) -> dict:
    """The status, and the error body every error has: {code, message}."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    body = response.json()
    assert isinstance(body.get("code"), str) and re.fullmatch(r"[a-z][a-z0-9_]*", body["code"]), body
    assert isinstance(body.get("message"), str) and body["message"].strip(), body
    if code is not None:
        assert body["code"] == code, body
    return body


def report_args(**overrides) -> dict:
    args = {
        "title": "Standing water near ladle",
        "description": "About 2 m² of water in the splash zone",
        "location": "Converter 2 platform",
        "severity": "general",
        "category": "environment",
        "criterion": "4.2",
        "photos": [],
    }
    args.update(overrides)
    return args


def run(dev: Device, type_: str, args: dict, entity_id: str | None = None, captured_at=None) -> dict:
    """Enqueue one command, push (blobs first) and return its outcome."""
    command = dev.enqueue(type_, args, entity_id, captured_at)
    dev.push()
    return dev.outcomes[command.seq]


def new_hazard(dev: Device, **overrides) -> str:
    photo = dev.add_blob(image_bytes())
    outcome = run(dev, "hazard.report", report_args(photos=[photo], **overrides))
    assert outcome["status"] == "applied", outcome
    return outcome["entity_id"]


def hazard(dev: Device, hazard_id: str) -> dict:
    dev.pull()
    change = dev.store[("hazard", hazard_id)]
    return {**change["data"], "_version": change["version"]}


def parse_time(value: str) -> datetime:
    assert RFC3339_UTC.match(value), value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def rejected(outcome: dict, code: str) -> None:
    assert outcome["status"] == "rejected", outcome
    assert outcome["code"] == code, outcome
    assert isinstance(outcome.get("message"), str) and outcome["message"], outcome


# --- auth ---------------------------------------------------------------------------------------


def test_login_returns_tokens_and_user_for_every_demo_user(base, users):
    a = users["worker-a1"]["enterprise_id"]
    b = users["worker-b1"]["enterprise_id"]
    assert a and b and a != b
    for name, role in ROLES.items():
        session = Session(base)
        answer = session.login(name, PASSWORD)
        assert isinstance(answer["access_token"], str) and answer["access_token"]
        assert isinstance(answer["refresh_token"], str) and answer["refresh_token"]
        user = answer["user"]
        assert set(user) >= {"id", "username", "display_name", "role", "enterprise_id"}
        uuid.UUID(user["id"])
        assert user["username"] == name and user["role"] == role and user["display_name"]
        expected = None if name == "bureau" else a if name in A_USERS else b
        assert user["enterprise_id"] == expected


def test_me_returns_the_user_object_with_enterprise_id_always_present(base):
    for name in ("bureau", "officer-a", "worker-b1"):
        session = login(base, name)
        me = session.me()
        assert me == session.user
        assert "enterprise_id" in me
    assert login(base, "bureau").me()["enterprise_id"] is None


def test_wrong_password_and_unknown_user_get_401_bad_credentials(base):
    assert_error(bad_login(base, "officer-a"), 401, "bad_credentials")
    assert_error(bad_login(base, "nobody-" + uuid.uuid4().hex[:8]), 401, "bad_credentials")


def test_successful_logins_are_never_throttled(base):
    for _ in range(25):
        assert (
            requests.post(
                f"{base}{API}/auth/login", json={"username": "worker-a2", "password": PASSWORD}, timeout=30
            ).status_code
            == 200
        )


def test_other_endpoints_are_not_rate_limited(base):
    session = login(base, "worker-a2")
    for _ in range(40):
        assert session.request("GET", f"{API}/me").status_code == 200


def test_calls_without_a_valid_access_token_get_401_unauthorized(base):
    session = Session(base)
    sha = "0" * 64
    calls = [
        ("GET", f"{API}/me", {}),
        (
            "POST",
            f"{API}/sync/push",
            {"json": {"client_id": uuid7(), "sent_at": now_rfc3339(), "commands": []}},
        ),
        ("GET", f"{API}/sync/pull", {}),
        ("GET", f"{API}/blobs/{sha}", {}),
        ("PUT", f"{API}/blobs/{sha}", {"data": b"x"}),
    ]
    for token in (None, "not-a-token"):
        for method, path, kwargs in calls:
            assert_error(session.request(method, path, token=token, **kwargs), 401, "unauthorized")
        assert session.request("HEAD", f"{API}/blobs/{sha}", token=token).status_code == 401


def test_refresh_token_is_not_an_access_token(base):
    session = login(base, "worker-a2")
    assert session.request("GET", f"{API}/me", token=session.refresh_token).status_code == 401


def test_refresh_rotates_and_a_spent_refresh_token_revokes_the_whole_login(base):
    session = login(base, "worker-a1")
    other_login = login(base, "worker-a1")  # another login of the same user must survive
    first_refresh = session.refresh_token
    answer = session.refresh()
    assert set(answer) >= {"access_token", "refresh_token"}
    assert answer["refresh_token"] != first_refresh
    assert session.me()["username"] == "worker-a1"
    # presenting the spent one: 401 unauthorized ...
    assert_error(session.request("POST", f"{API}/auth/refresh", token=first_refresh), 401, "unauthorized")
    # ... and that whole login is revoked: its newer refresh token and its access token too
    assert_error(
        session.request("POST", f"{API}/auth/refresh", token=session.refresh_token), 401, "unauthorized"
    )
    assert_error(session.request("GET", f"{API}/me"), 401, "unauthorized")
    assert other_login.me()["username"] == "worker-a1"
    other_login.refresh()
    assert other_login.me()["username"] == "worker-a1"


def test_logout_answers_204_and_its_refresh_token_no_longer_works(base):
    session = login(base, "worker-a2")
    refresh_token = session.refresh_token
    session.logout()
    assert_error(session.request("POST", f"{API}/auth/refresh", token=refresh_token), 401, "unauthorized")


def test_expired_access_token_gets_401_token_expired(base):
    jwt = pytest.importorskip("jwt")
    session = login(base, "worker-a1")
    try:
        claims = jwt.decode(
            session.access_token, TEST_SECRET, algorithms=["HS256"], options={"verify_exp": False}
        )
    except jwt.PyJWTError:
        pytest.skip("cannot mint an expired access token without the server's secret (it ignores SECRET_KEY)")
    past = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    claims.update(iat=past - 900, nbf=past - 900, exp=past)
    expired = jwt.encode(claims, TEST_SECRET, algorithm="HS256")
    assert_error(session.request("GET", f"{API}/me", token=expired), 401, "token_expired")


def _seq_gap(session):
    dev = Device(session)
    dev.next_seq = 3
    return dev.push_raw([dev.enqueue("hazard.report", report_args())])


def _too_large(session):
    dev = Device(session)
    return dev.push_raw([dev.enqueue("hazard.report", report_args()) for _ in range(501)])


def _offset_mismatch(session):
    data = image_bytes()
    return session.blob_put_chunk(sha256_hex(data), data[10:], 10, len(data))


def _unsupported(session):
    data = b"text " + uuid.uuid4().bytes
    return session.blob_put(data, sha256_hex(data), "text/plain")


ERROR_MAKERS = {
    "unauthorized": lambda s: s.request("GET", f"{API}/me", token=None),
    "malformed push": lambda s: s.request(
        "POST", f"{API}/sync/push", data=b"{", headers={"Content-Type": "application/json"}
    ),
    "seq_gap": _seq_gap,
    "too_large": _too_large,
    "reset_required": lambda s: s.request("GET", f"{API}/sync/pull", params={"cursor": "garbage"}),
    "hash_mismatch": lambda s: s.blob_put(image_bytes(), "a" * 64),
    "unsupported_media": _unsupported,
    "offset_mismatch": _offset_mismatch,
    "blob 404": lambda s: s.blob_get("e" * 64),
}


def test_bad_credentials_message_follows_accept_language(base):
    zh, en = bad_login(base, "nobody-lang", language="zh-CN"), bad_login(base, "nobody-lang", language="en")
    assert_error(zh, 401, "bad_credentials")
    assert_error(en, 401, "bad_credentials")
    assert CJK.search(zh.json()["message"]) and not CJK.search(en.json()["message"])


@pytest.mark.parametrize("error", list(ERROR_MAKERS))
def test_error_messages_follow_accept_language(base, error):
    zh = ERROR_MAKERS[error](login(base, "worker-a2", "zh-CN"))
    en = ERROR_MAKERS[error](login(base, "worker-a2", "en"))
    assert zh.status_code == en.status_code >= 400
    assert_error(zh, zh.status_code)
    assert_error(en, en.status_code)
    assert zh.json()["code"] == en.json()["code"]
    assert CJK.search(zh.json()["message"]), zh.text
    assert not CJK.search(en.json()["message"]), en.text


# --- push: whole-push checks -------------------------------------------------------------------


def test_push_applies_in_order_and_answers_outcomes_with_versions(base):
    dev = device(base, "worker-a1")
    photo = dev.add_blob(image_bytes())
    first = dev.enqueue("hazard.report", report_args(photos=[photo]))
    second = dev.enqueue("hazard.report", report_args(photos=[photo], title="Second"))
    answers = dev.push()
    assert len(answers) == 1
    answer = answers[0]
    assert answer["last_seq"] == 2 and answer["blocked"] is None
    assert [o["seq"] for o in answer["outcomes"]] == [1, 2]
    for command, outcome in zip((first, second), answer["outcomes"], strict=True):
        assert outcome == {**outcome, "id": command.id, "status": "applied", "entity_id": command.entity_id}
        assert outcome["version"] == 1
        assert not outcome.get("replayed")


def test_malformed_push_body_gets_400(base):
    session = login(base, "worker-a1")
    for body in (b"not json", b'{"commands": "nope"}', b"[]"):
        response = session.request(
            "POST", f"{API}/sync/push", data=body, headers={"Content-Type": "application/json"}
        )
        assert_error(response, 400)


def test_401_comes_before_400(base):
    session = Session(base)
    response = session.request("POST", f"{API}/sync/push", token=None, data=b"not json")
    assert_error(response, 401, "unauthorized")


def test_push_of_501_commands_gets_413_too_large(base):
    dev = device(base, "worker-a1")
    commands = [dev.enqueue("hazard.report", report_args()) for _ in range(501)]
    assert_error(dev.push_raw(commands), 413, "too_large")
    # nothing applied: the same client still starts at seq 1
    dev.outbox = commands[:1]
    answer = dev.push()[0]
    assert answer["outcomes"][0]["status"] == "applied" and not answer["outcomes"][0].get("replayed")


def test_push_of_500_commands_is_accepted(base):
    dev = device(base, "worker-a2")
    for _ in range(500):
        dev.enqueue("hazard.report", report_args(title="bulk"))
    answer = dev.push()[0]
    assert answer["last_seq"] == 500 and len(answer["outcomes"]) == 500
    assert {o["status"] for o in answer["outcomes"]} == {"applied"}


def test_push_over_2_mib_gets_413_too_large(base):
    dev = device(base, "worker-a1")
    command = dev.enqueue("hazard.report", report_args(description="x" * (2 * 1024 * 1024 + 10)))
    assert_error(dev.push_raw([command]), 413, "too_large")


def test_400_malformed_comes_before_413(base):
    session = login(base, "worker-a1")
    commands = [
        {
            "seq": i + 1,
            "id": uuid7(),
            "type": "hazard.report",
            "entity_id": uuid7(),
            "captured_at": now_rfc3339(),
            "args": report_args(),
        }
        for i in range(501)
    ]
    response = session.request(
        "POST", f"{API}/sync/push", json={"sent_at": now_rfc3339(), "commands": commands}
    )
    assert_error(response, 400)


def test_client_id_belongs_to_its_first_user_for_push_and_pull(base):
    owner = device(base, "worker-a1")
    new_hazard(owner)
    intruder = Device(login(base, "worker-a2"), client_id=owner.client_id)
    intruder.enqueue("hazard.report", report_args())
    assert_error(intruder.push_raw(intruder.outbox), 409, "client_owned_by_other_user")
    assert_error(intruder.pull_page(), 409, "client_owned_by_other_user")
    # other enterprise too
    other = Device(login(base, "worker-b1"), client_id=owner.client_id)
    assert_error(other.pull_page(), 409, "client_owned_by_other_user")


def test_413_comes_before_client_owned_by_other_user(base):
    owner = device(base, "worker-a1")
    new_hazard(owner)
    intruder = Device(login(base, "worker-a2"), client_id=owner.client_id)
    commands = [intruder.enqueue("hazard.report", report_args()) for _ in range(501)]
    assert_error(intruder.push_raw(commands), 413, "too_large")


def test_client_owned_comes_before_seq_checks(base):
    owner = device(base, "worker-a1")
    new_hazard(owner)
    intruder = Device(login(base, "worker-a2"), client_id=owner.client_id)
    intruder.next_seq = 1  # would be seq_mismatch for the owner
    intruder.enqueue("hazard.report", report_args())
    assert_error(intruder.push_raw(intruder.outbox), 409, "client_owned_by_other_user")
    intruder.outbox[0].seq = 9  # would be seq_gap for the owner
    assert_error(intruder.push_raw(intruder.outbox), 409, "client_owned_by_other_user")


def test_resending_a_seq_returns_the_stored_outcome_replayed_and_changes_nothing(base):
    dev = device(base, "worker-a1")
    photo = dev.add_blob(image_bytes())
    command = dev.enqueue("hazard.report", report_args(photos=[photo]))
    bad = dev.enqueue(
        "hazard.assign",
        {"assignee_id": dev.session.user["id"], "due_date": "2026-12-31"},
        entity_id=command.entity_id,
    )  # a worker may not assign
    first = dev.push()[0]
    before = hazard(dev, command.entity_id)
    again = Session._ok(dev.push_raw([command, bad]), 200).json()
    assert again["last_seq"] == 2 and again["blocked"] is None
    assert len(again["outcomes"]) == 2
    for old, new in zip(first["outcomes"], again["outcomes"], strict=True):
        assert new["replayed"] is True
        assert {k: v for k, v in new.items() if k not in ("replayed", "message")} == {
            k: v for k, v in old.items() if k not in ("replayed", "message")
        }
    assert again["outcomes"][1]["status"] == "rejected" and again["outcomes"][1]["code"] == "forbidden"
    after = hazard(dev, command.entity_id)
    assert after["_version"] == before["_version"] == 1
    assert after == before


def test_replay_then_new_commands_in_one_push(base):
    dev = device(base, "worker-a1")
    first = dev.enqueue("hazard.report", report_args())
    dev.push()
    second = dev.enqueue("hazard.report", report_args(title="after replay"))
    answer = Session._ok(dev.push_raw([first, second]), 200).json()
    assert [o["seq"] for o in answer["outcomes"]] == [1, 2]
    assert answer["outcomes"][0]["replayed"] is True
    assert answer["outcomes"][1]["status"] == "applied" and not answer["outcomes"][1].get("replayed")
    assert answer["last_seq"] == 2


def test_same_seq_with_a_different_command_id_gets_409_seq_mismatch(base):
    dev = device(base, "worker-a1")
    command = dev.enqueue("hazard.report", report_args())
    dev.push()
    impostor = {**command.wire(), "id": uuid7()}
    assert_error(dev.push_raw([impostor]), 409, "seq_mismatch")


def test_first_seq_beyond_last_plus_one_gets_409_seq_gap_with_expected_and_nothing_applied(base):
    dev = device(base, "worker-a1")
    dev.enqueue("hazard.report", report_args())
    dev.push()
    dev.next_seq = 4
    gap = [
        dev.enqueue("hazard.report", report_args(title="gap")),
        dev.enqueue("hazard.report", report_args()),
    ]
    body = assert_error(dev.push_raw(gap), 409, "seq_gap")
    assert body["expected"] == 2
    assert dev.pull_page(limit=1).json()["last_seq"] == 1
    dev.pull()
    assert ("hazard", gap[0].entity_id) not in dev.store
    # a brand-new client must start at 1
    fresh = device(base, "worker-a1")
    fresh.next_seq = 2
    fresh.enqueue("hazard.report", report_args())
    assert assert_error(fresh.push_raw(fresh.outbox), 409, "seq_gap")["expected"] == 1


def test_pull_last_seq_lets_a_reinstalled_client_resume_its_numbering(base):
    dev = device(base, "worker-a2")
    for _ in range(3):
        dev.enqueue("hazard.report", report_args())
    dev.push()
    reinstalled = Device(login(base, "worker-a2"), client_id=dev.client_id)
    reinstalled.pull()
    assert reinstalled.last_seq == 3
    assert reinstalled.pull_page(client_id=None).json()["last_seq"] is None
    reinstalled.next_seq = reinstalled.last_seq + 1
    assert run(reinstalled, "hazard.report", report_args())["status"] == "applied"


# --- push: blobs first --------------------------------------------------------------------------


def test_command_referencing_a_missing_photo_blocks_the_push_there(base):
    dev = device(base, "worker-a1")
    held = dev.add_blob(image_bytes())
    missing = dev.add_blob(image_bytes())
    dev.session.blob_ensure(dev.blobs[held])
    ok = dev.enqueue("hazard.report", report_args(photos=[held]))
    blocked_cmd = dev.enqueue("hazard.report", report_args(photos=[held, missing]))
    after = dev.enqueue("hazard.report", report_args(photos=[held]))
    answer = Session._ok(dev.push_raw(dev.outbox), 200).json()
    assert [o["seq"] for o in answer["outcomes"]] == [ok.seq]
    assert answer["outcomes"][0]["status"] == "applied"
    assert answer["blocked"] == {"seq": blocked_cmd.seq, "code": "blob_missing", "missing": [missing]}
    assert answer["last_seq"] == ok.seq
    dev.pull()
    assert ("hazard", blocked_cmd.entity_id) not in dev.store
    assert ("hazard", after.entity_id) not in dev.store
    # pushing again without uploading: still blocked, nothing rejected
    again = Session._ok(dev.push_raw([blocked_cmd, after]), 200).json()
    assert again["outcomes"] == [] and again["blocked"]["seq"] == blocked_cmd.seq
    # the client uploads and pushes again from that seq
    dev.outbox = [blocked_cmd, after]
    dev.push(upload_first=False)
    assert dev.outcomes[blocked_cmd.seq]["status"] == "applied"
    assert dev.outcomes[after.seq]["status"] == "applied"
    assert hazard(dev, blocked_cmd.entity_id)["photos"] == [held, missing]


def test_client_push_loop_recovers_from_blocked(base):
    dev = device(base, "worker-a1")
    photo = dev.add_blob(image_bytes())
    command = dev.enqueue("hazard.report", report_args(photos=[photo]))
    answers = dev.push(upload_first=False)
    assert answers[0]["blocked"]["missing"] == [photo]
    assert answers[-1]["blocked"] is None
    assert dev.outcomes[command.seq]["status"] == "applied"


# --- push: outcomes -----------------------------------------------------------------------------


def test_rejections_with_each_code_never_block_the_commands_after(base):
    worker = device(base, "worker-a1")
    officer = device(base, "officer-a")
    hz = new_hazard(worker)
    cmds = [
        worker.enqueue("hazard.report", report_args(title="", severity="catastrophic")),  # invalid
        worker.enqueue(
            "hazard.assign", {"assignee_id": worker.session.user["id"], "due_date": "2026-12-31"}, hz
        ),
        worker.enqueue(
            "hazard.assign", {"assignee_id": worker.session.user["id"], "due_date": "2026-12-31"}, uuid7()
        ),
        worker.enqueue("hazard.teleport", {}, hz),
        worker.enqueue("hazard.report", report_args(title="still applied")),
    ]
    answer = worker.push()[0]
    by_seq = {o["seq"]: o for o in answer["outcomes"]}
    rejected(by_seq[cmds[0].seq], "invalid")
    assert {"title", "severity"} <= set(by_seq[cmds[0].seq]["fields"])
    for messages in by_seq[cmds[0].seq]["fields"].values():
        assert isinstance(messages, list) and all(isinstance(m, str) and m for m in messages)
    rejected(by_seq[cmds[1].seq], "forbidden")
    rejected(by_seq[cmds[2].seq], "not_found")
    rejected(by_seq[cmds[3].seq], "unknown_type")
    assert by_seq[cmds[4].seq]["status"] == "applied"
    for outcome in answer["outcomes"]:
        assert outcome["id"] == next(c.id for c in cmds if c.seq == outcome["seq"])
    # conflict: officer verifies a hazard that is not rectified
    rejected(run(officer, "hazard.verify", {"accepted": True}, hz), "conflict")
    # rejected commands leave the version unchanged; the invalid report created nothing
    assert hazard(officer, hz)["_version"] == 1
    assert ("hazard", cmds[0].entity_id) not in officer.store


def test_rejection_check_order(base):
    worker = device(base, "worker-a1")
    officer = device(base, "officer-a")
    hz = new_hazard(worker)
    assign = {"assignee_id": worker.session.user["id"], "due_date": "2026-12-31"}
    # unknown_type before not_found
    rejected(run(worker, "hazard.teleport", {}, uuid7()), "unknown_type")
    # not_found before forbidden: a worker may not assign, but the hazard does not exist
    rejected(run(worker, "hazard.assign", assign, uuid7()), "not_found")
    # forbidden before conflict: a worker may not verify, and the hazard is not rectified
    rejected(run(worker, "hazard.verify", {"accepted": True}, hz), "forbidden")
    # forbidden before invalid: a worker may not assign, and the args are empty
    rejected(run(worker, "hazard.assign", {}, hz), "forbidden")
    # conflict before invalid: verify needs `rectified`, and `accepted` is missing
    rejected(run(officer, "hazard.verify", {}, hz), "conflict")
    # the officer's empty assign is merely invalid
    outcome = run(officer, "hazard.assign", {}, hz)
    rejected(outcome, "invalid")
    assert {"assignee_id", "due_date"} <= set(outcome["fields"])
    assert hazard(officer, hz)["_version"] == 1


def test_another_enterprises_hazard_is_not_found_by_guessing_its_id(base):
    worker = device(base, "worker-a1")
    hz = new_hazard(worker)
    officer_b = device(base, "officer-b")
    assignee = officer_b.session.user["id"]
    rejected(
        run(officer_b, "hazard.assign", {"assignee_id": assignee, "due_date": "2026-12-31"}, hz), "not_found"
    )
    rejected(run(officer_b, "hazard.dismiss", {"reason": "not ours"}, hz), "not_found")
    assert hazard(worker, hz)["status"] == "reported"


def test_bureau_gets_200_with_forbidden_per_command(base, users):
    bureau = device(base, "bureau")
    worker = device(base, "worker-a1")
    hz = new_hazard(worker)
    cmds = [
        bureau.enqueue("hazard.report", report_args()),
        bureau.enqueue(
            "hazard.assign", {"assignee_id": users["worker-a1"]["id"], "due_date": "2026-12-31"}, hz
        ),
        bureau.enqueue("hazard.dismiss", {"reason": "bureau says so"}, hz),
    ]
    answer = bureau.push()[0]
    assert answer["last_seq"] == 3
    assert [o["seq"] for o in answer["outcomes"]] == [c.seq for c in cmds]
    for outcome in answer["outcomes"]:
        rejected(outcome, "forbidden")
    assert hazard(worker, hz)["_version"] == 1


@pytest.mark.parametrize(
    "field",
    ["title", "description", "location", "severity"],
)
def test_report_without_a_required_arg_is_invalid(base, field):
    dev = device(base, "worker-a1")
    args = report_args()
    del args[field]
    outcome = run(dev, "hazard.report", args)
    rejected(outcome, "invalid")
    assert field in outcome["fields"], outcome


def test_report_validation(base):
    dev = device(base, "worker-a1")
    outcome = run(dev, "hazard.report", report_args(severity="huge"))
    rejected(outcome, "invalid")
    assert "severity" in outcome["fields"]
    for severity in ("general", "major"):
        assert run(dev, "hazard.report", report_args(severity=severity))["status"] == "applied"
    # category, criterion and photos may be left out
    args = report_args()
    for optional in ("category", "criterion", "photos"):
        del args[optional]
    assert run(dev, "hazard.report", args)["status"] == "applied"


def test_every_enterprise_user_may_report(base):
    for name in A_USERS + B_USERS:
        dev = device(base, name)
        assert run(dev, "hazard.report", report_args())["status"] == "applied", name


def test_assign_rules(base, users):
    worker = device(base, "worker-a1")
    officer = device(base, "officer-a")
    principal = device(base, "principal-a")
    general = new_hazard(worker)
    major = new_hazard(worker, severity="major")
    a1 = users["worker-a1"]["id"]
    # the assignee must be a user of the same enterprise
    outcome = run(
        officer, "hazard.assign", {"assignee_id": users["worker-b1"]["id"], "due_date": "2026-12-31"}, general
    )
    rejected(outcome, "invalid")
    assert "assignee_id" in outcome["fields"]
    # due_date is a date
    outcome = run(officer, "hazard.assign", {"assignee_id": a1, "due_date": "soon"}, general)
    rejected(outcome, "invalid")
    assert "due_date" in outcome["fields"]
    # a plan is required when severity is major
    outcome = run(officer, "hazard.assign", {"assignee_id": a1, "due_date": "2026-12-31"}, major)
    rejected(outcome, "invalid")
    assert "plan" in outcome["fields"]
    assert (
        run(officer, "hazard.assign", {"assignee_id": a1, "due_date": "2026-12-31", "plan": "drain"}, major)[
            "version"
        ]
        == 2
    )
    # officer or principal; reported or assigned -> assigned
    assert (
        run(officer, "hazard.assign", {"assignee_id": a1, "due_date": "2026-12-31"}, general)["version"] == 2
    )
    a2 = users["worker-a2"]["id"]
    assert (
        run(principal, "hazard.assign", {"assignee_id": a2, "due_date": "2027-01-15"}, general)["version"]
        == 3
    )
    data = hazard(officer, general)
    assert data["status"] == "assigned" and data["assignee_id"] == a2 and data["due_date"] == "2027-01-15"
    # contractor-a is a worker: may not assign
    contractor = device(base, "contractor-a")
    rejected(
        run(contractor, "hazard.assign", {"assignee_id": a1, "due_date": "2026-12-31"}, general), "forbidden"
    )


def test_rectify_rules(base, users):
    reporter = device(base, "worker-a1")
    other = device(base, "worker-a2")
    officer = device(base, "officer-a")
    photo = reporter.add_blob(image_bytes())
    done = {"note": "drained and fenced", "photos": [photo]}
    # 立查立改: the reporter rectifies a general hazard straight from reported
    quick = new_hazard(reporter)
    rejected(
        run(other, "hazard.rectify", {"note": "x", "photos": [other.add_blob(image_bytes())]}, quick),
        "forbidden",
    )
    outcome = run(reporter, "hazard.rectify", {"note": "", "photos": [photo]}, quick)
    rejected(outcome, "invalid")
    assert "note" in outcome["fields"]
    outcome = run(reporter, "hazard.rectify", {"note": "done", "photos": []}, quick)
    rejected(outcome, "invalid")
    assert "photos" in outcome["fields"]
    assert run(reporter, "hazard.rectify", done, quick)["version"] == 2
    data = hazard(officer, quick)
    assert data["status"] == "rectified"
    assert data["rectification"]["by"] == users["worker-a1"]["id"]
    assert data["rectification"]["note"] == done["note"] and data["rectification"]["photos"] == [photo]
    # an officer may rectify a general hazard from reported too
    assert run(officer, "hazard.rectify", done, new_hazard(reporter))["status"] == "applied"
    # a major hazard cannot be rectified from reported (it needs a plan first), not even by an officer
    major = new_hazard(reporter, severity="major")
    rejected(run(reporter, "hazard.rectify", done, major), "conflict")
    rejected(run(officer, "hazard.rectify", done, major), "conflict")
    # from assigned: the assignee or an officer, nobody else
    run(
        officer,
        "hazard.assign",
        {"assignee_id": users["worker-a2"]["id"], "due_date": "2026-12-31", "plan": "p"},
        major,
    )
    rejected(run(reporter, "hazard.rectify", done, major), "forbidden")
    other.add_blob(reporter.blobs[photo])
    assert run(other, "hazard.rectify", done, major)["version"] == 3


def test_verify_rules(base, users):
    worker = device(base, "worker-a1")
    officer = device(base, "officer-a")
    principal = device(base, "principal-a")
    photo = worker.add_blob(image_bytes())
    officer.add_blob(worker.blobs[photo])
    done = {"note": "fixed", "photos": [photo]}
    hz = new_hazard(worker)
    run(officer, "hazard.assign", {"assignee_id": users["worker-a1"]["id"], "due_date": "2026-12-31"}, hz)
    run(worker, "hazard.rectify", done, hz)
    # not accepted needs a note
    outcome = run(officer, "hazard.verify", {"accepted": False}, hz)
    rejected(outcome, "invalid")
    assert "note" in outcome["fields"]
    # sent back -> assigned
    assert run(officer, "hazard.verify", {"accepted": False, "note": "still wet"}, hz)["version"] == 4
    data = hazard(officer, hz)
    assert data["status"] == "assigned"
    assert data["verification"]["accepted"] is False and data["verification"]["note"] == "still wet"
    # the officer rectifies this time: the officer may not verify their own rectification
    run(officer, "hazard.rectify", done, hz)
    rejected(run(officer, "hazard.verify", {"accepted": True}, hz), "forbidden")
    assert run(principal, "hazard.verify", {"accepted": True}, hz)["version"] == 6
    assert hazard(worker, hz)["status"] == "closed"
    # a closed hazard cannot be rectified (or verified, assigned, dismissed) again
    rejected(run(worker, "hazard.rectify", done, hz), "conflict")
    rejected(run(principal, "hazard.verify", {"accepted": True}, hz), "conflict")
    rejected(
        run(
            officer, "hazard.assign", {"assignee_id": users["worker-a1"]["id"], "due_date": "2026-12-31"}, hz
        ),
        "conflict",
    )
    rejected(run(officer, "hazard.dismiss", {"reason": "x"}, hz), "conflict")
    assert hazard(worker, hz)["_version"] == 6


def test_dismiss_rules(base, users):
    worker = device(base, "worker-a1")
    officer = device(base, "officer-a")
    principal = device(base, "principal-a")
    hz = new_hazard(worker)
    rejected(run(worker, "hazard.dismiss", {"reason": "mine"}, hz), "forbidden")
    assert run(officer, "hazard.dismiss", {"reason": "duplicate"}, hz)["version"] == 2
    assert hazard(worker, hz)["status"] == "dismissed"
    rejected(run(principal, "hazard.dismiss", {"reason": "again"}, hz), "conflict")
    # only from reported
    assigned = new_hazard(worker)
    run(
        officer,
        "hazard.assign",
        {"assignee_id": users["worker-a1"]["id"], "due_date": "2026-12-31"},
        assigned,
    )
    rejected(run(principal, "hazard.dismiss", {"reason": "x"}, assigned), "conflict")
    assert run(principal, "hazard.dismiss", {"reason": "dup"}, new_hazard(worker))["status"] == "applied"


# --- the full hazard workflow -------------------------------------------------------------------


def test_full_hazard_workflow_converges_on_both_devices(base, users):
    worker = device(base, "worker-a1")
    officer = device(base, "officer-a")
    worker.pull()
    officer.pull()
    a1, officer_id = users["worker-a1"]["id"], users["officer-a"]["id"]
    enterprise = users["worker-a1"]["enterprise_id"]

    t0 = datetime.now(UTC) - timedelta(hours=3)
    at = [
        (t0 + timedelta(minutes=10 * i)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        for i in range(4)
    ]
    before = worker.add_blob(image_bytes())
    report = worker.enqueue(
        "hazard.report",
        report_args(
            title="Gas alarm faulty",
            severity="general",
            category="equipment",
            criterion="4.5",
            photos=[before],
        ),
        captured_at=at[0],
    )
    worker.push()
    assert worker.outcomes[report.seq]["version"] == 1
    hz = report.entity_id

    officer.pull()
    assert officer.get("hazard", hz)["status"] == "reported"
    outcome = run(
        officer,
        "hazard.assign",
        {"assignee_id": a1, "due_date": "2026-12-05", "plan": "replace sensor"},
        hz,
        at[1],
    )
    assert outcome["version"] == 2

    worker.pull()
    assert worker.get("hazard", hz)["status"] == "assigned"
    after = worker.add_blob(image_bytes())
    assert (
        run(worker, "hazard.rectify", {"note": "sensor replaced", "photos": [after]}, hz, at[2])["version"]
        == 3
    )

    officer.pull()
    assert officer.get("hazard", hz)["status"] == "rectified"
    assert (
        run(officer, "hazard.verify", {"accepted": True, "note": "alarm tested"}, hz, at[3])["version"] == 4
    )

    for dev in (worker, officer):
        dev.pull()
        change = dev.store[("hazard", hz)]
        assert change["version"] == 4 and change["deleted"] is False and change["entity"] == "hazard"
        data = change["data"]
        assert set(data) >= HAZARD_FIELDS, HAZARD_FIELDS - set(data)
        assert data["id"] == hz and data["enterprise_id"] == enterprise
        assert data["status"] == "closed"
        assert (data["title"], data["severity"], data["category"], data["criterion"]) == (
            "Gas alarm faulty",
            "general",
            "equipment",
            "4.5",
        )
        assert data["description"] and data["location"]
        assert data["photos"] == [before]
        assert data["reported_by"] == a1
        assert parse_time(data["captured_at"]) == parse_time(at[0])
        received = parse_time(data["received_at"])
        assert abs(received - datetime.now(UTC)) < timedelta(minutes=5)
        assert (
            data["assignee_id"] == a1
            and data["due_date"] == "2026-12-05"
            and data["plan"] == "replace sensor"
        )
        rect = data["rectification"]
        assert set(rect) >= {"note", "photos", "by", "at"}
        assert (rect["note"], rect["photos"], rect["by"]) == ("sensor replaced", [after], a1)
        assert parse_time(rect["at"]) == parse_time(at[2])
        ver = data["verification"]
        assert set(ver) >= {"accepted", "note", "by", "at"}
        assert (ver["accepted"], ver["note"], ver["by"]) == (True, "alarm tested", officer_id)
        assert parse_time(ver["at"]) == parse_time(at[3])
        history = data["history"]
        assert len(history) == 4
        verbs = ["report", "assign", "rectify", "verify"]
        for entry, verb, by, when in zip(history, verbs, [a1, officer_id, a1, officer_id], at, strict=True):
            assert set(entry) >= {"type", "by", "at", "received_at"}
            assert entry["type"] in (verb, f"hazard.{verb}"), entry
            assert entry["by"] == by
            assert parse_time(entry["at"]) == parse_time(when)
            assert abs(parse_time(entry["received_at"]) - datetime.now(UTC)) < timedelta(minutes=5)
    assert worker.store[("hazard", hz)] == officer.store[("hazard", hz)]


def test_all_times_in_pulled_hazards_are_rfc3339_utc(base):
    dev = device(base, "officer-a")
    dev.pull()
    hazards = [c["data"] for (entity, _), c in dev.store.items() if entity == "hazard"]
    assert hazards
    for data in hazards:
        for key in ("captured_at", "received_at"):
            parse_time(data[key])
        for part in ("rectification", "verification"):
            if data[part]:
                parse_time(data[part]["at"])
        for entry in data["history"]:
            parse_time(entry["at"])
            parse_time(entry["received_at"])


# --- pull ---------------------------------------------------------------------------------------


def test_pull_from_the_beginning_pages_with_the_cursor(base):
    dev = device(base, "officer-a")
    pages = dev.pull(limit=3)
    assert len(pages) > 1
    seen = []
    for page in pages:
        assert set(page) >= {"changes", "cursor", "more", "last_seq"}
        assert isinstance(page["cursor"], str) and page["cursor"]
        assert len(page["changes"]) <= 3
        for change in page["changes"]:
            assert set(change) >= {"entity", "id", "version", "deleted", "data"}
            assert isinstance(change["version"], int) and change["version"] >= 1
            seen.append((change["entity"], change["id"]))
    assert all(p["more"] for p in pages[:-1]) and pages[-1]["more"] is False
    assert len(seen) == len(set(seen)), "an entity came twice while nothing changed"
    # the same content in one page
    whole = device(base, "officer-a")
    whole.pull(limit=1000)
    assert set(whole.store) == set(dev.store)
    assert {k: v["version"] for k, v in whole.store.items()} == {
        k: v["version"] for k, v in dev.store.items()
    }


def test_limit_is_respected_at_its_bounds(base):
    dev = device(base, "officer-a")
    page = Session._ok(dev.pull_page(limit=1), 200).json()
    assert len(page["changes"]) == 1 and page["more"] is True
    page = Session._ok(dev.pull_page(limit=1000), 200).json()
    assert len(page["changes"]) <= 1000


def test_pull_without_client_id_has_null_last_seq_and_own_client_id_has_it(base):
    dev = device(base, "worker-a1")
    dev.enqueue("hazard.report", report_args())
    dev.enqueue("hazard.report", report_args())
    dev.push()
    assert Session._ok(dev.pull_page(client_id=None), 200).json()["last_seq"] is None
    assert Session._ok(dev.pull_page(), 200).json()["last_seq"] == 2


def test_pull_from_a_cursor_delivers_later_changes_at_their_latest_version(base, users):
    worker = device(base, "worker-a1")
    officer = device(base, "officer-a")
    hz = new_hazard(worker)
    officer.pull()
    cursor = officer.cursor
    run(officer, "hazard.assign", {"assignee_id": users["worker-a1"]["id"], "due_date": "2026-12-31"}, hz)
    run(officer, "hazard.assign", {"assignee_id": users["worker-a2"]["id"], "due_date": "2026-12-30"}, hz)
    pages = officer.pull()
    changes = [c for p in pages for c in p["changes"]]
    mine = [c for c in changes if c["id"] == hz]
    assert mine and mine[-1]["version"] == 3
    assert mine[-1]["data"]["assignee_id"] == users["worker-a2"]["id"]
    # nothing new: an empty, final page
    again = Session._ok(officer.pull_page(officer.cursor), 200).json()
    assert again["changes"] == [] and again["more"] is False
    # the old cursor still works and still brings the hazard
    old = Session._ok(officer.pull_page(cursor, limit=1000), 200).json()
    assert any(c["id"] == hz and c["version"] == 3 for c in old["changes"])


def test_garbage_cursor_gets_410_reset_required(base):
    dev = device(base, "worker-a1")
    for cursor in ("garbage", "eyJ2IjoxLCJwIjo5OTk5OTk5OSwiZiI6IjAwIn0", "AAAA"):
        assert_error(dev.pull_page(cursor), 410, "reset_required")


def test_nobody_sees_another_enterprises_records(base, users):
    a = users["worker-a1"]["enterprise_id"]
    b = users["worker-b1"]["enterprise_id"]
    b_dev = device(base, "worker-b1")
    b_hazard = new_hazard(b_dev)
    a_dev = device(base, "worker-a1")
    a_hazard = new_hazard(a_dev)

    def enterprises_of(dev):
        found = set()
        for (entity, id_), change in dev.store.items():
            data = change["data"] or {}
            found.add(id_ if entity == "enterprise" else data.get("enterprise_id"))
        return found

    for name in A_USERS:
        dev = device(base, name)
        dev.pull(limit=50)
        assert enterprises_of(dev) <= {a, None}, name
        assert ("hazard", a_hazard) in dev.store and ("hazard", b_hazard) not in dev.store
        assert ("user", users["worker-b1"]["id"]) not in dev.store
        assert ("user", users["officer-b"]["id"]) not in dev.store
    for name in B_USERS:
        dev = device(base, name)
        dev.pull(limit=50)
        assert enterprises_of(dev) <= {b, None}, name
        assert ("hazard", b_hazard) in dev.store and ("hazard", a_hazard) not in dev.store
        for other in A_USERS:
            assert ("user", users[other]["id"]) not in dev.store
    # the bureau sees every enterprise of its jurisdiction: it pulls their summaries, reads records online
    bureau = device(base, "bureau")
    bureau.pull()
    assert {a, b} <= enterprises_of(bureau)
    assert not [key for key in bureau.store if key[0] == "hazard"]
    assert a_hazard in {r["id"] for r in online(bureau.session, a, "hazard")}
    assert b_hazard in {r["id"] for r in online(bureau.session, b, "hazard")}
    # and nothing of a neighbouring county's bureau
    neighbour = device(base, "bureau-wenshui")
    neighbour.pull()
    assert not {a, b} & enterprises_of(neighbour)
    answer = neighbour.session.request(
        "GET", f"/api/v1/bureau/enterprises/{a}/records", params={"entity": "hazard"}
    )
    assert answer.status_code == 404


def online(session: Session, enterprise_id: str, entity: str) -> list[dict]:
    """Read an enterprise's records of one type as a bureau does: online, page by page."""
    found, cursor = [], None
    while True:
        params = {"entity": entity, "limit": 200, **({"cursor": cursor} if cursor else {})}
        answer = session.request("GET", f"/api/v1/bureau/enterprises/{enterprise_id}/records", params=params)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        found += page["records"]
        cursor = page["next_cursor"]
        if cursor is None:
            return found


def test_demo_data_seeds_both_enterprises_with_valid_uscc_and_records(base):
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    bureau = device(base, "bureau")
    bureau.pull()
    enterprises = [c["data"] for (entity, _), c in bureau.store.items() if entity == "enterprise_summary"]
    assert len(enterprises) >= 2
    for data in enterprises:
        code = data["uscc"]
        assert len(code) == 18 and set(code) <= set(alphabet)
        total = sum(alphabet.index(ch) * pow(3, i, 31) for i, ch in enumerate(code[:17]))
        assert alphabet[(31 - total % 31) % 31] == code[17], code
    statuses = {r["data"]["status"] for e in enterprises for r in online(bureau.session, e["id"], "hazard")}
    assert len(statuses) >= 2  # "in various states"


# --- blobs --------------------------------------------------------------------------------------


def test_blob_put_head_get_whole(base):
    session = login(base, "worker-a1")
    for fmt, mime in (("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")):
        data = image_bytes(fmt)
        sha = sha256_hex(data)
        head = session.blob_head(sha)
        assert head.status_code == 404
        assert session.blob_put(data, sha, mime).status_code == 201, fmt
        assert session.blob_put(data, sha, mime).status_code == 200, fmt
        assert session.blob_head(sha).status_code == 200
        got = session.blob_get(sha)
        assert got.status_code == 200 and got.content == data


def test_blob_put_too_large_gets_413_json_before_hash_check(base):
    session = login(base, "worker-a1")
    data = b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024 + 1)
    assert_error(session.blob_put(data, "b" * 64), 413, "too_large")
    assert_error(session.blob_put(data, sha256_hex(data)), 413, "too_large")


def test_blob_put_hash_mismatch_before_media_check(base):
    session = login(base, "worker-a1")
    assert_error(session.blob_put(image_bytes(), "c" * 64, "image/jpeg"), 400, "hash_mismatch")
    assert_error(session.blob_put(b"plain text", "c" * 64, "text/plain"), 400, "hash_mismatch")


def test_blob_put_unsupported_media_gets_415(base):
    session = login(base, "worker-a1")
    gif = image_bytes("GIF")
    fake_jpeg = b"\xff\xd8\xff\xe0" + uuid.uuid4().bytes * 100  # JPEG magic, not a JPEG
    for data, mime in (
        (b"hello " + uuid.uuid4().bytes, "text/plain"),
        (gif, "image/gif"),
        (fake_jpeg, "image/jpeg"),
        (image_bytes("BMP"), "image/jpeg"),
    ):
        assert_error(session.blob_put(data, sha256_hex(data), mime), 415, "unsupported_media")
        assert session.blob_head(sha256_hex(data)).status_code == 404


def test_resumable_upload_with_content_range(base):
    session = login(base, "worker-a1")
    data = image_bytes("PNG", (600, 400))
    # make it big enough for several chunks and still a real PNG
    img = Image.frombytes("RGB", (600, 400), uuid.uuid4().bytes * (600 * 400 * 3 // 16))
    out = io.BytesIO()
    img.save(out, "PNG")
    data = out.getvalue()
    sha, total = sha256_hex(data), len(data)
    chunk = total // 3 + 1
    answer = session.blob_put_chunk(sha, data[:chunk], 0, total)
    assert answer.status_code == 202 and answer.json() == {"offset": chunk}
    head = session.blob_head(sha)
    assert head.status_code == 404 and head.headers.get("Upload-Offset") == str(chunk)
    # a chunk at the wrong offset
    wrong = session.blob_put_chunk(sha, data[2 * chunk :], 2 * chunk, total)
    body = assert_error(wrong, 409, "offset_mismatch")
    assert body["offset"] == chunk
    answer = session.blob_put_chunk(sha, data[chunk : 2 * chunk], chunk, total)
    assert answer.status_code == 202 and answer.json() == {"offset": 2 * chunk}
    assert session.blob_head(sha).headers.get("Upload-Offset") == str(2 * chunk)
    final = session.blob_put_chunk(sha, data[2 * chunk :], 2 * chunk, total)
    assert final.status_code == 201
    assert session.blob_head(sha).status_code == 200
    assert session.blob_get(sha).content == data


def test_client_resumes_an_interrupted_upload_from_upload_offset(base):
    session = login(base, "worker-a1")
    img = Image.frombytes("RGB", (300, 300), uuid.uuid4().bytes * (300 * 300 * 3 // 16))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=95)
    data = out.getvalue()
    sha = sha256_hex(data)
    assert session.blob_put_chunk(sha, data[:10_000], 0, len(data)).status_code == 202
    assert session.blob_upload_resumable(data, chunk_size=20_000).status_code == 201
    assert session.blob_get(sha).content == data


def test_thumb_is_at_most_320_px_wide(base):
    session = login(base, "worker-a1")
    for size in ((1200, 800), (400, 1600)):
        img = Image.new("RGB", size, tuple(uuid.uuid4().bytes[:3]))
        out = io.BytesIO()
        img.save(out, "JPEG")
        sha = session.blob_ensure(out.getvalue())
        thumb = session.blob_get(sha, "thumb")
        assert thumb.status_code == 200
        assert Image.open(io.BytesIO(thumb.content)).width <= 320
        assert session.blob_get(sha).content == out.getvalue()


def test_blob_visibility(base):
    uploader = device(base, "worker-a1")
    referenced = uploader.add_blob(image_bytes())
    hz_photo_hazard = run(uploader, "hazard.report", report_args(photos=[referenced]))
    assert hz_photo_hazard["status"] == "applied"
    unreferenced = uploader.session.blob_ensure(image_bytes())
    # the uploader may fetch both
    for sha in (referenced, unreferenced):
        assert uploader.session.blob_get(sha).status_code == 200
    # same enterprise, sees the hazard: may fetch the referenced one only
    colleague = login(base, "worker-a2")
    assert colleague.blob_get(referenced).status_code == 200
    assert colleague.blob_get(referenced, "thumb").status_code == 200
    assert_error(colleague.blob_get(unreferenced), 404)
    # the bureau over the enterprise may fetch it; the neighbouring county's may not
    assert login(base, "bureau").blob_get(referenced).status_code == 200
    assert_error(login(base, "bureau-wenshui").blob_get(referenced), 404)
    # another enterprise's user gets 404, thumb too
    for name in B_USERS:
        other = login(base, name)
        assert_error(other.blob_get(referenced), 404)
        assert_error(other.blob_get(referenced, "thumb"), 404)
        assert_error(other.blob_get(unreferenced), 404)
    # and never stored at all: 404
    assert_error(uploader.session.blob_get("d" * 64), 404)


# --- throttling: last, so that nobody else is locked out ----------------------------------------


def test_zz_five_failures_for_one_username_get_429_too_many_attempts(base):
    statuses = []
    for _ in range(5):
        response = bad_login(base, "worker-b1")
        statuses.append(response.status_code)
        assert_error(response, 401, "bad_credentials")
    assert_error(bad_login(base, "worker-b1"), 429, "too_many_attempts")
    # other users log in as before
    assert login(base, "officer-b").me()["username"] == "officer-b"


def test_zz_200_failures_from_one_address_get_429_and_other_endpoints_are_not_limited(base):
    # docs/sync.md: a factory behind one NAT must live with at least 100; this server allows 200.
    session = login(base, "officer-a")
    answers = []
    while failed_logins["count"] < 200:
        response = bad_login(base, "nobody-" + uuid.uuid4().hex[:8])
        answers.append(response.status_code)
    assert set(answers) <= {401}, answers
    assert_error(bad_login(base, "nobody-" + uuid.uuid4().hex[:8]), 429, "too_many_attempts")
    assert session.me()["username"] == "officer-a"
    assert Session._ok(Device(session).pull_page(), 200)
