"""Special-operation certificates (特种作业操作证): validity, three-yearly review, renewal window, re-exam."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .cadence import add_months

SOURCE = "安监总局令第30号 Art.19, 21, 22, 23, 32"
VALIDITY_YEARS = 6  # Art.19
REVIEW_EVERY_YEARS = 3  # Art.21
# Art.21: a holder in the same trade 10 years or more without breaking the safety laws may, with the issuing
# authority's consent, be reviewed every 6 years instead; with a 6-year validity that means no review at all.
EXTENDED_REVIEW_EVERY_YEARS = 6
YEARS_IN_TRADE_FOR_EXTENSION = 10
# Art.22: a review (复审) and a renewal (延期换证) are applied for within this many days before their date.
APPLY_WITHIN_DAYS = 60
# Art.23: 8 hours of refresher training before a review or a renewal.
REFRESHER_HOURS = 8
# Art.32: off the job 6 months or more (以上 includes the number) means a practical re-exam.
OFF_JOB_MONTHS_BEFORE_REEXAM = 6
CERTIFICATE_STATES = ("ok", "review_due", "renewal_due", "expired")


@dataclass(frozen=True)
class CertificateStatus:
    """A certificate on a given day: its state, next review and renewal window."""

    state: str
    expires_on: date
    next_review: date | None  # None when no review falls before expiry: renewal replaces it
    review_overdue: bool  # the review date passed without a review
    renewal_opens: date
    renewal_window_open: bool


def default_expiry(issued_on: date) -> date:
    """Return the expiry of a certificate issued on that day (six years, clamped at 29 February)."""
    return add_months(issued_on, 12 * VALIDITY_YEARS)


def review_every_years(extended: bool) -> int:
    """Return the years between reviews: 3, or 6 where the authority extended them (Art.21)."""
    return EXTENDED_REVIEW_EVERY_YEARS if extended else REVIEW_EVERY_YEARS


def default_review(issued_on: date, extended: bool = False) -> date:
    """Return the first review date of a certificate issued (or reviewed) on that day."""
    return add_months(issued_on, 12 * review_every_years(extended))


def may_extend_reviews(in_trade_since: date, today: date, violations: int) -> bool:
    """Tell whether a holder may ask for 6-yearly reviews: 10 years in the trade, no violation (Art.21)."""
    return violations == 0 and today >= add_months(in_trade_since, 12 * YEARS_IN_TRADE_FOR_EXTENSION)


def next_review(
    issued_on: date, reviewed_on: date | None, expires_on: date, extended: bool = False
) -> date | None:
    """Return the first review date, counted from issue, not covered by the last review; None past expiry."""
    # A review on day r covers every review date up to r + APPLY_WITHIN_DAYS, so an early review in its
    # window, or a late one, does not shift the three-year rhythm fixed by the issue date.
    covered_until = (reviewed_on or issued_on) + timedelta(days=APPLY_WITHIN_DAYS if reviewed_on else 0)
    cycle = 1
    while (due := add_months(issued_on, 12 * review_every_years(extended) * cycle)) < expires_on:
        if due > covered_until:
            return due
        cycle += 1
    return None


def certificate_status(
    issued_on: date,
    reviewed_on: date | None,
    expires_on: date | None,
    today: date,
    reviews_extended: bool = False,
    review_due: date | None = None,
) -> CertificateStatus:
    """Return a certificate's state: expired after expiry, renewal_due in its window, review_due, or ok.

    review_due: the review date the certificate states (its `review_due_on`, kept by record and review);
    it wins over the date counted from issue, and none falls due on or after expiry (renewal replaces it).
    """
    expires_on = expires_on or default_expiry(issued_on)
    if review_due is not None:
        review = review_due if review_due < expires_on else None
    else:
        review = next_review(issued_on, reviewed_on, expires_on, reviews_extended)
    renewal_opens = expires_on - timedelta(days=APPLY_WITHIN_DAYS)
    window_open = renewal_opens <= today <= expires_on
    if today > expires_on:
        state = "expired"
    elif window_open:
        state = "renewal_due"
    elif review is not None and today >= review - timedelta(days=APPLY_WITHIN_DAYS):
        state = "review_due"
    else:
        state = "ok"
    return CertificateStatus(
        state=state,
        expires_on=expires_on,
        next_review=review,
        review_overdue=review is not None and today > review and state != "expired",
        renewal_opens=renewal_opens,
        renewal_window_open=window_open,
    )


def may_apply_for_renewal(status: CertificateStatus, refresher_hours: int) -> bool:
    """Tell whether renewal may be applied for: window open and the 8-hour refresher done."""
    return status.renewal_window_open and refresher_hours >= REFRESHER_HOURS


def may_apply_for_review(status: CertificateStatus, refresher_hours: int) -> bool:
    """Tell whether a review may be applied for: one is due (window open or passed) and 8 hours refreshed."""
    return status.state == "review_due" and refresher_hours >= REFRESHER_HOURS


def reexam_required(off_job_since: date | None, back_on: date) -> bool:
    """Tell whether someone returning to the job must sit the exam again (off it six months or more)."""
    if off_job_since is None:
        return False
    return back_on >= add_months(off_job_since, OFF_JOB_MONTHS_BEFORE_REEXAM)


def next_status_change(expires_on: date, next_review: date | None, today: date) -> date | None:
    """Return the first day after `today` on which a certificate's state changes by time alone."""
    window = timedelta(days=APPLY_WITHIN_DAYS)
    turns = [expires_on - window, expires_on + timedelta(days=1)]
    if next_review is not None:
        turns.append(next_review - window)
    return min((day for day in turns if day > today), default=None)
