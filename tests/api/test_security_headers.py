"""Hardening headers on every kind of answer, HSTS only over https, Swagger UI from the app's own origin."""

from __future__ import annotations

import re

import pytest

from backend import config, create_app


def fetch(client, path):
    """GET a file response and close it (send_file keeps the file open until then)."""
    with client.get(path) as answer:
        return answer.status_code, answer.headers, answer.get_data()


def csp(headers) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    policy = headers["Content-Security-Policy"]
    return dict((part.strip() + " ").split(" ", 1) for part in policy.split(";"))


def assert_hardened(headers) -> None:
    """Assert every hardening header the app promises is on this answer."""
    policy = csp(headers)
    assert policy["default-src"].strip() == "'self'"
    assert policy["script-src"].strip() == "'self'"  # no inline script, no eval
    assert policy["frame-ancestors"].strip() == "'none'"
    assert policy["object-src"].strip() == "'none'"
    for directive in ("connect-src", "worker-src", "manifest-src"):
        assert policy[directive].strip() == "'self'"
    assert set(policy["img-src"].split()) == {"'self'", "data:", "blob:"}
    assert "unsafe" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    permissions = dict(item.split("=", 1) for item in headers["Permissions-Policy"].split(", "))
    assert permissions["camera"] == "(self)"
    assert permissions["microphone"] == "()" and permissions["geolocation"] == "()"


@pytest.mark.parametrize(
    "path", ["/", "/hazards/0193-abc", "/sw.js", "/assets/index-abc123.js", "/manifest.webmanifest"]
)
def test_pwa_answers_carry_the_headers(client, built_pwa, path):
    status, headers, _ = fetch(client, path)
    assert status == 200
    assert_hardened(headers)
    assert "Strict-Transport-Security" not in headers


def test_api_json_answer_carries_the_headers(client):
    answer = client.get("/api/v1/health")
    assert answer.status_code == 200 and answer.is_json
    assert_hardened(answer.headers)


@pytest.mark.parametrize(
    "method, path, status",
    [("GET", "/api/v1/me", 401), ("GET", "/api/v1/nothing-here", 404), ("PUT", "/api/v1/health", 405)],
)
def test_api_error_answers_carry_the_headers(client, method, path, status):
    answer = client.open(path, method=method)
    assert answer.status_code == status and answer.is_json
    assert_hardened(answer.headers)


def test_missing_file_outside_api_carries_the_headers(client, built_pwa):
    status, headers, _ = fetch(client, "/assets/missing-999.js")
    assert status == 404
    assert_hardened(headers)


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/api/v1/health").headers
    answer = client.get("/api/v1/health", environ_overrides={"wsgi.url_scheme": "https"})
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_a_client_claiming_https_without_a_trusted_proxy_gets_no_hsts(client):
    answer = client.get("/api/v1/health", headers={"X-Forwarded-Proto": "https"})
    assert answer.status_code == 200
    assert "Strict-Transport-Security" not in answer.headers


def test_https_reported_by_a_trusted_proxy_gets_hsts(tmp_path, monkeypatch):
    monkeypatch.setenv("PROXY_COUNT", "1")
    app = create_app(config.TestConfig(f"sqlite:///{tmp_path / 'proxied.db'}", tmp_path))
    client = app.test_client()
    over_https = client.get("/api/v1/health", headers={"X-Forwarded-Proto": "https"})
    assert over_https.headers["Strict-Transport-Security"] == "max-age=31536000"
    over_http = client.get("/api/v1/health", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in over_http.headers


def test_http_is_not_redirected_to_https(client, built_pwa):
    status, _, _ = fetch(client, "/")
    assert status == 200


# --- /api/docs: Swagger UI from the pinned package ------------------------------------------------------


def docs_references(html: str) -> list[str]:
    """Every src/href the docs page loads."""
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_docs_page_loads_only_same_origin_files_and_no_inline_script(client):
    answer = client.get("/api/docs")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert_hardened(answer.headers)
    html = answer.get_data(as_text=True)
    references = docs_references(html)
    assert references, html
    assert all(ref.startswith("/api/docs/assets/") for ref in references), references
    # Every <script> has a src and no body: the CSP allows no inline script.
    assert re.findall(r"<script[^>]*>(.*?)</script>", html, re.S) == [""] * html.count("<script")
    assert "/api/openapi.json" in html


def test_docs_assets_are_served_from_the_package(client):
    html = client.get("/api/docs").get_data(as_text=True)
    for ref in docs_references(html):
        status, headers, body = fetch(client, ref)
        assert status == 200, ref
        assert_hardened(headers)
        if ref.endswith(".js"):
            assert headers["Content-Type"].startswith("text/javascript")
        else:
            assert headers["Content-Type"].startswith("text/css")
        assert len(body) > 100
    _, _, bundle = fetch(client, "/api/docs/assets/swagger-ui-bundle.js")
    assert b"SwaggerUIBundle" in bundle


@pytest.mark.parametrize("name", ["index.html", "oauth2-redirect.html", "../config.py", "LICENSE"])
def test_docs_assets_serve_only_what_the_page_uses(client, name):
    assert client.get(f"/api/docs/assets/{name}").status_code == 404
