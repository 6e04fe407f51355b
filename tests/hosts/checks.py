"""What the two-host test reads back: raw pull pages, hazard histories against the command log, photos."""

from __future__ import annotations

import io
import random
from collections import Counter
from urllib.parse import urlencode

from PIL import Image

from tests.fault.device import API, Device
from tests.fault.invariants import applied_by_hazard

PAGE = 50


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
