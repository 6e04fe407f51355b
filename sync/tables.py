"""Tables the sync engine owns: clients, commands with outcomes, entity states, blobs."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
)
from sqlalchemy.dialects.postgresql import JSONB

# Documents: jsonb on PostgreSQL (indexable, compact), JSON text elsewhere.
DOCUMENT = JSON().with_variant(JSONB(), "postgresql")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Shared with the application's models so one Alembic history covers every table.
metadata = MetaData(naming_convention=NAMING)

clients = Table(
    "sync_clients",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), nullable=False, index=True),
    Column("last_seq", BigInteger, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_push_at", DateTime(timezone=True)),
)

commands = Table(
    "sync_commands",
    metadata,
    Column("client_id", String(36), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("id", String(36), nullable=False, unique=True),
    Column("user_id", String(36), nullable=False),
    Column("type", String(64), nullable=False),
    # Not indexed: nothing looks commands up by entity, and every push would pay for the index.
    Column("entity_id", String(36), nullable=False),
    Column("args", JSON, nullable=False),
    Column("captured_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("clock_offset_ms", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("code", String(64)),
    Column("message", JSON),
    Column("fields", JSON),
    Column("entity", String(64)),
    Column("version", Integer),
    # The applied command's entity scope, and whether it arrived past the late-entry limit (set at push
    # time from captured and received time): reports find late entries by index, not by walking documents.
    Column("scope", String(80)),
    Column("late", Boolean, nullable=False, default=False),
    Index("ix_sync_commands_late", "scope", "late", "captured_at"),
    # Compaction drops the oldest outcomes first, a batch at a time (sync/compaction.py).
    Index("ix_sync_commands_received_at", "received_at"),
)

# Latest state of every synced entity; `position` orders changes for pull cursors.
entities = Table(
    "sync_entities",
    metadata,
    Column("entity", String(64), primary_key=True),
    Column("id", String(36), primary_key=True),
    Column("scope", String(80), nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("data", DOCUMENT, nullable=False),
    Column("position", BigInteger, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # data["status"] when it is a short string, written with data: reports select open records by index.
    Column("status", String(32)),
    # The field store.KIND_FIELDS names for the entity type (a hazard's severity, a drill's type).
    Column("kind", String(32)),
    # The field store.MOMENT_FIELDS names (a drill's ended_at): RFC 3339 UTC text, which sorts as time.
    Column("moment", String(32)),
    Index("ix_sync_entities_scope_position", "scope", "position"),
    # One record type of one scope, newest change first: a bureau pages an enterprise's hazards online
    # without reading its other records.
    Index("ix_sync_entities_scope_entity_position", "scope", "entity", "position"),
    Index("ix_sync_entities_position", "position"),
    # Reports read one record type of one enterprise (cadences, ledgers), by status and kind; the last
    # moment of a (type, status, kind) is the end of its range: one probe, however long the history.
    Index("ix_sync_entities_entity_scope", "entity", "scope", "status", "kind", "moment"),
)

# One row: the highest position handed out, taken under a row lock just before commit, and the horizon:
# every row at or below it changed before the retention cutoff (advanced by sync/compaction.py).
counter = Table(
    "sync_counter",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("position", BigInteger, nullable=False),
    Column("horizon", BigInteger, nullable=False, default=0),
)

blobs = Table(
    "sync_blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("media_type", String(32), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("uploaded_by", String(36), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Which visibility scope references a blob: a reader of that scope may fetch it.
blob_refs = Table(
    "sync_blob_refs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("scope", String(80), primary_key=True),
    Column("entity", String(64), nullable=False),
    Column("entity_id", String(36), nullable=False),
)

# Who has shown they hold a blob's bytes (by uploading them): they may cite and read it.
blob_holders = Table(
    "sync_blob_holders",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("user_id", String(36), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
