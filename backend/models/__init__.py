"""SQLAlchemy models, one module per aggregate."""

from .auth import LoginAttempt, LoginSession, RefreshToken
from .delivery import Delivery
from .derived_mark import DerivedMark
from .derived_schedule import DerivedSchedule
from .enterprise import Enterprise
from .job_run import JobRun
from .notice import NoticeEnterprise, NoticeFanout, NoticeRecipient
from .notification_claim import NotificationClaim
from .office_channel import OfficeChannel
from .push_subscription import PushSubscription
from .user import User

__all__ = [
    "Delivery",
    "DerivedMark",
    "DerivedSchedule",
    "Enterprise",
    "JobRun",
    "LoginAttempt",
    "LoginSession",
    "NoticeEnterprise",
    "NoticeFanout",
    "NoticeRecipient",
    "NotificationClaim",
    "OfficeChannel",
    "PushSubscription",
    "RefreshToken",
    "User",
]
