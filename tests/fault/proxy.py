"""A faulty HTTP/1.1 proxy on 127.0.0.1: drops, duplicates and delays requests and answers, seeded."""

from __future__ import annotations

import asyncio
import json
import random
import threading
from collections import Counter

from tests.live_server import free_port

UPSTREAM_SECONDS = 20
HEADER_LIMIT = 64 * 1024
# Fault kind -> share of requests (the rest pass untouched).
# "busy" answers 503 with Retry-After without forwarding, as an overloaded server or gateway does.
DEFAULT_SHARES = {"drop_request": 0.07, "drop_response": 0.07, "duplicate": 0.07, "delay": 0.15, "busy": 0.03}
BAD_GATEWAY = json.dumps({"code": "bad_gateway", "message": "upstream unreachable"}).encode()
BUSY = json.dumps({"code": "busy", "message": "try again shortly"}).encode()


class FaultPlan:
    """Seeded draws: which fault hits the next request, and how long a delay lasts."""

    def __init__(self, seed: int, shares: dict[str, float] | None = None, max_delay: float = 0.3):
        self.random = random.Random(seed)
        self.shares = shares or DEFAULT_SHARES
        self.max_delay = max_delay

    def draw(self) -> str:
        """Return the fault kind for the next request, or "pass"."""
        point = self.random.random()
        for kind, share in self.shares.items():
            if point < share:
                return kind
            point -= share
        return "pass"

    def delay(self) -> float:
        """Return a delay in seconds, up to max_delay."""
        return self.random.uniform(0.0, self.max_delay)

    def pick(self, count: int) -> int:
        """Return which of duplicated answers goes back."""
        return self.random.randrange(count)


class LoopbackProxy:
    """A proxy on a free 127.0.0.1 port, its asyncio loop on a thread; subclasses answer `_handle`."""

    name = "proxy"

    def __init__(self):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.in_flight = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name=self.name, daemon=True)
        self._ready = threading.Event()

    def start(self) -> None:
        """Listen in a background thread."""
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the proxy did not start")

    def stop(self) -> None:
        """Stop listening and end the thread."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", self.port))
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            self._loop.run_until_complete(server.wait_closed())
            self._loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError


class FaultProxy(LoopbackProxy):
    """Forward each request on a new upstream connection (closed after it), faults while `faulty` is set."""

    name = "fault-proxy"

    def __init__(self, upstream_port: int, plan: FaultPlan):
        super().__init__()
        self.upstream_port = upstream_port
        self.plan = plan
        self.faulty = threading.Event()
        self.faults: Counter[str] = Counter()
        self.requests = 0
        self.upstream: Counter[str] = Counter()  # the server's own statuses, a dropped duplicate's too

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request, method = await _read_request(reader)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            writer.close()
            return
        self.requests += 1
        kind = self.plan.draw() if self.faulty.is_set() else "pass"
        if kind != "pass":
            self.faults[kind] += 1
        self.in_flight += 1
        try:
            if kind == "drop_request":
                return
            if kind == "busy":
                writer.write(_answer("503 Service Unavailable", BUSY, "Retry-After: 1\r\n"))
                await writer.drain()
                return
            if kind == "delay":
                await asyncio.sleep(self.plan.delay())
            if kind == "duplicate":
                answers = await asyncio.gather(self._forward(request, method), self._forward(request, method))
                answer = answers[self.plan.pick(len(answers))]
            else:
                answer = await self._forward(request, method)
            if kind == "drop_response":
                return
            writer.write(answer)
            await writer.drain()
        except OSError:
            pass  # the client went away; it retries
        finally:
            self.in_flight -= 1
            writer.close()

    async def _forward(self, request: bytes, method: str) -> bytes:
        """Send one request upstream and return its whole answer, or a 502 when it breaks off."""
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", self.upstream_port), UPSTREAM_SECONDS
            )
        except (OSError, TimeoutError):
            self.upstream["refused"] += 1
            return _bad_gateway()
        try:
            writer.write(request)
            await writer.drain()
            answer = await asyncio.wait_for(reader.read(), UPSTREAM_SECONDS)
        except (OSError, TimeoutError):
            self.upstream["broken"] += 1
            return _bad_gateway()
        finally:
            writer.close()
        if not _complete(answer, method):
            self.upstream["cut short"] += 1
            return _bad_gateway()
        self.upstream[answer.split(b" ", 2)[1].decode("ascii")] += 1
        return answer


async def _read_request(reader: asyncio.StreamReader) -> tuple[bytes, str]:
    """Read one request (head and Content-Length body); rewrite it to close the upstream connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    if len(head) > HEADER_LIMIT:
        raise ValueError("header too long")
    lines = head[:-4].split(b"\r\n")
    method = lines[0].split(b" ", 1)[0].decode("ascii")
    kept, length = [lines[0]], 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        lowered = name.strip().lower()
        if lowered == b"content-length":
            length = int(value.strip())
        if lowered in (b"connection", b"keep-alive"):
            continue
        kept.append(line)
    kept.append(b"Connection: close")
    body = await reader.readexactly(length) if length else b""
    return b"\r\n".join(kept) + b"\r\n\r\n" + body, method


def _complete(answer: bytes, method: str) -> bool:
    """Tell whether an upstream answer arrived whole (a killed server cuts it short)."""
    head, found, body = answer.partition(b"\r\n\r\n")
    if not found or not head.startswith(b"HTTP/1."):
        return False
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip().lower()
    status = int(head.split(b" ", 2)[1])
    if method == "HEAD" or status in (204, 304):
        return True
    if headers.get(b"transfer-encoding") == b"chunked":
        return body.endswith(b"0\r\n\r\n")
    if b"content-length" in headers:
        return len(body) == int(headers[b"content-length"])
    return True


def _bad_gateway() -> bytes:
    return _answer("502 Bad Gateway", BAD_GATEWAY)


def _answer(status: str, body: bytes, extra_headers: str = "") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra_headers}"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body
