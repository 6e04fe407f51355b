"""VAPID keys: from the environment, or generated once into instance/vapid.json."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from py_vapid import Vapid

KEY_FILE = "vapid.json"
BASE64URL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass(frozen=True)
class VapidKeys:
    """The server's VAPID identity: the signer, the applicationServerKey and the contact (sub)."""

    private_key: ec.EllipticCurvePrivateKey
    public_key: str
    subject: str

    def signer(self) -> Vapid:
        """Return a py_vapid signer for pywebpush."""
        return Vapid(self.private_key)


def b64url(raw: bytes) -> str:
    """Encode bytes as unpadded base64url, the form browsers use for keys."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded (or padded) base64url; raise ValueError on anything else."""
    text = text.strip().rstrip("=")
    if not text or any(
        c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in text
    ):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def application_server_key(private_key: ec.EllipticCurvePrivateKey) -> str:
    """Return the public key as PushManager.subscribe wants it: the uncompressed point, base64url."""
    point = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


def private_key_from_text(text: str) -> ec.EllipticCurvePrivateKey:
    """Read a P-256 private key given as PEM, base64url DER or the base64url 32-byte scalar."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
    else:
        raw = b64url_decode(text.replace("\n", ""))
        if len(raw) == 32:
            key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
        else:
            key = serialization.load_der_private_key(raw, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("VAPID keys are P-256 (prime256v1) EC keys")
    return key


def private_key_text(private_key: ec.EllipticCurvePrivateKey) -> str:
    """Return the 32-byte private scalar as base64url (what VAPID_PRIVATE_KEY accepts)."""
    return b64url(private_key.private_numbers().private_value.to_bytes(32, "big"))


def load_or_create_keys(folder: Path) -> ec.EllipticCurvePrivateKey:
    """Return the key kept in folder/vapid.json, creating it on first run (safe across processes)."""
    path = folder / KEY_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        body = {"private_key": private_key_text(key), "public_key": application_server_key(key)}
        temp = folder / f".{KEY_FILE}.{os.getpid()}.tmp"
        temp.write_text(json.dumps(body))
        temp.chmod(0o600)
        try:
            # link() fails when another process created the file first: then its key wins.
            os.link(temp, path)
        except FileExistsError:
            pass
        except OSError:
            # A filesystem without hard links: the last writer wins, still a whole file.
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)
    return private_key_from_text(json.loads(path.read_text())["private_key"])


def keys_for(config: dict) -> VapidKeys:
    """Build the VAPID keys of a config: the environment's, else instance/vapid.json's."""
    if config.get("VAPID_PRIVATE_KEY"):
        private_key = private_key_from_text(config["VAPID_PRIVATE_KEY"])
    else:
        private_key = load_or_create_keys(Path(config["INSTANCE_PATH"]))
    public_key = application_server_key(private_key)
    given = config.get("VAPID_PUBLIC_KEY")
    if given and given.rstrip("=") != public_key:
        raise ValueError("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY")
    return VapidKeys(private_key, public_key, config.get("VAPID_SUBJECT") or "mailto:safety@example.invalid")


def vapid_keys() -> VapidKeys:
    """Return the current app's VAPID keys, loaded once per app."""
    keys = current_app.extensions.get("vapid_keys")
    if keys is None:
        keys = current_app.extensions["vapid_keys"] = keys_for(current_app.config)
    return keys
