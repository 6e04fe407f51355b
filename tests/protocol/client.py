"""A black-box client for sync protocol v1, written from docs/protocol.md alone.

It knows nothing of the server's code: only the wire contract (auth, push, pull, blobs).
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests

API = "/api/v1"


def uuid7() -> str:
    """A UUIDv7 string (48-bit ms timestamp, version 7, RFC 4122 variant)."""
    ms = int(time.time() * 1000) & ((1 << 48) - 1)
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms << 80) | (0x7 << 76) | ((rand >> 68) & 0xFFF) << 64 | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


def now_rfc3339() -> str:
    """Now as RFC 3339 UTC with milliseconds and a Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ApiError(Exception):
    """A non-2xx answer with the protocol's error body."""

    def __init__(self, response: requests.Response):
        self.response = response
        self.status = response.status_code
        try:
            self.body = response.json()
        except ValueError:
            self.body = None
        self.code = self.body.get("code") if isinstance(self.body, dict) else None
        super().__init__(f"{self.status} {self.body!r}")


class Session:
    """One login of one user: tokens, and authenticated HTTP calls."""

    def __init__(self, base_url: str, language: str = "en"):
        self.base_url = base_url.rstrip("/")
        self.language = language
        self.http = requests.Session()
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self.user: dict | None = None

    # --- raw HTTP -------------------------------------------------------------------------
    def request(self, method: str, path: str, *, token: str | None | bool = True, headers=None, **kwargs):
        """Send a request; token=True uses the access token, a string uses that, None/False none."""
        sent = {"Accept-Language": self.language}
        if token is True:
            token = self.access_token
        if token:
            sent["Authorization"] = f"Bearer {token}"
        sent.update(headers or {})
        return self.http.request(method, self.base_url + path, headers=sent, timeout=30, **kwargs)

    @staticmethod
    def _ok(response: requests.Response, *statuses: int) -> requests.Response:
        if response.status_code not in statuses:
            raise ApiError(response)
        return response

    # --- auth -----------------------------------------------------------------------------
    def login(self, username: str, password: str) -> dict:
        answer = self._ok(
            self.request(
                "POST", f"{API}/auth/login", token=None, json={"username": username, "password": password}
            ),
            200,
        ).json()
        self.access_token = answer["access_token"]
        self.refresh_token = answer["refresh_token"]
        self.user = answer["user"]
        return answer

    def refresh(self) -> dict:
        answer = self._ok(self.request("POST", f"{API}/auth/refresh", token=self.refresh_token), 200).json()
        self.access_token = answer["access_token"]
        self.refresh_token = answer["refresh_token"]
        return answer

    def logout(self) -> None:
        self._ok(self.request("POST", f"{API}/auth/logout"), 204)

    def me(self) -> dict:
        return self._ok(self.request("GET", f"{API}/me"), 200).json()

    # --- blobs ----------------------------------------------------------------------------
    def blob_head(self, sha: str) -> requests.Response:
        return self.request("HEAD", f"{API}/blobs/{sha}")

    def blob_put(self, data: bytes, sha: str | None = None, content_type: str = "application/octet-stream"):
        return self.request(
            "PUT", f"{API}/blobs/{sha or sha256_hex(data)}", data=data, headers={"Content-Type": content_type}
        )

    def blob_put_chunk(
        self, sha: str, chunk: bytes, start: int, total: int, content_type="application/octet-stream"
    ):
        end = start + len(chunk) - 1
        return self.request(
            "PUT",
            f"{API}/blobs/{sha}",
            data=chunk,
            headers={"Content-Range": f"bytes {start}-{end}/{total}", "Content-Type": content_type},
        )

    def blob_upload_resumable(self, data: bytes, chunk_size: int = 64 * 1024) -> requests.Response:
        """Upload in chunks, resuming from the server's Upload-Offset if a part is already there."""
        sha = sha256_hex(data)
        head = self.blob_head(sha)
        if head.status_code == 200:
            return head
        offset = int(head.headers.get("Upload-Offset", 0))
        while True:
            chunk = data[offset : offset + chunk_size]
            answer = self.blob_put_chunk(sha, chunk, offset, len(data))
            if answer.status_code == 202:
                offset = answer.json()["offset"]
                continue
            if answer.status_code == 409 and answer.json().get("code") == "offset_mismatch":
                offset = answer.json()["offset"]
                continue
            return self._ok(answer, 200, 201)

    def blob_ensure(self, data: bytes) -> str:
        """Make sure the server holds these bytes; return their hash."""
        sha = sha256_hex(data)
        if self.blob_head(sha).status_code != 200:
            self._ok(self.blob_put(data, sha), 200, 201)
        return sha

    def blob_get(self, sha: str, variant: str | None = None) -> requests.Response:
        params = {"variant": variant} if variant else None
        return self.request("GET", f"{API}/blobs/{sha}", params=params)


@dataclass
class Command:
    seq: int
    id: str
    type: str
    entity_id: str
    captured_at: str
    args: dict

    def wire(self) -> dict:
        return {
            "seq": self.seq,
            "id": self.id,
            "type": self.type,
            "entity_id": self.entity_id,
            "captured_at": self.captured_at,
            "args": self.args,
        }


@dataclass
class Device:
    """One installation for one user: a client_id, an outbox with gapless seqs, a local store."""

    session: Session
    client_id: str = field(default_factory=uuid7)
    next_seq: int = 1
    outbox: list[Command] = field(default_factory=list)
    outcomes: dict[int, dict] = field(default_factory=dict)  # seq -> outcome
    blobs: dict[str, bytes] = field(default_factory=dict)  # sha -> bytes held locally
    store: dict[tuple[str, str], dict] = field(default_factory=dict)  # (entity, id) -> change
    cursor: str | None = None
    last_seq: int | None = None

    # --- outbox ---------------------------------------------------------------------------
    def add_blob(self, data: bytes) -> str:
        sha = sha256_hex(data)
        self.blobs[sha] = data
        return sha

    def enqueue(
        self, type_: str, args: dict, entity_id: str | None = None, captured_at: str | None = None
    ) -> Command:
        command = Command(
            seq=self.next_seq,
            id=uuid7(),
            type=type_,
            entity_id=entity_id or uuid7(),
            captured_at=captured_at or now_rfc3339(),
            args=args,
        )
        self.next_seq += 1
        self.outbox.append(command)
        return command

    def push_raw(self, commands: list[Command] | list[dict], client_id: str | None = None, sent_at=None):
        """One POST /sync/push, no retry logic; returns the response."""
        body = {
            "client_id": client_id or self.client_id,
            "sent_at": sent_at or now_rfc3339(),
            "commands": [c.wire() if isinstance(c, Command) else c for c in commands],
        }
        return self.session.request("POST", f"{API}/sync/push", json=body)

    def _photo_hashes(self, command: Command) -> list[str]:
        return [h for h in (command.args.get("photos") or []) if isinstance(h, str)]

    def push(self, upload_first: bool = True, max_rounds: int = 10) -> list[dict]:
        """Push the outbox until empty: blobs first; on `blocked`, upload and push from that seq.

        Returns every response body received, in order.
        """
        answers = []
        if upload_first:
            for command in self.outbox:
                for sha in self._photo_hashes(command):
                    if sha in self.blobs:
                        self.session.blob_ensure(self.blobs[sha])
        for _ in range(max_rounds):
            if not self.outbox:
                break
            answer = Session._ok(self.push_raw(self.outbox), 200).json()
            answers.append(answer)
            for outcome in answer["outcomes"]:
                self.outcomes[outcome["seq"]] = outcome
            done = {o["seq"] for o in answer["outcomes"]}
            self.outbox = [c for c in self.outbox if c.seq not in done]
            self.last_seq = answer["last_seq"]
            blocked = answer.get("blocked")
            if blocked:
                for sha in blocked["missing"]:
                    if sha not in self.blobs:
                        raise RuntimeError(f"server misses blob {sha} which this device does not hold")
                    Session._ok(self.session.blob_put(self.blobs[sha], sha), 200, 201)
                self.outbox = [c for c in self.outbox if c.seq >= blocked["seq"]]
        return answers

    # --- pull -----------------------------------------------------------------------------
    def pull_page(
        self, cursor: str | None = None, limit: int | None = None, client_id: str | None | bool = True
    ):
        params = {}
        if cursor:
            params["cursor"] = cursor
        if limit is not None:
            params["limit"] = limit
        if client_id is True:
            client_id = self.client_id
        if client_id:
            params["client_id"] = client_id
        return self.session.request("GET", f"{API}/sync/pull", params=params)

    def pull(self, limit: int | None = None, max_pages: int = 10_000) -> list[dict]:
        """Follow the cursor until more is false; keep the newest version of each entity."""
        pages = []
        for _ in range(max_pages):
            answer = Session._ok(self.pull_page(self.cursor, limit), 200).json()
            pages.append(answer)
            for change in answer["changes"]:
                key = (change["entity"], change["id"])
                held = self.store.get(key)
                if held is None or change["version"] >= held["version"]:
                    self.store[key] = change
            self.cursor = answer["cursor"]
            self.last_seq = answer["last_seq"]
            if not answer["more"]:
                return pages
        raise RuntimeError("pull did not finish")

    def get(self, entity: str, id_: str) -> dict | None:
        change = self.store.get((entity, id_))
        return None if change is None or change["deleted"] else change["data"]
