"""Speaking protocol.md to the test client: sign in, push commands with gapless seqs, pull."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

PASSWORD = "demo1234"


def now_text() -> str:
    """Return the current time as protocol text."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Device:
    """One installation signed in as one user: keeps tokens, client_id and the next seq."""

    def __init__(self, client, username: str, password: str = PASSWORD):
        self.client = client
        answer = client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        self.access, self.refresh, self.user = body["access_token"], body["refresh_token"], body["user"]
        self.client_id = str(uuid.uuid4())
        self.seq = 0

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}

    def command(self, type_: str, entity_id: str | None = None, **args) -> dict:
        """Build the next command of this device."""
        self.seq += 1
        return {
            "seq": self.seq,
            "id": str(uuid.uuid4()),
            "type": type_,
            "entity_id": entity_id or str(uuid.uuid4()),
            "captured_at": now_text(),
            "args": args,
        }

    def push(self, *commands: dict, expect: int = 200):
        """Push commands; return the answer's JSON."""
        body = {"client_id": self.client_id, "sent_at": now_text(), "commands": list(commands)}
        answer = self.client.post("/api/v1/sync/push", json=body, headers=self.headers)
        assert answer.status_code == expect, answer.get_json()
        return answer.get_json()

    def do(self, type_: str, entity_id: str | None = None, **args) -> dict:
        """Push one command and return its outcome."""
        return self.push(self.command(type_, entity_id, **args))["outcomes"][-1]

    def pull_all(self) -> dict[tuple[str, str], dict]:
        """Pull from the beginning until done; return changes by (entity, id)."""
        seen, cursor = {}, None
        while True:
            query = {"limit": 500, "client_id": self.client_id}
            if cursor:
                query["cursor"] = cursor
            answer = self.client.get("/api/v1/sync/pull", query_string=query, headers=self.headers)
            assert answer.status_code == 200, answer.get_json()
            page = answer.get_json()
            for change in page["changes"]:
                seen[(change["entity"], change["id"])] = change
            cursor = page["cursor"]
            if not page["more"]:
                return seen
