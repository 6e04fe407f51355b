"""Enterprises A and B signed in: push hazard commands as anyone, read what the server holds."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from backend.blob_setup import blob_store
from backend.extensions import db
from sync import tables
from sync.blobs import save_blob

from ..api_client import Device

DUE = "2030-06-30"


class Site:
    """An app with the demo people, a device per user (signed in on first use) and stored photos."""

    def __init__(self, app, people):
        self.app, self.people = app, people
        self.client = app.test_client()
        self._devices: dict[str, Device] = {}

    def __getitem__(self, username: str) -> Device:
        if username not in self._devices:
            self._devices[username] = Device(self.client, username)
        return self._devices[username]

    def photo(self, shade: int = 0, holder: str = "officer-a") -> str:
        """Store a real JPEG uploaded by holder (who may then cite it) and return its sha256."""
        buffer = io.BytesIO()
        Image.new("RGB", (32, 24), (shade % 256, 80, 160)).save(buffer, "JPEG")
        with self.app.app_context():
            sha = save_blob(db.session, blob_store(), buffer.getvalue(), self.people[holder])
            db.session.commit()
        return sha

    def hazard(self, hazard_id: str) -> dict:
        """Return the hazard's synced state and version."""
        with self.app.app_context():
            row = db.session.execute(
                select(tables.entities).where(
                    tables.entities.c.entity == "hazard", tables.entities.c.id == hazard_id
                )
            ).first()
        return {**row.data, "_version": row.version}

    def report(self, who="worker-a1", severity="general", **extra) -> str:
        args = {"description": "", **extra}
        outcome = self[who].do(
            "hazard.report",
            title="平台积水",
            location="2号转炉平台",
            severity=severity,
            **args,
        )
        assert outcome["status"] == "applied", outcome
        return outcome["entity_id"]

    def assign(self, hazard_id, who="officer-a", assignee="worker-a2", **extra) -> dict:
        args = {"assignee_id": self.people[assignee], "due_date": DUE, **extra}
        return self[who].do("hazard.assign", hazard_id, **args)

    def rectify(self, hazard_id, who="worker-a2", **extra) -> dict:
        args = {"note": "已排水并设置围挡", "photos": [self.photo(len(extra), holder=who)], **extra}
        return self[who].do("hazard.rectify", hazard_id, **args)

    def verify(self, hazard_id, who="officer-a", accepted=True, **extra) -> dict:
        return self[who].do("hazard.verify", hazard_id, accepted=accepted, **extra)

    def assigned(self, severity="general", assignee="worker-a2") -> str:
        hazard_id = self.report(severity=severity)
        plan = {"plan": "排水、围挡、检修管线"} if severity == "major" else {}
        assert self.assign(hazard_id, assignee=assignee, **plan)["status"] == "applied"
        return hazard_id

    def rectified(self, severity="general", rectifier="worker-a2") -> str:
        hazard_id = self.assigned(severity)
        assert self.rectify(hazard_id, who=rectifier)["status"] == "applied"
        return hazard_id


def rejected(outcome: dict, code: str) -> dict:
    assert outcome["status"] == "rejected", outcome
    assert outcome["code"] == code, outcome
    assert outcome["message"]
    return outcome


def applied(outcome: dict) -> dict:
    assert outcome["status"] == "applied", outcome
    return outcome
