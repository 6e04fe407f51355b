"""The Flask application: create_app builds it from a Config."""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from sync import json_columns

from . import models  # noqa: F401  (registers the tables on the shared metadata)
from .accept_encoding import init_accept_encoding
from .api import auth, blobs, bureau, deliveries, exports, health, notices, office_channels, push, sync
from .api.errors import register_error_handlers
from .api_docs import init_api_docs
from .blob_setup import init_blobs
from .cli import register_cli
from .command_docs import publish_command_schemas
from .config import ROOT, Config
from .extensions import api, db, migrate
from .jwt_setup import init_jwt
from .logs import init_logging
from .metrics_view import init_metrics
from .notify.cli import register_notify_cli
from .request_log import init_request_log
from .rules_page import init_rules_page
from .security_headers import init_security_headers
from .sync_setup import init_sync
from .text_boundary import init_text_boundary
from .web import init_web

API_BLUEPRINTS = (
    health.blp,
    auth.blp,
    sync.blp,
    blobs.blp,
    push.blp,
    exports.blp,
    office_channels.blp,
    deliveries.blp,
    notices.blp,
    bureau.blp,
)


def create_app(config: Config | None = None) -> Flask:
    """Build the app: config, extensions, sync engine, API blueprints, errors, PWA, CLI."""
    config = config or Config()
    app = Flask(__name__, instance_path=config.INSTANCE_PATH, static_folder=None)
    app.config.from_object(config)
    # Every engine, whatever options a deployment or bench gives it, reads and writes JSON with orjson.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **json_columns.engine_options(),
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }
    init_logging(app.config.get("LOG_FORMAT"), app.config.get("LOG_LEVEL", "INFO"))
    init_request_log(app)
    init_text_boundary(app)
    if app.config.get("PROXY_COUNT"):
        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    init_jwt(app)
    api.init_app(app)
    init_sync(app)
    publish_command_schemas(api)
    init_blobs(app)
    for blueprint in API_BLUEPRINTS:
        api.register_blueprint(blueprint)
    register_error_handlers(app)
    init_accept_encoding(app)
    Compress(app)
    init_security_headers(app)
    init_api_docs(app)
    init_rules_page(app)
    init_metrics(app)
    init_web(app)
    register_cli(app)
    register_notify_cli(app)
    with app.app_context():
        _sqlite_pragmas(db.engine)
    return app


def _sqlite_pragmas(engine) -> None:
    """WAL lets readers pull while a push writes; foreign keys on like every other database."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # 64 MiB of page cache per connection (the default is 2 MiB): index pages of a large enterprise
        # stay in memory instead of being read back on every push.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute("PRAGMA foreign_keys=ON")
        # A checkpoint that empties the WAL also cuts its file back to 64 MiB. Without a limit the file
        # keeps the size of the largest transaction ever written (728 MiB after the growth bench's clone of
        # 100,000 records) and stays that large.
        cursor.execute("PRAGMA journal_size_limit=67108864")
        cursor.close()
