"""Schemathesis against live gunicorn: every answer matches the OpenAPI document, and none is a 5xx."""

from __future__ import annotations

import time

import pytest
import requests
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from tests.live_server import live_server

PASSWORD = "demo1234"
SIGNED_IN_AS = "officer-a"  # an officer reaches every operation: office channels, deliveries, exports
CHECKS = ("not_a_server_error", "status_code_conformance", "response_schema_conformance")
MAX_EXAMPLES = 12
TIME_LIMIT_SECONDS = 60  # the fuzzing phase runs until then


def _login(base: str) -> dict:
    answer = requests.post(
        f"{base}/api/v1/auth/login", json={"username": SIGNED_IN_AS, "password": PASSWORD}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def run_config(base: str, main: dict, spent: dict) -> SchemathesisConfig:
    """Only the three checks, no stateful phase; refresh and logout spend a session of their own."""
    return SchemathesisConfig.from_dict(
        {
            "base-url": base,
            "seed": 7,
            "max-time": TIME_LIMIT_SECONDS,
            "suppress-health-check": ["all"],
            "headers": _bearer(main["access_token"]),
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            "phases": {
                "stateful": {"enabled": False},
                "fuzzing": {"generation": {"max-examples": MAX_EXAMPLES}},
            },
            "operations": [
                {"include-path": "/api/v1/auth/refresh", "headers": _bearer(spent["refresh_token"])},
                {"include-path": "/api/v1/auth/logout", "headers": _bearer(spent["access_token"])},
            ],
        }
    )


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("schemathesis")) as url:
        yield url


def _operations(document: dict) -> set[str]:
    return {
        f"{m.upper()} {path}" for path, ops in document["paths"].items() for m in ops if m != "parameters"
    }


def test_every_answer_is_documented_and_none_is_a_server_error(base):
    config = run_config(base, main=_login(base), spent=_login(base))
    document = requests.get(f"{base}/api/openapi.json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(document, config=config)
    started = time.monotonic()
    failures, errors, tested, calls, stop_reason = [], [], set(), 0, None
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.status is not Status.SKIP:
            tested.add(event.label)
            calls += len(event.recorder.interactions)
            failures += [
                f"{event.label}: {check.name}: {info.failure.title}\n  {info.code_sample}"
                for checks in event.recorder.checks.values()
                for check in checks
                if check.status is Status.FAILURE and (info := check.failure_info) is not None
            ]
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(f"{getattr(event, 'label', '')}: {event.info.message}")
        elif isinstance(event, events.EngineFinished):
            stop_reason = event.stop_reason.value
    elapsed = time.monotonic() - started
    print(f"schemathesis: {len(tested)} operations, {calls} calls, {len(failures)} failures, {elapsed:.0f} s")
    assert not errors, "\n".join(errors)
    assert not failures, "\n".join(sorted(set(failures)))
    # Fuzzing goes on until the time limit; the examples and coverage phases always finish before it.
    assert stop_reason in ("completed", "max_time")
    assert tested == _operations(document)
    assert calls > 20 * len(tested)
