"""hazards live once, as documents; status index; late flag on commands; derived marks; jsonb on PostgreSQL

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 14:40:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Matches backend.rules.late_entry.LATE_ENTRY_HOURS when this migration was written.
LATE_HOURS = 24


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    with op.batch_alter_table('sync_entities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=32), nullable=True))
        batch_op.drop_index('ix_sync_entities_entity_scope')
        batch_op.create_index('ix_sync_entities_entity_scope', ['entity', 'scope', 'status'], unique=False)
    if postgres:
        op.execute('ALTER TABLE sync_entities ALTER COLUMN data TYPE jsonb USING data::jsonb')
        op.execute(
            "UPDATE sync_entities SET status = data->>'status' "
            "WHERE jsonb_typeof(data->'status') = 'string' AND length(data->>'status') <= 32"
        )
    else:
        op.execute(
            "UPDATE sync_entities SET status = json_extract(data, '$.status') "
            "WHERE json_type(data, '$.status') = 'text' AND length(json_extract(data, '$.status')) <= 32"
        )

    with op.batch_alter_table('sync_commands', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('late', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index('ix_sync_commands_late', ['scope', 'late', 'captured_at'], unique=False)
    op.execute(
        "UPDATE sync_commands SET scope = (SELECT e.scope FROM sync_entities e "
        "WHERE e.entity = sync_commands.entity AND e.id = sync_commands.entity_id) "
        "WHERE status = 'applied'"
    )
    if postgres:
        op.execute(
            f"UPDATE sync_commands SET late = true WHERE status = 'applied' "
            f"AND received_at - captured_at > interval '{LATE_HOURS} hours'"
        )
    else:
        op.execute(
            f"UPDATE sync_commands SET late = 1 WHERE status = 'applied' "
            f"AND (julianday(received_at) - julianday(captured_at)) * 24 > {LATE_HOURS}"
        )

    op.create_table('derived_marks',
    sa.Column('enterprise_id', sa.String(length=36), nullable=False),
    sa.Column('generation', sa.BigInteger(), nullable=False),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('enterprise_id', name=op.f('pk_derived_marks'))
    )
    with op.batch_alter_table('derived_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_derived_marks_claimed_until'), ['claimed_until'], unique=False)

    # Every hazard is also a synced document (it always was written as both): the table goes.
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hazards_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_hazards_status'))
        batch_op.drop_index(batch_op.f('ix_hazards_inspection_id'))
    op.drop_table('hazards')


def downgrade():
    raise NotImplementedError('0007 drops the hazards table; restore from a backup to go back')
