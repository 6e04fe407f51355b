"""The test suite. Imported before any test module, so settings here apply before backend loads."""

import os

# Cheap password hashes in tests and the live servers they start (see backend/passwords.py).
os.environ.setdefault("PASSWORD_HASH_PROFILE", "test")
