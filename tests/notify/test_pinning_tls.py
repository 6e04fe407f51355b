"""Pinned https: the socket goes to the checked address, while SNI and the certificate check keep the name."""

from __future__ import annotations

import datetime
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from backend.notify.pinning import PinnedSession

NAME = "push.example.com"
# Fixed validity around any plausible test date: the certificate must not depend on the day.
VALID_FROM, VALID_TO = datetime.datetime(2020, 1, 1), datetime.datetime(2099, 1, 1)


def self_signed(folder, name: str) -> tuple[str, str]:
    """Write a self-signed certificate for a name and its key; return their paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(VALID_FROM)
        .not_valid_after(VALID_TO)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(cert_path), str(key_path)


@pytest.fixture
def tls_server(tmp_path):
    """An https server on 127.0.0.1 with a certificate for NAME; yields (port, ca path, SNI names seen)."""
    cert, key = self_signed(tmp_path, NAME)
    names: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            body = self.headers.get("Host", "").encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.server_address[1], cert, names
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_https_to_the_pinned_address_keeps_sni_host_and_certificate_name(dns, tls_server):
    port, ca, names = tls_server
    dns[NAME] = "127.0.0.1"
    with PinnedSession(loopback_ok=True) as session:
        session.verify = ca
        answer = session.get(f"https://{NAME}:{port}/", timeout=5)
    assert (answer.status_code, answer.text) == (200, f"{NAME}:{port}")
    assert names == [NAME]
    assert dns.lookups == [NAME]


def test_a_certificate_for_another_name_is_still_refused(dns, tls_server):
    port, ca, _ = tls_server
    dns["other.example.com"] = "127.0.0.1"
    with PinnedSession(loopback_ok=True) as session, pytest.raises(requests.exceptions.SSLError):
        session.verify = ca
        session.get(f"https://other.example.com:{port}/", timeout=5)
