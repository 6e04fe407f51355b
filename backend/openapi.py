"""Makes the OpenAPI document say what the server answers: error bodies, 400 validation, bearer tokens."""

from __future__ import annotations

from apispec import BasePlugin
from flask_jwt_extended import jwt_required
from flask_smorest import Api, Blueprint
from flask_smorest.arguments import ArgumentsMixin

from .openapi_answers import (
    BY_OPERATION,
    EVERY_OPERATION,
    NO_DATABASE,
    OPERATION_DOCS,
    SIGNED_IN,
    WITH_BODY,
    WITH_DATABASE,
    Answer,
)
from .schemas.blobs import BlobOut, UploadProgress
from .schemas.errors import ErrorBody

BEARER = "bearer"
ERROR_SCHEMA_NAME = "ErrorBody"
# The code object of flask-jwt-extended's guard: a view wrapped by it requires a token.
_JWT_GUARD_CODE = jwt_required()(lambda: None).__code__


class ValidationParser(type(ArgumentsMixin.ARGUMENTS_PARSER)):
    """webargs parser whose validation failures are 400, as errors.py answers them (`invalid`)."""

    DEFAULT_VALIDATION_STATUS = 400


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint whose documented validation status is the one the server answers."""

    ARGUMENTS_PARSER = ValidationParser()


class SyncApi(Api):
    """flask-smorest's Api documenting this server's error body and bearer tokens, with no `default`."""

    ERROR_SCHEMA = ErrorBody
    # Every status an operation answers is listed on it; a catch-all would hide undocumented ones.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _init_spec(self, **options):
        plugins = [*options.pop("extra_plugins", ()), AnswersPlugin(self)]
        super()._init_spec(extra_plugins=plugins, **options)
        # The lazily registered error responses may have added ErrorBody already.
        for name, schema in (
            (ERROR_SCHEMA_NAME, ErrorBody),
            ("BlobOut", BlobOut),
            ("UploadProgress", UploadProgress),
        ):
            if name not in self.spec.components.schemas:
                self.spec.components.schema(name, schema=schema)
        self.spec.components.security_scheme(
            BEARER,
            {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "Access token from /api/v1/auth/login (refresh token for /auth/refresh)",
            },
        )


class AnswersPlugin(BasePlugin):
    """Adds to each operation its bearer requirement and every error status it can answer."""

    def __init__(self, api: Api) -> None:
        self.api = api

    def operation_helper(self, path=None, operations=None, **kwargs):
        """Complete each operation of a Flask rule from its view function and the answers table."""
        rule = kwargs.get("rule")
        if rule is None or operations is None:
            return
        view = self.api._app.view_functions.get(rule.endpoint)
        for method, operation in operations.items():
            key = f"{rule.endpoint}:{method}"
            _merge(operation, OPERATION_DOCS.get(key, {}))
            answers = dict(EVERY_OPERATION)
            if key not in NO_DATABASE:
                answers.update(WITH_DATABASE)
            if _jwt_guard(_handler(view, method)) is not None:
                operation["security"] = [{BEARER: []}]
                answers.update(SIGNED_IN)
            if "requestBody" in operation:
                answers.update(WITH_BODY)
            answers.update(BY_OPERATION.get(key, {}))
            responses = operation.setdefault("responses", {})
            present = {str(code) for code in responses}
            for status, answer in answers.items():
                if str(status) not in present:
                    responses[str(status)] = _response(answer, method)


def _merge(operation: dict, extra: dict) -> None:
    """Add documented parameters, body and responses to an operation, keeping what it has."""
    names = {(p.get("in"), p.get("name")) for p in operation.get("parameters", []) if isinstance(p, dict)}
    for parameter in extra.get("parameters", []):
        if (parameter["in"], parameter["name"]) not in names:
            operation.setdefault("parameters", []).append(parameter)
    if "requestBody" in extra:
        operation.setdefault("requestBody", extra["requestBody"])
    for status, response in extra.get("responses", {}).items():
        operation.setdefault("responses", {}).setdefault(status, response)


def _handler(view, method: str):
    """Return the function answering a method: the view, or its MethodView's method."""
    view_class = getattr(view, "view_class", None)
    return getattr(view_class, method, None) if view_class is not None else view


def _jwt_guard(function):
    """Return the jwt_required wrapper in a decorated view's chain, or None when it needs no token."""
    while function is not None:
        if getattr(function, "__code__", None) is _JWT_GUARD_CODE:
            return function
        function = getattr(function, "__wrapped__", None)
    return None


def _response(answer: Answer, method: str) -> dict:
    """Build the response object: an ErrorBody (none for HEAD) and the headers it carries."""
    response: dict = {"description": answer.description}
    if method != "head":
        response["content"] = {"application/json": {"schema": ERROR_SCHEMA_NAME}}
    if answer.headers:
        response["headers"] = {
            name: {"description": text, "schema": {"type": "integer", "minimum": 0}}
            for name, text in answer.headers.items()
        }
    return response
