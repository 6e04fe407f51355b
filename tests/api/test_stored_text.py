"""Defence in depth: text stored before the boundary refused it (written directly here) breaks no answer."""

from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.exc import DataError

from backend.extensions import db
from backend.models import User
from backend.scopes import enterprise_scope
from backend.sync_setup import sync_engine
from sync import Change, store, tables

from .test_text_hygiene import every_role_pulls


def test_stored_bad_text_is_answered_with_replacement_characters_to_every_role(any_site):
    enterprise, hazard_id = any_site.people["A"], str(uuid.uuid4())
    data = {"id": hazard_id, "enterprise_id": enterprise, "status": "reported", "history": []}
    data.update(title="a\ud800b", description="c\x00d", location="\udfff", severity="general")
    with any_site.app.app_context():
        change = Change("hazard", hazard_id, enterprise_scope(enterprise), data)
        if db.engine.dialect.name == "postgresql":
            # Documents are jsonb there: the database itself refuses NUL and lone surrogates, so such a
            # document cannot be stored at all, and nothing of it is.
            with pytest.raises(DataError):
                sync_engine().record_change(db.session, change)
                db.session.commit()
            db.session.rollback()
            assert sync_engine().load(db.session, "hazard", hazard_id) is None
            return
        sync_engine().record_change(db.session, change)
        db.session.commit()
    for who, hazards in every_role_pulls(any_site).items():
        stored = hazards[hazard_id]["data"]
        assert (stored["title"], stored["description"], stored["location"]) == (
            "a\ufffdb",
            "c\x00d",
            "\ufffd",
        ), who


def test_every_json_answer_replaces_a_lone_surrogate(app):
    with app.test_request_context():
        assert (
            app.json.dumps({"a\ud800": ["\udc00x", "\U0001f600"]}) == '{"a\ufffd": ["\ufffdx", "\U0001f600"]}'
        )
        assert app.json.response({"name": "\ud83d\ude00"}).get_data(as_text=True) == '{"name":"\U0001f600"}\n'


def test_a_user_stored_with_nul_still_signs_in_and_reads_me(site):
    with site.app.app_context():
        db.session.scalars(select(User).where(User.username == "officer-a")).one().display_name = "李\x00安全"
        db.session.commit()
    answer = site.client.get("/api/v1/me", headers=site["officer-a"].headers)
    assert answer.status_code == 200
    assert answer.get_json()["display_name"] == "李\x00安全"


def test_a_ledger_export_replaces_stored_control_characters(site):
    hazard_id = site.report()
    with site.app.app_context():
        stored = store.load_entity(db.session, "hazard", hazard_id).data
        e = tables.entities.c
        db.session.execute(
            update(tables.entities)
            .where(e.entity == "hazard", e.id == hazard_id)
            .values(data={**stored, "title": "平台\x00积水\x1b"})
        )
        db.session.commit()
    answer = site.client.get("/api/v1/exports/hazards.xlsx", headers=site["officer-a"].headers)
    assert answer.status_code == 200
    cells = [cell for row in load_workbook(io.BytesIO(answer.data)).active.values for cell in row]
    assert "平台\ufffd积水\ufffd" in cells
