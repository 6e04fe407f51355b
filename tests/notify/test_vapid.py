"""VAPID keys: generated once into instance/, or given by the environment; `flask vapid-keys`."""

from __future__ import annotations

import json
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from backend.notify.vapid import application_server_key, keys_for, private_key_text, vapid_keys


def test_keys_are_generated_on_first_run_and_kept(app, tmp_path):
    with app.app_context():
        first = vapid_keys()
    kept = json.loads((tmp_path / "vapid.json").read_text())
    assert kept["public_key"] == first.public_key
    assert stat.S_IMODE((tmp_path / "vapid.json").stat().st_mode) == 0o600
    again = keys_for({"INSTANCE_PATH": str(tmp_path)})
    assert again.public_key == first.public_key
    assert again.subject == "mailto:safety@example.invalid"


@pytest.mark.parametrize("form", ["raw", "pem"])
def test_keys_from_the_environment_win_over_the_instance_folder(tmp_path, form):
    key = ec.generate_private_key(ec.SECP256R1())
    text = private_key_text(key)
    if form == "pem":
        text = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
    config = {
        "INSTANCE_PATH": str(tmp_path),
        "VAPID_PRIVATE_KEY": text,
        "VAPID_PUBLIC_KEY": application_server_key(key),
        "VAPID_SUBJECT": "https://anquan.example",
    }
    keys = keys_for(config)
    assert keys.public_key == application_server_key(key)
    assert keys.subject == "https://anquan.example"
    assert not (tmp_path / "vapid.json").exists()


def test_a_public_key_that_does_not_match_the_private_key_is_a_config_error(tmp_path):
    config = {
        "INSTANCE_PATH": str(tmp_path),
        "VAPID_PRIVATE_KEY": private_key_text(ec.generate_private_key(ec.SECP256R1())),
        "VAPID_PUBLIC_KEY": application_server_key(ec.generate_private_key(ec.SECP256R1())),
    }
    with pytest.raises(ValueError, match="does not belong"):
        keys_for(config)


def test_flask_vapid_keys_prints_the_public_key(app):
    result = app.test_cli_runner().invoke(args=["vapid-keys"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert result.output.strip() == vapid_keys().public_key


def test_flask_notify_deliver_runs_a_tick(app):
    result = app.test_cli_runner().invoke(args=["notify", "deliver"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "0 attempted, 0 sent"
