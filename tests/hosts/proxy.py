"""A round-robin HTTP proxy on 127.0.0.1 over several hosts: records who served what, skips a dead host."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass

from tests.fault.proxy import UPSTREAM_SECONDS, LoopbackProxy, _bad_gateway, _complete, _read_request

CONNECT_SECONDS = 5


@dataclass
class Served:
    """One request as the proxy saw it: which host answered (None: none could be reached), and how."""

    at: float  # time.monotonic() when it arrived
    method: str
    path: str
    host: int | None
    status: int  # the host's status, or 502 when none answered in full
    client_id: str | None  # a push's client_id, read from its body
    skipped: tuple[int, ...]  # hosts that refused the connection first


class RoundRobinProxy(LoopbackProxy):
    """Send each request to the next host in turn, on a new connection closed after it.

    As nginx's `proxy_next_upstream error`: a host that refuses the connection is skipped for the next one,
    but a request that reached a host is never sent again (its answer cut short is a 502 for the client).
    """

    name = "round-robin-proxy"

    def __init__(self, upstream_ports: list[int]):
        super().__init__()
        self.upstream_ports = list(upstream_ports)
        self.log: list[Served] = []
        self._turn = 0

    def since(self, moment: float) -> list[Served]:
        """Return the requests that arrived at or after a time.monotonic() moment."""
        return [served for served in list(self.log) if served.at >= moment]

    def wait_in_flight(self, seconds: float = 2) -> None:
        """Return once a request is being answered (or after seconds): a kill then cuts one short."""
        deadline = time.monotonic() + seconds
        while self.in_flight == 0 and time.monotonic() < deadline:
            time.sleep(0.001)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        arrived = time.monotonic()
        try:
            request, method = await _read_request(reader)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            writer.close()
            return
        self.in_flight += 1
        try:
            host, skipped, answer = await self._forward(request, method)
            self.log.append(_served(arrived, request, method, host, skipped, answer))
            writer.write(answer)
            await writer.drain()
        except OSError:
            pass  # the client went away; it retries
        finally:
            self.in_flight -= 1
            writer.close()

    async def _forward(self, request: bytes, method: str) -> tuple[int | None, tuple[int, ...], bytes]:
        """Connect to the next host that accepts; send the request once; return (host, skipped, answer)."""
        count = len(self.upstream_ports)
        first, self._turn = self._turn, self._turn + 1
        skipped = []
        for step in range(count):
            host = (first + step) % count
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", self.upstream_ports[host]), CONNECT_SECONDS
                )
            except (OSError, TimeoutError):
                skipped.append(host)  # nothing was sent: the next host may take it
                continue
            try:
                writer.write(request)
                await writer.drain()
                answer = await asyncio.wait_for(reader.read(), UPSTREAM_SECONDS)
            except (OSError, TimeoutError):
                return host, tuple(skipped), _bad_gateway()
            finally:
                writer.close()
            return host, tuple(skipped), answer if _complete(answer, method) else _bad_gateway()
        return None, tuple(skipped), _bad_gateway()


def _served(
    arrived: float, request: bytes, method: str, host: int | None, skipped: tuple[int, ...], answer: bytes
) -> Served:
    head, _, body = request.partition(b"\r\n\r\n")
    path = head.split(b" ", 2)[1].decode("ascii")
    client_id = None
    if method == "POST" and path.startswith("/api/v1/sync/push"):
        try:
            client_id = json.loads(body).get("client_id")
        except (ValueError, AttributeError):
            pass
    status = int(answer.split(b" ", 2)[1]) if host is not None else 502
    return Served(arrived, method, path, host, status, client_id, skipped)
