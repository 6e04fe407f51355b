"""Password hashing with argon2id."""

import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Tests sign in hundreds of times; a cheap profile keeps them fast. Hashes record their own cost,
# so a hash made either way verifies either way. Never set this in production.
_FAST = os.environ.get("PASSWORD_HASH_PROFILE") == "test"
_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1) if _FAST else PasswordHasher()
# Verified against when the username is unknown, so both paths take the same time.
_DUMMY = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Tell whether the password matches; spends the same time when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
