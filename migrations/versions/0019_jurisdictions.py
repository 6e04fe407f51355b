"""jurisdictions: enterprises lie in a county, bureaus belong to a region node (GB/T 2260)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 07:30:00

Every enterprise gets its county (`enterprises.region_code`, NOT NULL); every bureau account and bureau
office channel its region node (`users.region_code`, `office_channels.region_code`). Rows registered
before jurisdictions existed lie in 141122 交城县, the county of the notice this project started from.

Synced data follows: the enterprise document gains `region_code` (republished at a fresh position);
notices move from the one global `bureau` scope to `region:141122`, receipts from the enterprise's scope to
its county's, a bureau's own user record to its `user:` scope. Bureaus' cursors change fingerprint, so their
phones start over and pull summaries only. Every enterprise is marked for the derived job, which writes
its `enterprise_summary`; `flask regions publish` (or the hourly cadence tick) writes the region nodes.
A new index pages one record type of one enterprise by position (the bureau's online details).
"""
import json
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

COUNTY = '141122'


def _loads(value):
    return value if isinstance(value, (dict, list)) or value is None else json.loads(value)


def upgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    # NOT NULL from the start, filled by a default: SQLite cannot add the constraint later without
    # recreating the table, which its foreign keys (users → enterprises) refuse. PostgreSQL drops the
    # default at once; on SQLite it stays in the schema (the application always names the county).
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('region_code', sa.String(length=6), nullable=False, server_default=COUNTY)
        )
    if postgres:
        op.alter_column('enterprises', 'region_code', server_default=None)
    op.create_index('ix_enterprises_region_code_id', 'enterprises', ['region_code', 'id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_code', sa.String(length=6), nullable=True))
    op.execute(sa.text(f"UPDATE users SET region_code = '{COUNTY}' WHERE role = 'bureau'"))

    with op.batch_alter_table('office_channels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_code', sa.String(length=6), nullable=True))
    op.create_index('ix_office_channels_region_code', 'office_channels', ['region_code'], unique=False)
    op.execute(sa.text(f"UPDATE office_channels SET region_code = '{COUNTY}' WHERE enterprise_id IS NULL"))

    op.create_index(
        'ix_sync_entities_scope_entity_position', 'sync_entities', ['scope', 'entity', 'position'], unique=False
    )

    now = datetime.now(timezone.utc)
    now = now if postgres else now.strftime('%Y-%m-%d %H:%M:%S.%f')
    bind.execute(
        sa.text(
            f"UPDATE sync_entities SET scope = 'region:{COUNTY}' "
            "WHERE (entity = 'notice' AND scope = 'bureau') OR entity = 'notice_receipt'"
        )
    )
    bind.execute(
        sa.text("UPDATE sync_entities SET scope = 'user:' || id WHERE entity = 'user' AND scope = 'bureau'")
    )
    cast = 'CAST(:data AS jsonb)' if postgres else ':data'
    documents = bind.execute(
        sa.text("SELECT id, data, version FROM sync_entities WHERE entity = 'enterprise' ORDER BY id")
    ).all()
    for enterprise_id, data, version in documents:
        position = bind.execute(
            sa.text('UPDATE sync_counter SET position = position + 1 WHERE id = 1 RETURNING position')
        ).scalar_one()
        bind.execute(
            sa.text(
                f'UPDATE sync_entities SET data = {cast}, version = :version, position = :position, '
                "updated_at = :now WHERE entity = 'enterprise' AND id = :id"
            ),
            {
                'data': json.dumps({**_loads(data), 'region_code': COUNTY}, ensure_ascii=False),
                'version': version + 1,
                'position': position,
                'now': now,
                'id': enterprise_id,
            },
        )
    ids = bind.execute(sa.text('SELECT id FROM enterprises ORDER BY id')).scalars().all()
    if ids:
        bind.execute(
            sa.text('INSERT INTO derived_marks (enterprise_id, module, marked_at) VALUES (:e, :m, :a)'),
            [{'e': e, 'm': 'enterprise_summary', 'a': now} for e in ids],
        )


def downgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    enterprise_of = "(data->>'enterprise_id')" if postgres else "json_extract(data, '$.enterprise_id')"
    bind.execute(sa.text("DELETE FROM sync_entities WHERE entity IN ('enterprise_summary', 'region')"))
    bind.execute(sa.text("DELETE FROM derived_marks WHERE module = 'enterprise_summary'"))
    bind.execute(sa.text("UPDATE sync_entities SET scope = 'bureau' WHERE entity = 'notice'"))
    bind.execute(
        sa.text(f"UPDATE sync_entities SET scope = 'ent:' || {enterprise_of} WHERE entity = 'notice_receipt'")
    )
    bind.execute(
        sa.text(
            "UPDATE sync_entities SET scope = 'bureau' WHERE entity = 'user' "
            "AND id IN (SELECT id FROM users WHERE role = 'bureau')"
        )
    )
    op.drop_index('ix_sync_entities_scope_entity_position', table_name='sync_entities')
    op.drop_index('ix_office_channels_region_code', table_name='office_channels')
    op.drop_index('ix_enterprises_region_code_id', table_name='enterprises')
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35 too): a batch recreate of enterprises is refused by
    # the foreign keys that point at it.
    for table in ('office_channels', 'users', 'enterprises'):
        op.execute(sa.text(f'ALTER TABLE {table} DROP COLUMN region_code'))
