"""job runs (one scheduler per deployment) and derived schedule (next time-driven day per enterprise)

Revision ID: 0007_job_runs_and_schedule
Revises: 0006
Create Date: 2026-12-08 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_runs',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('owner', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_runs'))
    )
    op.create_table('derived_schedule',
    sa.Column('enterprise_id', sa.String(length=36), nullable=False),
    sa.Column('next_on', sa.Date(), nullable=True),
    sa.Column('remind_on', sa.Date(), nullable=True),
    sa.Column('digest_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_derived_schedule_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enterprise_id', name=op.f('pk_derived_schedule'))
    )
    with op.batch_alter_table('derived_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_derived_schedule_next_on'), ['next_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_derived_schedule_remind_on'), ['remind_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_derived_schedule_digest_on'), ['digest_on'], unique=False)
    # Every enterprise that exists is due at once: the first tick computes its real days.
    op.execute(
        "INSERT INTO derived_schedule (enterprise_id, next_on, remind_on, digest_on) "
        "SELECT id, DATE '2000-01-01', DATE '2000-01-01', DATE '2000-01-01' FROM enterprises"
        if op.get_bind().dialect.name == "postgresql"
        else "INSERT INTO derived_schedule (enterprise_id, next_on, remind_on, digest_on) "
        "SELECT id, '2000-01-01', '2000-01-01', '2000-01-01' FROM enterprises"
    )


def downgrade():
    with op.batch_alter_table('derived_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_derived_schedule_digest_on'))
        batch_op.drop_index(batch_op.f('ix_derived_schedule_remind_on'))
        batch_op.drop_index(batch_op.f('ix_derived_schedule_next_on'))
    op.drop_table('derived_schedule')
    op.drop_table('job_runs')
