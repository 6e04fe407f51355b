"""Computed `person_record` entities: a person's training hours, exam standing and certificates."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from sync import Change

from ..models import Enterprise, User
from ..records import records_of
from ..rules.certificates import certificate_status, next_status_change
from ..rules.training_requirements import exam_status, next_hours_year, required_hours
from ..scopes import enterprise_scope
from . import clock
from .clock import local_day, parse_day
from .differs import only_changed

ENTITY = "person_record"
# The record types a push must touch to make it stale: hours, exams and certificates come from these; the
# enterprise's flags choose the hours rule.
SOURCES: tuple[str, ...] | None = ("training_session", "certificate", "user", "enterprise")
# exam_status says "not_taken"; docs/commands.md publishes "none".
EXAM_STATE_NAMES = {"not_taken": "none"}
COUNTED_SESSION_EXCLUDES = ("cancelled",)
REVOKED = "revoked"
# States no day passing changes.
FINAL_CERTIFICATE_STATES = (REVOKED, "expired")


def _attendance(session_data: dict, user_id: str) -> dict | None:
    return next((a for a in session_data.get("attendees") or [] if a.get("user_id") == user_id), None)


def hours_in(sessions: list[dict], user_id: str, year: int) -> float:
    """Sum the hours of sessions the person attended that were held in `year` (Asia/Shanghai)."""
    total = 0.0
    for held in sessions:
        day = local_day(held.get("scheduled_at"))
        if held.get("status") in COUNTED_SESSION_EXCLUDES or day is None or day.year != year:
            continue
        if _attendance(held, user_id):
            total += float(held.get("hours") or 0)
    return round(total, 1)


def exam_data(sessions: list[dict], user_id: str) -> dict[str, Any]:
    """Replay every score the person got, across sessions, through the exam rule."""
    scores = []
    for held in sessions:
        attendance = _attendance(held, user_id) or {}
        scores.extend(s for s in attendance.get("scores") or [] if local_day(s.get("at")))
    scores.sort(key=lambda s: clock.parse_moment(s["at"]))
    status = exam_status([(local_day(s["at"]), int(s["score"])) for s in scores])
    return {
        "status": EXAM_STATE_NAMES.get(status.state, status.state),
        "last_score": status.last_score,
        "last_at": scores[-1]["at"] if scores else None,
    }


def certificate_row(certificate: dict, today: date) -> dict[str, Any]:
    """Describe one certificate on a day: state, next review, expiry."""
    issued = parse_day(certificate.get("issued_on"))
    expires = parse_day(certificate.get("expires_on"))
    row = {"id": certificate["id"], "operation": certificate.get("operation")}
    if certificate.get("status") == REVOKED or issued is None:
        return {**row, "state": REVOKED, "next_review": None, "expires_on": certificate.get("expires_on")}
    reviewed, extended = parse_day(certificate.get("reviewed_on")), bool(certificate.get("reviews_extended"))
    stated = parse_day(certificate.get("review_due_on"))  # given at record time, or kept by each review
    status = certificate_status(issued, reviewed, expires, today, extended, stated)
    return {
        **row,
        "state": status.state,
        "next_review": status.next_review.isoformat() if status.next_review else None,
        "expires_on": status.expires_on.isoformat(),
    }


def person_data(user: User, flags: list[str], sessions: list[dict], certificates: list[dict]) -> dict:
    """Compute one person's record as of today in Asia/Shanghai."""
    today = clock.today_in_shanghai()
    mine = [c for c in certificates if c.get("user_id") == user.id]
    mine.sort(key=lambda c: (c.get("expires_on") or "", c["id"]))
    return {
        "user_id": user.id,
        "year": today.year,
        "hours_this_year": hours_in(sessions, user.id, today.year),
        "required_hours": required_hours(user.role, flags, user.hired_on, today.year),
        "exam": exam_data(sessions, user.id),
        "certificates": [certificate_row(c, today) for c in mine],
    }


def records_for(session, enterprise_id: str, user_ids: set[str] | None = None) -> list[Change]:
    """Return the changed person records of an enterprise's people (all, or those named)."""
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        return []
    query = select(User).where(User.enterprise_id == enterprise_id).order_by(User.username)
    people = [u for u in session.scalars(query) if user_ids is None or u.id in user_ids]
    if not people:
        return []
    sessions = records_of(session, "training_session", enterprise_id)
    certificates = records_of(session, "certificate", enterprise_id)
    flags = list(enterprise.flags or [])
    changes = [
        Change(ENTITY, u.id, enterprise_scope(enterprise_id), person_data(u, flags, sessions, certificates))
        for u in people
    ]
    return only_changed(session, changes)


def rebuild(session, enterprise_id: str) -> list[Change]:
    """Return the person_record entities of one enterprise, computed afresh, when they changed."""
    return records_for(session, enterprise_id)


def next_change_on(session, enterprise_id: str, today: date) -> date | None:
    """Return the first day after today on which a stored person record changes by time alone."""
    stored = records_of(session, ENTITY, enterprise_id)
    if not stored:
        return None
    days = [next_hours_year(today)]  # the year, its hours and the hours owed start afresh
    for person in stored:
        for row in person.get("certificates") or []:
            if row["state"] in FINAL_CERTIFICATE_STATES:
                continue
            review, expires = parse_day(row.get("next_review")), parse_day(row["expires_on"])
            days.append(next_status_change(expires, review, today))
    return min((day for day in days if day is not None), default=None)
