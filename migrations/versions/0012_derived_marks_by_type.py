"""derived_marks name the derived entity type a push made stale, not only the enterprise

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 15:10:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# backend.derived.MODULES' entity types when this migration was written.
DERIVED_TYPES = ('badge', 'checklist', 'due', 'person_record')


def upgrade():
    # Pending marks are few and short-lived: each becomes one mark per derived type.
    pending = [row[0] for row in op.get_bind().execute(sa.text('SELECT enterprise_id FROM derived_marks'))]
    op.drop_table('derived_marks')
    marks = op.create_table('derived_marks',
    sa.Column('enterprise_id', sa.String(length=36), nullable=False),
    sa.Column('module', sa.String(length=32), nullable=False),
    sa.Column('generation', sa.BigInteger(), nullable=False),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('enterprise_id', 'module', name=op.f('pk_derived_marks'))
    )
    with op.batch_alter_table('derived_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_derived_marks_claimed_until'), ['claimed_until'], unique=False)
    if pending:
        now = datetime.now(timezone.utc)
        op.bulk_insert(marks, [
            {'enterprise_id': e, 'module': m, 'generation': 1, 'marked_at': now}
            for e in pending for m in DERIVED_TYPES
        ])


def downgrade():
    raise NotImplementedError('0012 reshapes derived_marks; pending marks are recomputed by the cadence tick')
