"""What the two-host test sends and reads back: reports, pull pages, histories, one host's answers."""

from __future__ import annotations

import http.client
import io
import json
import random
from collections import Counter
from urllib.parse import urlencode

from PIL import Image

from tests.fault.device import API, Device
from tests.fault.invariants import applied_by_hazard
from tests.protocol.client import uuid7

PAGE = 50
TAG = "[hosts]"


def pull_pages(device: Device) -> list[dict]:
    """Pull from the beginning with a new client and return every change of every page, repeats kept."""
    changes, cursor = [], None
    for _ in range(400):
        query = {"limit": PAGE, "client_id": device.state["client_id"]}
        if cursor:
            query["cursor"] = cursor
        answer = device.transport.request("GET", f"{API}/sync/pull?{urlencode(query)}")
        assert answer.status == 200, (answer.status, answer.json)
        changes += answer.json["changes"]
        cursor = answer.json["cursor"]
        if not answer.json["more"]:
            return changes
    raise AssertionError("the pull did not end")


def histories_match(changes: list[dict], rows: dict, hazard_ids: set[str]) -> list[str]:
    """Each hazard is pulled once and its history holds each applied command once, in version order."""
    broken = []
    pulled = Counter(c["id"] for c in changes if c["entity"] == "hazard" and c["id"] in hazard_ids)
    broken += [f"hazard {h} pulled {pulled[h]} times" for h in hazard_ids if pulled[h] != 1]
    latest = {c["id"]: c for c in changes if c["entity"] == "hazard"}
    for hazard_id, applied in applied_by_hazard(rows, hazard_ids).items():
        change = latest.get(hazard_id)
        if change is None:
            continue
        history = [(event["type"], event["by"]) for event in change["data"]["history"]]
        if history != [(row["type"], row["user_id"]) for row in applied]:
            broken.append(f"hazard {hazard_id}: history {history} is not its applied commands")
        if change["version"] != len(applied):
            broken.append(f"hazard {hazard_id}: pulled version {change['version']}, {len(applied)} applied")
    return broken


def noisy_png(seed: int, side: int = 300) -> bytes:
    """Return a PNG of random pixels: it hardly compresses, so a few hundred KiB need several chunks."""
    pixels = random.Random(seed).randbytes(side * side * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(buffer, "PNG")
    return buffer.getvalue()


class Raw:
    """A whole answer: status, headers, body."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def json(self) -> dict:
        return json.loads(self.body)


def direct(world, host: int, token: str | None, path: str, method: str = "GET", body=None) -> Raw:
    """Send one request to one host itself, past the proxy."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is not None:
        headers["Content-Type"], body = "application/json", json.dumps(body)
    connection = http.client.HTTPConnection("127.0.0.1", world.hosts[host].port, timeout=15)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Raw(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def notifications(world, where: str, **params) -> list[tuple[str, str]]:
    """Return (user_id, kind) of every stored notification matching a condition on its data."""
    query = (
        f"SELECT data->>'user_id', data->>'kind' FROM sync_entities WHERE entity = 'notification' AND {where}"
    )
    return [tuple(row) for row in world.rows(query, **params)]


def report(phone: Device, title: str, severity: str = "general", photos=()) -> str:
    """Enqueue a hazard report; return the hazard's id."""
    hazard_id = uuid7()
    args = {"title": f"{TAG} {title}", "description": "", "location": "一号车间", "severity": severity}
    phone.enqueue("hazard.report", hazard_id, {**args, "photos": list(photos)})
    return hazard_id
