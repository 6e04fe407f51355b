"""SQLAlchemy models, one module per aggregate."""

from .auth import LoginAttempt, LoginSession, RefreshToken
from .enterprise import Enterprise
from .hazard import Hazard
from .user import User

__all__ = ["Enterprise", "Hazard", "LoginAttempt", "LoginSession", "RefreshToken", "User"]
