"""Sign-in sessions: password check, token issue, refresh rotation with reuse detection, logout."""

from __future__ import annotations

import uuid
from datetime import datetime

from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from sqlalchemy import bindparam, select, update

from .extensions import db
from .login_throttle import forget_old_failures, record_failure
from .models import LoginSession, RefreshToken, User
from .models.types import utcnow
from .passwords import check_password


def authenticate(username: str, password: str, address: str) -> User | None:
    """Return the active user whose password matches, recording a failure otherwise."""
    user = db.session.scalar(select(User).where(User.username == username))
    matches = check_password(user.password_hash if user else None, password)
    if user is None or not matches or not user.active:
        record_failure(username, address)
        db.session.commit()
        return None
    return user


def _tokens(user: User, session_id: str) -> dict[str, str]:
    claims = {"sid": session_id, "role": user.role}
    access = create_access_token(identity=user.id, additional_claims=claims)
    refresh = create_refresh_token(identity=user.id, additional_claims=claims)
    db.session.add(RefreshToken(jti=decode_token(refresh)["jti"], session_id=session_id))
    return {"access_token": access, "refresh_token": refresh}


def open_session(user: User) -> dict[str, str]:
    """Start a sign-in session and return its first access and refresh tokens."""
    session = LoginSession(id=str(uuid.uuid4()), user_id=user.id)
    db.session.add(session)
    tokens = _tokens(user, session.id)
    forget_old_failures()
    db.session.commit()
    return tokens


def rotate(user: User, claims: dict) -> dict[str, str] | None:
    """Spend a refresh token for a new pair, once; spending it again revokes the whole sign-in (theft)."""
    jti, session_id, now = claims["jti"], claims["sid"], utcnow()
    # The compare-and-swap: one conditional UPDATE, so of simultaneous refreshes exactly one finds the
    # token unspent. SQLite's write lock and PostgreSQL's row lock make the others wait, then see it spent.
    swapped = db.session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.jti == jti,
            RefreshToken.session_id == session_id,
            RefreshToken.spent_at.is_(None),
        )
        .values(spent_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if swapped != 1:
        if db.session.get(RefreshToken, jti) is not None:
            _end(session_id, "refresh_reuse", now)
        db.session.commit()
        return None
    session = db.session.get(LoginSession, session_id)
    if session is None or session.revoked_at is not None:
        db.session.rollback()
        return None
    tokens = _tokens(user, session_id)
    db.session.commit()
    return tokens


def _end(session_id: str, reason: str, now: datetime) -> None:
    # Conditional, so the first reason and time stay when several requests end the same sign-in.
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.id == session_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )


def revoke(session_id: str, reason: str) -> None:
    """End a sign-in session: its access and refresh tokens stop working."""
    session = db.session.get(LoginSession, session_id)
    if session is not None and session.revoked_at is None:
        session.revoked_at, session.revoked_reason = utcnow(), reason
        db.session.commit()


def end_sessions_of(user_id: str, reason: str) -> int:
    """End every open sign-in of a person (password reset, deactivation); the caller commits."""
    result = db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason[:32])
    )
    return result.rowcount


def session_and_user(claims: dict) -> tuple[bool, User | None]:
    """Tell whether a token's session has ended and load the user it names, in one query."""
    row = db.session.execute(
        _SESSION_AND_USER, {"sid": claims.get("sid", ""), "sub": claims.get("sub", "")}
    ).first()
    if row is None:
        return True, None
    return row.revoked_at is not None, row.User


# Built once: building an ORM select costs more than running this one on every request.
_SESSION_AND_USER = (
    select(LoginSession.revoked_at, User)
    .select_from(LoginSession)
    .outerjoin(User, User.id == bindparam("sub"))
    .where(LoginSession.id == bindparam("sid"))
)
