"""SQLAlchemy models, one module per aggregate."""

from .auth import LoginAttempt, LoginSession, RefreshToken
from .delivery import Delivery
from .enterprise import Enterprise
from .hazard import Hazard
from .notice import NoticeEnterprise, NoticeFanout, NoticeRecipient
from .notification_claim import NotificationClaim
from .office_channel import OfficeChannel
from .push_subscription import PushSubscription
from .user import User

__all__ = [
    "Delivery",
    "Enterprise",
    "Hazard",
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
