"""A simulated phone written to protocol.md: a persistent outbox with seqs, retried pushes, cursor pulls."""

from __future__ import annotations

import io
import json
import os
import random
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from tests.protocol.client import now_rfc3339, sha256_hex, uuid7

from .transport import Transport

API = "/api/v1"
PUSH_BATCH = 20
PULL_LIMIT = 50
MAX_PUSH_ROUNDS = 60
MAX_PULL_PAGES = 400
OUTCOME_KEYS = ("id", "status", "code", "version", "entity_id")


class Device:
    """One installation of one user; everything it must not forget lives in files under `folder`."""

    def __init__(self, folder: Path, base: str, username: str, password: str, seed: int, deadline: float):
        self.folder = folder
        self.username, self.password = username, password
        self.rng = random.Random(seed)
        self.stats: Counter[str] = Counter()
        self.violations: list[str] = []
        self.transport = Transport(base, self.rng, deadline, self.stats)
        self.transport.on_unauthorized = self.login
        (folder / "blobs").mkdir(parents=True, exist_ok=True)
        self.state = {"client_id": uuid7(), "user": None, "token": None, "commands": [], "outcomes": {}}
        self.state.update({"acted": {}, "based_on": {}, "spent": 0})
        self.synced = {"cursor": None, "store": {}}
        self._load()

    # --- persistence: written before the device acts on it, so a restart loses nothing ---------
    def _load(self) -> None:
        for name, target in (("outbox.json", self.state), ("store.json", self.synced)):
            path = self.folder / name
            if path.exists():
                target.update(json.loads(path.read_text()))
        self.transport.token = self.state["token"]

    def _save(self, name: str, value: dict) -> None:
        path = self.folder / name
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(value))
        os.replace(temporary, path)

    def save(self) -> None:
        """Persist the outbox, outcomes and what the device acted on."""
        self._save("outbox.json", self.state)

    def restart(self) -> None:
        """Forget everything held in memory and read it back from disk, as an app killed by the OS."""
        self.state = {}
        self.synced = {}
        self._load()
        self.stats["device_restarts"] += 1

    # --- identity -------------------------------------------------------------------------
    @property
    def user(self) -> dict:
        return self.state["user"]

    @property
    def store(self) -> dict[str, dict]:
        """Server-confirmed entities, keyed "entity/id"."""
        return self.synced["store"]

    def login(self) -> None:
        """Sign in (again); an unauthorised answer while signing in is a failure, not a loop."""
        self.transport.token, handler = None, self.transport.on_unauthorized
        self.transport.on_unauthorized = None
        try:
            credentials = {"username": self.username, "password": self.password}
            answer = self.transport.request("POST", f"{API}/auth/login", credentials)
        finally:
            self.transport.on_unauthorized = handler
        if answer.status != 200:
            raise RuntimeError(f"{self.username} could not sign in: {answer.status} {answer.json}")
        self.state["user"], self.state["token"] = answer.json["user"], answer.json["access_token"]
        self.transport.token = self.state["token"]
        self.save()

    def share_login(self, other: Device) -> None:
        """Use another installation's sign-in of the same user (a fresh client, no extra password check)."""
        self.state["user"], self.state["token"] = other.user, other.state["token"]
        self.transport.token = self.state["token"]

    # --- outbox ---------------------------------------------------------------------------
    def new_photo(self) -> str:
        """Take a small, unique PNG photo; keep its bytes on the device; return its hash."""
        image = Image.new("RGB", (8, 8), tuple(self.rng.randrange(256) for _ in range(3)))
        image.putpixel((self.rng.randrange(8), self.rng.randrange(8)), (self.rng.randrange(256), 0, 0))
        buffer = io.BytesIO()
        image.save(buffer, "PNG", pnginfo=_tagged(uuid7()))
        data = buffer.getvalue()
        sha = sha256_hex(data)
        (self.folder / "blobs" / sha).write_bytes(data)
        return sha

    def enqueue(self, type_: str, entity_id: str, args: dict, based_on: int | None = None) -> dict:
        """Add a command with the next seq and persist it before anything is sent."""
        commands = self.state["commands"]
        command = {"seq": len(commands) + 1, "id": uuid7(), "type": type_, "entity_id": entity_id}
        command.update(captured_at=now_rfc3339(), args=args)
        commands.append(command)
        self.state["acted"][entity_id] = based_on or 0
        self.state["based_on"][command["id"]] = based_on or 0
        self.state["spent"] += 1
        self.save()
        return command

    def outbox(self) -> list[dict]:
        """Commands without an outcome, in seq order."""
        return [c for c in self.state["commands"] if str(c["seq"]) not in self.state["outcomes"]]

    # --- push -----------------------------------------------------------------------------
    def push(self) -> None:
        """Push until every command has an outcome; on `blocked` upload and go on from that seq."""
        resend_from = None
        for _ in range(MAX_PUSH_ROUNDS):
            if resend_from is not None:
                batch = [c for c in self.state["commands"] if c["seq"] >= resend_from][:PUSH_BATCH]
                resend_from = None
            else:
                batch = self.outbox()[:PUSH_BATCH]
            if not batch:
                return
            if self.rng.random() < 0.5:
                self.upload(sha for c in batch for sha in c["args"].get("photos", []))
            body = {"client_id": self.state["client_id"], "sent_at": now_rfc3339(), "commands": batch}
            answer = self.transport.request("POST", f"{API}/sync/push", body)
            if answer.status == 409 and answer.code == "seq_gap":
                # The server lacks seqs this device holds: re-send them (none may have been acknowledged).
                self.stats["seq_gap"] += 1
                resend_from = answer.json["expected"]
                if any(str(s) in self.state["outcomes"] for s in range(resend_from, batch[0]["seq"])):
                    self.violations.append(
                        f"{self.username}: seq_gap expected {resend_from} below acknowledged"
                    )
                continue
            if answer.status != 200:
                self.violations.append(f"{self.username}: push answered {answer.status} {answer.json}")
                return
            for outcome in answer.json["outcomes"]:
                self._record(outcome)
            self.save()
            blocked = answer.json.get("blocked")
            if blocked:
                self.stats["blocked"] += 1
                self.upload(blocked["missing"])
        self.violations.append(f"{self.username}: outbox not empty after {MAX_PUSH_ROUNDS} push rounds")

    def _record(self, outcome: dict) -> None:
        key = str(outcome["seq"])
        mine = self.state["commands"][outcome["seq"] - 1]
        if outcome["id"] != mine["id"]:
            self.violations.append(f"{self.username}: seq {key} answered for another command id")
        held = self.state["outcomes"].get(key)
        if outcome.get("replayed"):
            self.stats["replayed_outcomes" if held else "replayed_first_seen"] += 1
        if held is not None and _essence(held) != _essence(outcome):
            self.violations.append(f"{self.username}: seq {key} outcome changed {held} -> {outcome}")
        if held is None:
            self.state["outcomes"][key] = {k: outcome.get(k) for k in OUTCOME_KEYS}

    def upload(self, hashes) -> None:
        """Make sure the server holds these photos (PUT is idempotent: 200 when already stored)."""
        for sha in dict.fromkeys(hashes):
            data = (self.folder / "blobs" / sha).read_bytes()
            answer = self.transport.request("PUT", f"{API}/blobs/{sha}", raw=data, content_type="image/png")
            self.stats["uploads"] += 1
            if answer.status not in (200, 201):
                self.violations.append(f"{self.username}: upload answered {answer.status} {answer.json}")

    # --- pull -----------------------------------------------------------------------------
    def pull(self) -> None:
        """Follow the cursor until `more` is false; start over on reset_required."""
        for _ in range(MAX_PULL_PAGES):
            query = {"limit": PULL_LIMIT, "client_id": self.state["client_id"]}
            if self.synced["cursor"]:
                query["cursor"] = self.synced["cursor"]
            answer = self.transport.request("GET", f"{API}/sync/pull?{urlencode(query)}")
            if answer.status == 410 and answer.code == "reset_required":
                self.stats["reset_required"] += 1
                self.synced = {"cursor": None, "store": {}}
                continue
            if answer.status != 200:
                self.violations.append(f"{self.username}: pull answered {answer.status} {answer.json}")
                return
            for change in answer.json["changes"]:
                key = f"{change['entity']}/{change['id']}"
                held = self.store.get(key)
                if held is None or change["version"] >= held["version"]:
                    self.store[key] = change
            self.synced["cursor"] = answer.json["cursor"]
            acknowledged = [int(s) for s in self.state["outcomes"]]
            if acknowledged and (answer.json["last_seq"] or 0) < max(acknowledged):
                self.violations.append(
                    f"{self.username}: server last_seq {answer.json['last_seq']} lost acks"
                )
            if not answer.json["more"]:
                self._save("store.json", self.synced)
                return
        self.violations.append(f"{self.username}: pull did not end in {MAX_PULL_PAGES} pages")

    def entities(self, entity: str) -> list[dict]:
        """The data of every held, not deleted entity of one kind."""
        return [c["data"] for c in self.store.values() if c["entity"] == entity and not c["deleted"]]


def _essence(outcome: dict) -> tuple:
    return tuple(outcome.get(k) for k in OUTCOME_KEYS)


def _tagged(text: str) -> PngInfo:
    info = PngInfo()
    info.add_text("shot", text)
    return info
