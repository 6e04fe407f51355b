"""Every registered command type is documented in the OpenAPI document with its argument schema."""

from backend.sync_setup import sync_engine


def test_every_registered_command_type_has_a_documented_args_schema(app, client):
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    with app.app_context():
        types = sync_engine().registry.types()
    assert "hazard.report" in types
    for command_type in types:
        documented = schemas.get(f"args.{command_type}")
        assert documented is not None, f"{command_type} has no args schema in the OpenAPI document"
        assert documented["description"], f"{command_type} has no description"
