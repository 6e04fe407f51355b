"""Errors as JSON values under /api (never an HTML page or a stack trace); the PWA shell elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import abort

from ..api_client import Device


def assert_json_error(answer, status, code):
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/json"
    body = answer.get_json()
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v2/sync/push", "/api/nothing", "/api", "/api/"])
def test_unknown_api_path_is_json_not_found(client, path):
    assert_json_error(client.get(path), 404, "not_found")


def test_not_found_message_follows_accept_language(client):
    assert client.get("/api/v1/nothing").get_json()["message"] == "不存在"
    english = client.get("/api/v1/nothing", headers={"Accept-Language": "en"})
    assert english.get_json()["message"] == "Not found"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/auth/login"),
        ("put", "/api/v1/sync/push"),
        ("post", "/api/v1/sync/pull"),
        ("delete", "/api/v1/me"),
    ],
)
def test_wrong_method_is_json_method_not_allowed(client, method, path):
    answer = getattr(client, method)(path)
    assert_json_error(answer, 405, "method_not_allowed")
    assert method.upper() not in answer.headers["Allow"]


def test_not_found_raised_by_an_api_view_stays_not_found(app):
    @app.route("/api/v1/test-missing/<name>")
    def missing(name):
        abort(404)

    assert_json_error(app.test_client().get("/api/v1/test-missing/x"), 404, "not_found")


def test_exception_in_a_view_is_json_internal_error(app):
    @app.route("/api/v1/test-boom")
    def boom():
        raise RuntimeError("secret detail that must not leak")

    answer = app.test_client().get("/api/v1/test-boom")
    body = assert_json_error(answer, 500, "internal_error")
    assert "secret detail" not in answer.get_data(as_text=True)
    assert "Traceback" not in answer.get_data(as_text=True)
    assert set(body) == {"code", "message"}


def test_exception_outside_api_is_not_json(app):
    @app.route("/test-boom")
    def boom():
        raise RuntimeError("secret detail that must not leak")

    answer = app.test_client().get("/test-boom")
    assert answer.status_code == 500
    assert "secret detail" not in answer.get_data(as_text=True)


def test_non_json_login_body_is_a_json_400(client, people):
    answer = client.post("/api/v1/auth/login", data="{bad", headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.get_json()["code"] in ("malformed", "invalid")


def test_body_over_the_server_limit_is_json_too_large(client, people):
    device = Device(client, "worker-a1")
    answer = client.post(
        "/api/v1/sync/push",
        data=b"x" * (13 * 1024 * 1024),
        headers={**device.headers, "Content-Type": "application/json"},
    )
    assert_json_error(answer, 413, "too_large")


def test_openapi_document_is_published(client):
    answer = client.get("/api/openapi.json")
    assert answer.status_code == 200
    document = answer.get_json()
    assert document["openapi"].startswith("3.")
    for path in ("/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/me", "/api/v1/sync/push"):
        assert path in document["paths"]


def test_api_docs_page_answers(client):
    answer = client.get("/api/docs")
    assert answer.status_code == 200
    assert answer.mimetype == "text/html"
    assert "openapi.json" in answer.get_data(as_text=True)


def test_health_answers_ok(client):
    answer = client.get("/api/v1/health")
    assert answer.status_code == 200 and answer.get_json()["status"] == "ok"  # the parts: test_health.py


# --- the PWA outside /api ----------------------------------------------------------------------------


def fetch(client, path):
    """GET a file response and close it (send_file keeps the file open until then)."""
    with client.get(path) as answer:
        return answer.status_code, answer.headers, answer.get_data()


@pytest.mark.parametrize("path", ["/", "/hazards", "/hazards/0193-abc/verify"])
def test_app_routes_serve_the_pwa_index(client, built_pwa, path):
    status, headers, data = fetch(client, path)
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "安全台账" in data.decode()
    assert headers["Cache-Control"] == "no-cache"


def test_hashed_assets_are_served_immutable(client, built_pwa):
    status, headers, _ = fetch(client, "/assets/index-abc123.js")
    assert status == 200
    assert "immutable" in headers["Cache-Control"]


def test_missing_file_outside_api_is_404_not_the_index(client, built_pwa):
    assert fetch(client, "/assets/missing-999.js")[0] == 404


def test_unbuilt_pwa_answers_503(app, client, tmp_path):
    app.config["PWA_DIST"] = str(tmp_path / "not-built")
    status, _, body = fetch(client, "/hazards")
    assert status == 503 and body.decode().startswith("应用尚未构建")


def test_real_pwa_build_serves_its_index(app, client):
    dist = Path(app.config["PWA_DIST"])
    if not (dist / "index.html").exists():
        pytest.skip("pwa/dist is not built")
    status, _, data = fetch(client, "/some/app/route")
    assert status == 200
    assert data == (dist / "index.html").read_bytes()


def test_every_code_the_error_handlers_answer_has_a_chinese_message():
    from backend.api.errors import HTTP_CODES
    from backend.messages import MESSAGES

    codes = {*HTTP_CODES.values(), "internal_error", "unavailable"}
    assert codes <= set(MESSAGES)
