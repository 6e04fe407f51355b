"""SQLAlchemy models, one module per aggregate."""

from .auth import LoginAttempt, LoginSession, RefreshToken
from .delivery import Delivery
from .derived_schedule import DerivedSchedule
from .enterprise import Enterprise
from .hazard import Hazard
from .job_run import JobRun
from .notification_claim import NotificationClaim
from .office_channel import OfficeChannel
from .push_subscription import PushSubscription
from .user import User

__all__ = [
    "Delivery",
    "DerivedSchedule",
    "Enterprise",
    "Hazard",
    "JobRun",
    "LoginAttempt",
    "LoginSession",
    "NotificationClaim",
    "OfficeChannel",
    "PushSubscription",
    "RefreshToken",
    "User",
]
