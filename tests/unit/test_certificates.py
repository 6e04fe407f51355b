"""Special-operation certificates: six-year validity, three-yearly review, renewal window, re-exam."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.rules.certificates import (
    CERTIFICATE_STATES,
    REFRESHER_HOURS,
    certificate_status,
    default_expiry,
    default_review,
    may_apply_for_renewal,
    may_apply_for_review,
    may_extend_reviews,
    reexam_required,
)

ISSUED = date(2024, 5, 10)
REVIEW = date(2027, 5, 10)
EXPIRY = date(2030, 5, 10)
REVIEWED = date(2027, 4, 1)


def test_a_certificate_is_valid_for_six_years():
    assert default_expiry(ISSUED) == EXPIRY
    assert certificate_status(ISSUED, None, None, ISSUED).expires_on == EXPIRY


def test_a_certificate_issued_on_29_february_expires_on_28_february():
    assert default_expiry(date(2024, 2, 29)) == date(2030, 2, 28)


def test_a_certificate_is_reviewed_three_years_after_issue():
    assert default_review(ISSUED) == REVIEW
    status = certificate_status(ISSUED, None, None, date(2024, 6, 1))
    assert (status.state, status.next_review, status.review_overdue) == ("ok", REVIEW, False)


@pytest.mark.parametrize(("today", "state"), [(date(2027, 3, 10), "ok"), (date(2027, 3, 11), "review_due")])
def test_review_falls_due_sixty_days_before_its_date(today, state):
    assert certificate_status(ISSUED, None, EXPIRY, today).state == state


def test_a_missed_review_stays_due_and_is_marked_overdue():
    status = certificate_status(ISSUED, None, EXPIRY, REVIEW + timedelta(days=1))
    assert (status.state, status.review_overdue) == ("review_due", True)


@pytest.mark.parametrize("reviewed_on", (REVIEWED, date(2027, 6, 1)))
def test_an_early_or_late_review_leaves_no_review_before_expiry(reviewed_on):
    status = certificate_status(ISSUED, reviewed_on, EXPIRY, date(2027, 7, 1))
    assert (status.state, status.next_review) == ("ok", None)


def test_a_review_before_its_window_does_not_count_for_it():
    assert certificate_status(ISSUED, date(2026, 1, 1), EXPIRY, date(2026, 6, 1)).next_review == REVIEW


def test_a_longer_validity_keeps_the_three_year_review_rhythm_from_issue():
    status = certificate_status(ISSUED, REVIEWED, date(2033, 5, 10), date(2028, 1, 1))
    assert status.next_review == date(2030, 5, 10)


@pytest.mark.parametrize(
    ("today", "state", "window_open"),
    [
        (date(2030, 3, 10), "ok", False),
        (date(2030, 3, 11), "renewal_due", True),
        (EXPIRY, "renewal_due", True),
        (date(2030, 5, 11), "expired", False),
    ],
)
def test_renewal_window_opens_sixty_days_before_expiry_and_expiry_follows_it(today, state, window_open):
    status = certificate_status(ISSUED, REVIEWED, EXPIRY, today)
    assert (status.state, status.renewal_window_open) == (state, window_open)
    assert status.renewal_opens == date(2030, 3, 11)


def test_an_unreviewed_certificate_past_expiry_is_expired_not_review_overdue():
    status = certificate_status(ISSUED, None, EXPIRY, date(2031, 1, 1))
    assert (status.state, status.review_overdue) == ("expired", False)


def test_renewal_needs_the_window_and_an_eight_hour_refresher():
    inside = certificate_status(ISSUED, REVIEWED, EXPIRY, date(2030, 4, 1))
    outside = certificate_status(ISSUED, REVIEWED, EXPIRY, date(2029, 4, 1))
    assert REFRESHER_HOURS == 8
    assert may_apply_for_renewal(inside, 8) and not may_apply_for_renewal(inside, 7)
    assert not may_apply_for_renewal(outside, 8)


def test_a_review_also_needs_the_eight_hour_refresher():
    # Art.23: the refresher comes before a review as well as before a renewal.
    due = certificate_status(ISSUED, None, EXPIRY, date(2027, 4, 1))
    not_due = certificate_status(ISSUED, None, EXPIRY, date(2027, 1, 1))
    assert due.state == "review_due" and not_due.state == "ok"
    assert may_apply_for_review(due, 8) and not may_apply_for_review(due, 7.5)
    assert not may_apply_for_review(not_due, 8)


@pytest.mark.parametrize(
    ("back_on", "required"),
    [
        (date(2024, 7, 30), False),
        (date(2024, 7, 31), True),
        (date(2024, 8, 1), True),
        (date(2024, 2, 1), False),
    ],
)
def test_off_the_job_six_months_or_more_means_a_re_exam(back_on, required):
    # Art.32's 6个月以上 includes exactly six months (2024-01-31 + 6 months = 2024-07-31).
    assert reexam_required(date(2024, 1, 31), back_on) is required


def test_never_off_the_job_means_no_re_exam():
    assert not reexam_required(None, date(2030, 1, 1))


@given(
    issued=st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 12, 31)),
    reviewed_after=st.none() | st.integers(0, 2200),
    day=st.integers(0, 2400),
    later=st.integers(0, 400),
)
def test_certificate_state_is_always_known_and_expiry_is_final(issued, reviewed_after, day, later):
    reviewed = None if reviewed_after is None else issued + timedelta(days=reviewed_after)
    today = issued + timedelta(days=day)
    status = certificate_status(issued, reviewed, None, today)
    assert status.state in CERTIFICATE_STATES
    assert status.next_review is None or issued < status.next_review < status.expires_on
    if status.state == "expired":
        assert certificate_status(issued, reviewed, None, today + timedelta(days=later)).state == "expired"


def test_extended_reviews_leave_no_review_within_the_six_year_validity():
    # Art.21: every 6 years for a holder 10+ years in the trade without a violation, the authority agreeing.
    assert default_review(ISSUED, extended=True) == EXPIRY
    for today in (date(2027, 4, 1), date(2027, 5, 11), date(2030, 1, 1)):
        status = certificate_status(ISSUED, None, EXPIRY, today, reviews_extended=True)
        assert (status.state, status.next_review, status.review_overdue) == ("ok", None, False)
    renewal = certificate_status(ISSUED, None, EXPIRY, date(2030, 4, 1), reviews_extended=True)
    assert renewal.state == "renewal_due"
    # Without the extension the same certificate is overdue for review in 2030.
    assert certificate_status(ISSUED, None, EXPIRY, date(2030, 1, 1)).review_overdue


@pytest.mark.parametrize(
    ("in_trade_since", "violations", "eligible"),
    [
        (date(2016, 5, 10), 0, True),  # exactly 10 years on 2026-05-10
        (date(2016, 5, 11), 0, False),
        (date(2010, 1, 1), 1, False),
    ],
)
def test_ten_years_in_the_trade_without_a_violation_may_ask_for_six_yearly_reviews(
    in_trade_since, violations, eligible
):
    assert may_extend_reviews(in_trade_since, date(2026, 5, 10), violations) is eligible


def test_the_review_date_the_certificate_states_wins_over_the_counted_one():
    stated = date(2026, 6, 30)  # review_due_on as recorded from the card
    due = certificate_status(ISSUED, None, EXPIRY, date(2026, 5, 1), review_due=stated)
    assert (due.state, due.next_review) == ("review_due", stated)
    assert certificate_status(ISSUED, None, EXPIRY, date(2026, 4, 30), review_due=stated).state == "ok"
    assert certificate_status(ISSUED, None, EXPIRY, date(2026, 7, 1), review_due=stated).review_overdue
    # A stated review on or after expiry is no review: renewal replaces it.
    assert certificate_status(ISSUED, None, EXPIRY, date(2029, 1, 1), review_due=EXPIRY).next_review is None
