"""the command log's entity_id index is dropped: no query uses it, and every pushed command paid for it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 18:12:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sync_commands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_commands_entity_id'))


def downgrade():
    with op.batch_alter_table('sync_commands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_commands_entity_id'), ['entity_id'], unique=False)
