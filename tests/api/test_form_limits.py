"""The PWA's generated form limits are the ones the live OpenAPI document publishes, never a stale copy."""

import json

from backend.form_limits import LIMITS_FILE, form_limits, limits_json


def _schemas(client):
    return client.get("/api/openapi.json").get_json()["components"]["schemas"]


def test_committed_limits_file_matches_the_published_schemas(client):
    committed = LIMITS_FILE.read_text(encoding="utf-8")
    stale = "pwa/src/generated/limits.json is stale: run `flask pwa-limits`"
    assert committed == limits_json(_schemas(client)), stale


def test_limits_carry_the_hazard_report_rules_the_server_enforces(client):
    report = form_limits(_schemas(client))["hazard.report"]
    assert report["description"] == {"maxLength": 5000, "required": True, "type": "string"}
    assert report["title"]["minLength"] == 1 and report["title"]["maxLength"] == 200
    assert report["severity"]["enum"] == ["general", "major"]
    assert "required" not in report["category"]


def test_every_command_type_and_the_login_form_have_limits(client):
    schemas = _schemas(client)
    forms = json.loads(LIMITS_FILE.read_text(encoding="utf-8"))
    published = {name.removeprefix("args.") for name in schemas if name.startswith("args.")}
    assert published <= set(forms)
    assert forms["auth.login"]["username"]["required"] is True


def test_a_changed_schema_makes_the_file_differ(client):
    schemas = _schemas(client)
    schemas["args.hazard.report"]["properties"]["description"]["maxLength"] = 4999
    assert limits_json(schemas) != LIMITS_FILE.read_text(encoding="utf-8")
