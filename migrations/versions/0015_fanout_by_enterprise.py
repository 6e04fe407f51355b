"""a notice's fan-out walks people by enterprise: users indexed by (enterprise_id, id), a person cursor

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 19:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_enterprise_id_id', ['enterprise_id', 'id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_users_enterprise_id'))
    with op.batch_alter_table('notice_fanouts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cursor_user', sa.String(length=36), server_default='', nullable=False))
    # A fan-out under way walked people by id alone: start its people over (its keys skip what it wrote).
    op.execute("UPDATE notice_fanouts SET cursor = '' WHERE phase = 'people'")


def downgrade():
    with op.batch_alter_table('notice_fanouts', schema=None) as batch_op:
        batch_op.drop_column('cursor_user')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.drop_index('ix_users_enterprise_id_id')
