"""特种作业人员台账: one row per special-operation certificate, with its review and expiry state."""

from __future__ import annotations

from ..derived import clock
from ..models import Enterprise
from ..records import records_of
from ..rules.certificates import certificate_status
from .cells import People, day, label

TITLE = "特种作业人员台账"
STATES_ZH = {
    "ok": "有效",
    "review_due": "待复审",
    "renewal_due": "待换证",
    "expired": "已过期",
    "revoked": "已吊销",
}
COLUMNS = (
    ("姓名", 18),
    ("用工类型", 12),
    ("作业类别", 20),
    ("证书编号", 22),
    ("发证日期", 12),
    ("复审日期", 12),
    ("最近复审", 12),
    ("有效期至", 12),
    ("状态", 10),
)


def state_of(certificate: dict) -> tuple[str, object]:
    """Return a certificate's state and next review day as of today in Asia/Shanghai."""
    issued = day(certificate.get("issued_on"))
    if certificate.get("status") == "revoked" or issued is None:
        return "revoked", day(certificate.get("review_due_on"))
    status = certificate_status(
        issued,
        day(certificate.get("reviewed_on")),
        day(certificate.get("expires_on")),
        clock.today_in_shanghai(),
        bool(certificate.get("reviews_extended")),
        day(certificate.get("review_due_on")),
    )
    return status.state, status.next_review


def rows(session, enterprise: Enterprise, people: People) -> list[list]:
    """Return one row per certificate, by holder then expiry."""
    certificates = records_of(session, "certificate", enterprise.id)
    certificates.sort(key=lambda c: (people.name(c.get("user_id")), c.get("expires_on") or "", c["id"]))
    found = []
    for certificate in certificates:
        state, next_review = state_of(certificate)
        found.append(
            [
                people.name(certificate.get("user_id")),
                people.employment(certificate.get("user_id")),
                certificate.get("operation") or "",
                certificate.get("number") or "",
                day(certificate.get("issued_on")),
                next_review,
                day(certificate.get("reviewed_on")),
                day(certificate.get("expires_on")),
                label(STATES_ZH, state),
            ]
        )
    return found
