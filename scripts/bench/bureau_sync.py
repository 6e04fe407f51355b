"""A bureau's first sync: every pull page until done, as its phone makes it (gzip asked, 500 a page)."""

from __future__ import annotations

import gzip
import json
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.api_client import Device

PAGE = 500


@dataclass
class FirstSync:
    """What one bureau's first sync moved: pages, bytes on the wire (gzip), entities by type, time."""

    pages: int = 0
    wire_bytes: int = 0
    json_bytes: int = 0
    seconds: float = 0.0
    entities: Counter = field(default_factory=Counter)

    def note(self) -> str:
        """Describe it in one line for the table."""
        kinds = ", ".join(f"{name} {n:,}" for name, n in sorted(self.entities.items()))
        return (
            f"{self.pages} pages, {self.wire_bytes / 1024:,.0f} KiB gzip on the wire "
            f"({self.json_bytes / 1024:,.0f} KiB JSON): {kinds}"
        )


def first_sync(client, device: Device) -> FirstSync:
    """Pull from no cursor until `more` is false; count the response bodies' bytes as sent (gzip)."""
    done, cursor = FirstSync(), None
    headers = {**device.headers, "Accept-Encoding": "gzip"}
    started = time.perf_counter()
    while True:
        query = {"limit": PAGE, "client_id": device.client_id, **({"cursor": cursor} if cursor else {})}
        answer = client.get("/api/v1/sync/pull", query_string=query, headers=headers)
        assert answer.status_code == 200, answer.get_data()[:300]
        raw = answer.get_data()
        done.wire_bytes += len(raw)
        body = gzip.decompress(raw) if answer.headers.get("Content-Encoding") == "gzip" else raw
        done.json_bytes += len(body)
        page = json.loads(body)
        done.pages += 1
        done.entities.update(change["entity"] for change in page["changes"])
        cursor = page["cursor"]
        if not page["more"]:
            break
    done.seconds = time.perf_counter() - started
    return done
