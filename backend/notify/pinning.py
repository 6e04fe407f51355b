"""An HTTP session that connects only to checked addresses: resolve once, check, connect to that IP.

The check sits where the socket is opened, so a name that resolves to a public address when the
subscription is saved and to 127.0.0.1 at delivery (DNS rebinding) is refused: no second lookup
happens between the check and the connection. Host header, SNI and certificate checks keep the name.
"""

from __future__ import annotations

import socket
from functools import cache

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from .outbound import checked_addresses


class _PinnedConnection:
    """Mixin for urllib3 connections: open the socket to an address the policy has just checked."""

    loopback_ok = False

    def _new_conn(self) -> socket.socket:
        addresses = checked_addresses(self._dns_host, self.port, self.loopback_ok)
        failure: OSError | None = None
        for address in addresses:
            try:
                sock = socket.create_connection(
                    (address, self.port), self.timeout, source_address=self.source_address
                )
            except TimeoutError as error:
                raise ConnectTimeoutError(self, f"connection to {self.host} timed out") from error
            except OSError as error:
                failure = error
                continue
            for option in self.socket_options or ():
                sock.setsockopt(*option)
            return sock
        raise NewConnectionError(self, f"failed to connect: {failure}")


@cache
def _pool_classes(loopback_ok: bool) -> dict[str, type]:
    """Return urllib3 pool classes whose connections are pinned (one set per loopback setting)."""
    attributes = {"loopback_ok": loopback_ok}
    plain = type("PinnedHTTPConnection", (_PinnedConnection, HTTPConnection), attributes)
    secure = type("PinnedHTTPSConnection", (_PinnedConnection, HTTPSConnection), attributes)
    return {
        "http": type("PinnedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": plain}),
        "https": type("PinnedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": secure}),
    }


class PinnedAdapter(HTTPAdapter):
    """A requests adapter whose pools use pinned connections."""

    def __init__(self, loopback_ok: bool = False):
        self.loopback_ok = loopback_ok
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self.loopback_ok)


class PinnedSession(requests.Session):
    """A session for push services: pinned connections, no redirects, no proxies from the environment."""

    def __init__(self, loopback_ok: bool = False):
        super().__init__()
        # A proxy would resolve the name itself, past the check.
        self.trust_env = False
        adapter = PinnedAdapter(loopback_ok)
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def request(self, method, url, *args, **kwargs):
        """Send without following redirects: a 3xx is the answer, whatever pywebpush asks for."""
        kwargs["allow_redirects"] = False
        return super().request(method, url, *args, **kwargs)
