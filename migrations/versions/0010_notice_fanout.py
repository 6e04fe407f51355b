"""notice fan-out: the pending job row, targeted enterprises with receipt counts, one row per recipient

Revision ID: 0007_notice_fanout
Revises: 0006
Create Date: 2026-12-08 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice_fanouts',
    sa.Column('notice_id', sa.String(length=36), nullable=False),
    sa.Column('target', sa.JSON(), nullable=False),
    sa.Column('phase', sa.String(length=16), nullable=False),
    sa.Column('cursor', sa.String(length=36), nullable=False),
    sa.Column('enterprises', sa.Integer(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('notice_id', name=op.f('pk_notice_fanouts'))
    )
    with op.batch_alter_table('notice_fanouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_fanouts_done_at'), ['done_at'], unique=False)

    op.create_table('notice_enterprises',
    sa.Column('notice_id', sa.String(length=36), nullable=False),
    sa.Column('enterprise_id', sa.String(length=36), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('read', sa.Integer(), nullable=False),
    sa.Column('acknowledged', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('notice_id', 'enterprise_id', name=op.f('pk_notice_enterprises'))
    )
    op.create_table('notice_recipients',
    sa.Column('notice_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('enterprise_id', sa.String(length=36), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('notice_id', 'user_id', name=op.f('pk_notice_recipients'))
    )
    with op.batch_alter_table('notice_recipients', schema=None) as batch_op:
        batch_op.create_index(
            'ix_notice_recipients_notice_id_enterprise_id_user_id',
            ['notice_id', 'enterprise_id', 'user_id'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('notice_recipients', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_recipients_notice_id_enterprise_id_user_id')
    op.drop_table('notice_recipients')
    op.drop_table('notice_enterprises')
    with op.batch_alter_table('notice_fanouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_fanouts_done_at'))
    op.drop_table('notice_fanouts')
