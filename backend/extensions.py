"""Extension objects, created unbound and attached to an app in create_app."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from sync import metadata

from .jwt_cache import RememberingJWTManager
from .openapi import SyncApi

# The sync engine's tables share this MetaData, so one migration history covers them all.
db = SQLAlchemy(metadata=metadata)
migrate = Migrate()
jwt = RememberingJWTManager()
api = SyncApi()
