"""The OpenAPI document says what the server answers: error body, statuses, bearer tokens, entity types."""

from __future__ import annotations

import ast
from pathlib import Path

import jsonschema_rs
import pytest
from sqlalchemy import select

from backend import demo
from backend.extensions import db
from backend.schemas.errors import ErrorBody
from backend.sync_setup import ENTITY_TYPES
from sync import tables

ROOT = Path(__file__).resolve().parents[2]
ERROR_RAISERS = {"ApiError", "SyncError", "error_response"}
ERROR_ARGUMENTS = {"status", "code", "message"}


@pytest.fixture
def document(client):
    return client.get("/api/openapi.json").get_json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def test_the_error_body_has_a_string_code_a_message_and_field_lists(document):
    body = document["components"]["schemas"]["ErrorBody"]
    assert body["properties"]["code"]["type"] == "string"
    assert body["required"] == ["code", "message"]
    assert body["properties"]["fields"]["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }
    assert "Error" not in document["components"]["schemas"]  # flask-smorest's integer-code error is gone


def test_every_extra_field_an_error_is_raised_with_is_in_the_error_body():
    declared = {field.data_key or name for name, field in ErrorBody().fields.items()}
    raised = set()
    for source in [*ROOT.glob("backend/**/*.py"), *ROOT.glob("sync/**/*.py")]:
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ERROR_RAISERS:
                raised |= {k.arg for k in node.keywords if k.arg and k.arg not in ERROR_ARGUMENTS}
    assert {"fields", "seq", "expected", "offset", "max_commands", "max_bytes"} <= raised
    assert raised <= declared, f"undocumented error fields: {raised - declared}"


def test_no_operation_documents_422_or_a_catch_all_and_every_error_is_an_error_body(document):
    for path, method, operation in operations(document):
        assert "422" not in operation["responses"] and "default" not in operation["responses"], (method, path)
        for status, response in operation["responses"].items():
            if int(status) >= 400 and method != "head":
                ref = response.get("$ref") or response["content"]["application/json"]["schema"]["$ref"]
                if ref.startswith("#/components/responses/"):
                    named = document["components"]["responses"][ref.rsplit("/", 1)[1]]
                    ref = named["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ErrorBody", (method, path, status)


def test_validation_is_answered_and_documented_as_400_invalid_with_fields(client, document):
    answer = client.post("/api/v1/auth/login", json={"username": "someone"})
    assert answer.status_code == 400
    assert answer.get_json()["code"] == "invalid"
    assert answer.get_json()["fields"] == {"password": ["请填写密码"]}
    assert "400" in document["paths"]["/api/v1/auth/login"]["post"]["responses"]
    broken = client.post("/api/v1/auth/login", data="{", content_type="application/json")
    assert broken.status_code == 400 and broken.get_json()["code"] == "malformed"


def test_bearer_security_is_declared_exactly_on_the_operations_that_answer_401_without_a_token(
    client, document
):
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": document["components"]["securitySchemes"]["bearer"]["description"],
    }
    protected = 0
    for path, method, operation in operations(document):
        url = path.replace("{sha}", "0" * 64).replace("{ledger}", "hazards")
        url = url.replace("{notice_id}", "00000000-0000-4000-8000-000000000000")
        url = url.replace("{enterprise_id}", "00000000-0000-4000-8000-000000000000")
        url = url.replace("{entity}", "hazard").replace("{record_id}", "x")
        answer = client.open(
            url, method=method.upper(), json={} if method in ("post", "put", "delete") else None
        )
        if "security" in operation:
            protected += 1
            assert operation["security"] == [{"bearer": []}]
            assert answer.status_code == 401, (method, path)
            assert "401" in operation["responses"]
        else:
            assert answer.status_code != 401, (method, path)
    assert protected == 18


def test_the_pull_entity_enum_names_every_entity_type_and_seeded_data_uses_no_other(app, document):
    enum = document["components"]["schemas"]["EntityChange"]["properties"]["entity"]["enum"]
    assert enum == list(ENTITY_TYPES) and len(enum) == 21
    with app.app_context():
        demo.seed()
        stored = set(db.session.scalars(select(tables.entities.c.entity).distinct()))
    assert stored <= set(enum) and len(stored) >= 10


def test_seeded_pull_pages_match_the_documented_answer_for_every_role(app, client, document):
    with app.app_context():
        demo.seed()
    resolved = {**document["components"]["schemas"]["PullAnswer"], "components": document["components"]}
    validator = jsonschema_rs.Draft4Validator(_openapi_to_json_schema(resolved))
    for username in ("bureau", "officer-a", "worker-a1"):
        token = client.post("/api/v1/auth/login", json={"username": username, "password": "demo1234"})
        headers = {"Authorization": f"Bearer {token.get_json()['access_token']}"}
        cursor, pages = None, 0
        while True:
            page = client.get(
                "/api/v1/sync/pull", query_string={"cursor": cursor} if cursor else {}, headers=headers
            )
            assert page.status_code == 200
            errors = [e.message for e in validator.iter_errors(page.get_json())]
            assert not errors, (username, errors[:3])
            cursor, pages = page.get_json()["cursor"], pages + 1
            if not page.get_json()["more"]:
                break
        assert pages >= 1


def test_inspection_start_documents_self_check_id(document):
    start = document["components"]["schemas"]["args.inspection.start"]
    assert start["properties"]["self_check_id"]["format"] == "uuid"


def _openapi_to_json_schema(schema):
    """Turn OpenAPI 3.0 `nullable` into JSON Schema types, recursively."""
    if isinstance(schema, list):
        return [_openapi_to_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {k: _openapi_to_json_schema(v) for k, v in schema.items() if k != "nullable"}
    if schema.get("nullable"):
        converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def test_nested_validation_errors_are_lists_of_strings_under_their_dotted_path(client, people):
    login = client.post("/api/v1/auth/login", json={"username": "worker-a1", "password": "demo1234"})
    headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    body = {"endpoint": "https://push.example.com/x", "keys": {"p256dh": "abc"}}
    answer = client.post("/api/v1/push/subscriptions", json=body, headers=headers)
    assert answer.status_code == 400 and answer.get_json()["code"] == "invalid"
    fields = answer.get_json()["fields"]
    assert set(fields) == {"keys.auth", "keys.p256dh"}
    assert all(isinstance(m, str) for messages in fields.values() for m in messages)
