"""Auth calls of protocol.md: login, rotating refresh with theft detection, logout, /me."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from flask_jwt_extended import create_access_token, decode_token

from backend.extensions import db
from backend.models import User

PASSWORD = "demo1234"
LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/me"


def login(client, username, password=PASSWORD, address="127.0.0.1", **headers):
    return client.post(
        LOGIN,
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def tokens_of(client, username="worker-a1"):
    answer = login(client, username)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def assert_error(answer, status, code):
    assert answer.status_code == status, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]


# --- login -------------------------------------------------------------------------------------------


def test_login_answers_tokens_and_user_object(client, people):
    answer = login(client, "worker-a1")
    assert answer.status_code == 200
    body = answer.get_json()
    assert set(body) == {"access_token", "refresh_token", "user"}
    assert body["user"] == {
        "id": people["worker-a1"],
        "username": "worker-a1",
        "display_name": body["user"]["display_name"],
        "role": "worker",
        "enterprise_id": people["A"],
    }
    assert body["user"]["display_name"]


def test_bureau_login_has_null_enterprise_id(client, people):
    body = tokens_of(client, "bureau")
    assert "enterprise_id" in body["user"] and body["user"]["enterprise_id"] is None
    assert body["user"]["role"] == "bureau"


def test_wrong_password_is_bad_credentials(client, people):
    assert_error(login(client, "worker-a1", "wrong"), 401, "bad_credentials")


def test_unknown_user_is_bad_credentials(client, people):
    assert_error(login(client, "nobody"), 401, "bad_credentials")


def test_deactivated_user_is_bad_credentials_even_with_right_password(app, client, people):
    with app.app_context():
        db.session.get(User, people["worker-a2"]).active = False
        db.session.commit()
    assert_error(login(client, "worker-a2"), 401, "bad_credentials")


def test_deactivated_users_access_token_stops_working(app, client, people):
    tokens = tokens_of(client, "worker-a2")
    with app.app_context():
        db.session.get(User, people["worker-a2"]).active = False
        db.session.commit()
    assert_error(client.get(ME, headers=bearer(tokens["access_token"])), 401, "unauthorized")


def test_login_messages_are_chinese_by_default_and_english_on_request(client, people):
    assert login(client, "worker-a1", "wrong").get_json()["message"] == "用户名或密码错误"
    english = login(client, "worker-a1", "wrong", **{"Accept-Language": "en"})
    assert english.get_json()["message"] == "Wrong username or password"


def test_login_without_password_is_400_with_fields(client, people):
    answer = client.post(LOGIN, json={"username": "worker-a1"})
    assert answer.status_code == 400
    assert "password" in answer.get_json()["fields"]


def test_passwords_are_stored_as_argon2_hashes(app, people):
    with app.app_context():
        for user in db.session.query(User):
            assert user.password_hash != PASSWORD
            assert user.password_hash.startswith("$argon2id$")
            assert PasswordHasher().verify(user.password_hash, PASSWORD)


# --- refresh, logout, /me ----------------------------------------------------------------------------


def test_refresh_gives_a_new_pair(client, people):
    first = tokens_of(client)
    answer = client.post(REFRESH, headers=bearer(first["refresh_token"]))
    assert answer.status_code == 200
    second = answer.get_json()
    assert set(second) == {"access_token", "refresh_token"}
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert client.get(ME, headers=bearer(second["access_token"])).status_code == 200
    assert client.post(REFRESH, headers=bearer(second["refresh_token"])).status_code == 200


def test_spent_refresh_token_is_unauthorized(client, people):
    first = tokens_of(client)
    assert client.post(REFRESH, headers=bearer(first["refresh_token"])).status_code == 200
    assert_error(client.post(REFRESH, headers=bearer(first["refresh_token"])), 401, "unauthorized")


def test_reusing_a_spent_refresh_token_revokes_the_whole_login(client, people):
    first = tokens_of(client)
    second = client.post(REFRESH, headers=bearer(first["refresh_token"])).get_json()
    assert client.get(ME, headers=bearer(second["access_token"])).status_code == 200
    assert_error(client.post(REFRESH, headers=bearer(first["refresh_token"])), 401, "unauthorized")
    assert_error(client.post(REFRESH, headers=bearer(second["refresh_token"])), 401, "unauthorized")
    assert_error(client.get(ME, headers=bearer(second["access_token"])), 401, "unauthorized")
    assert_error(client.get(ME, headers=bearer(first["access_token"])), 401, "unauthorized")


def test_theft_revocation_leaves_other_logins_of_the_same_user_alone(client, people):
    stolen = tokens_of(client)
    other = tokens_of(client)
    client.post(REFRESH, headers=bearer(stolen["refresh_token"]))
    client.post(REFRESH, headers=bearer(stolen["refresh_token"]))
    assert client.get(ME, headers=bearer(other["access_token"])).status_code == 200
    assert client.post(REFRESH, headers=bearer(other["refresh_token"])).status_code == 200


def test_logout_ends_the_login(client, people):
    tokens = tokens_of(client)
    answer = client.post(LOGOUT, headers=bearer(tokens["access_token"]))
    assert answer.status_code == 204
    assert answer.get_data() == b""
    assert_error(client.post(REFRESH, headers=bearer(tokens["refresh_token"])), 401, "unauthorized")
    assert_error(client.get(ME, headers=bearer(tokens["access_token"])), 401, "unauthorized")


def test_logout_needs_an_access_token(client, people):
    assert_error(client.post(LOGOUT), 401, "unauthorized")


def test_me_answers_the_user_object(client, people):
    tokens = tokens_of(client, "officer-b")
    answer = client.get(ME, headers=bearer(tokens["access_token"]))
    assert answer.status_code == 200
    assert answer.get_json() == tokens["user"]
    assert answer.get_json()["enterprise_id"] == people["B"]


def test_me_for_bureau_has_enterprise_id_null(client, people):
    tokens = tokens_of(client, "bureau")
    body = client.get(ME, headers=bearer(tokens["access_token"])).get_json()
    assert "enterprise_id" in body and body["enterprise_id"] is None


# --- token failures ----------------------------------------------------------------------------------


def test_expired_access_token_is_token_expired(app, client, people):
    tokens = tokens_of(client)
    with app.app_context():
        sid = decode_token(tokens["access_token"])["sid"]
        expired = create_access_token(
            identity=people["worker-a1"],
            additional_claims={"sid": sid, "role": "worker"},
            expires_delta=timedelta(seconds=-1),
        )
    assert_error(client.get(ME, headers=bearer(expired)), 401, "token_expired")


def test_expired_token_message_is_localised(app, client, people):
    tokens = tokens_of(client)
    with app.app_context():
        sid = decode_token(tokens["access_token"])["sid"]
        expired = create_access_token(
            identity=people["worker-a1"], additional_claims={"sid": sid}, expires_delta=timedelta(seconds=-1)
        )
    answer = client.get(ME, headers={**bearer(expired), "Accept-Language": "en"})
    assert answer.get_json() == {"code": "token_expired", "message": "The access token has expired"}


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer garbage", "Bearer a.b.c", "Basic dXNlcjpwYXNz"])
def test_missing_or_garbage_token_is_unauthorized(client, people, header):
    headers = {"Authorization": header} if header else {}
    assert_error(client.get(ME, headers=headers), 401, "unauthorized")


def test_token_signed_with_another_key_is_unauthorized(app, client, people):
    tokens = tokens_of(client)
    own_key = app.config["JWT_SECRET_KEY"]
    with app.app_context():
        sid = decode_token(tokens["access_token"])["sid"]
        app.config["JWT_SECRET_KEY"] = "someone-elses-key-that-is-long-enough-for-hs256"
        forged = create_access_token(identity=people["officer-a"], additional_claims={"sid": sid})
    app.config["JWT_SECRET_KEY"] = own_key
    assert_error(client.get(ME, headers=bearer(forged)), 401, "unauthorized")


def test_refresh_token_is_not_an_access_token(client, people):
    tokens = tokens_of(client)
    assert_error(client.get(ME, headers=bearer(tokens["refresh_token"])), 401, "unauthorized")


def test_access_token_is_not_a_refresh_token(client, people):
    tokens = tokens_of(client)
    assert_error(client.post(REFRESH, headers=bearer(tokens["access_token"])), 401, "unauthorized")


def test_token_without_a_session_is_unauthorized(app, client, people):
    with app.app_context():
        orphan = create_access_token(identity=people["worker-a1"], additional_claims={"sid": "no-such"})
    assert_error(client.get(ME, headers=bearer(orphan)), 401, "unauthorized")
