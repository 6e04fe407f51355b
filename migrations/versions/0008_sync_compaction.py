"""sync_commands are dropped oldest first by compaction: index their receive time

Revision ID: 0007_sync_compaction
Revises: 0006
Create Date: 2026-12-08 12:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sync_commands', schema=None) as batch_op:
        batch_op.create_index('ix_sync_commands_received_at', ['received_at'], unique=False)


def downgrade():
    with op.batch_alter_table('sync_commands', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_commands_received_at')
