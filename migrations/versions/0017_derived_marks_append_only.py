"""derived_marks append-only: a push inserts its own marks and never waits on another push's

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 22:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    # Pending marks are few and short-lived: each is carried over as one row.
    # Read and written as raw values (SQLite keeps its stored text), oldest first.
    bind = op.get_bind()
    pending = [
        {'e': e, 'm': m, 'a': at}
        for e, m, at in bind.execute(
            sa.text('SELECT enterprise_id, module, marked_at FROM derived_marks ORDER BY marked_at')
        )
    ]
    op.drop_table('derived_marks')
    op.create_table('derived_marks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('enterprise_id', sa.String(length=36), nullable=False),
    sa.Column('module', sa.String(length=32), nullable=False),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_derived_marks'))
    )
    with op.batch_alter_table('derived_marks', schema=None) as batch_op:
        batch_op.create_index('ix_derived_marks_enterprise_module', ['enterprise_id', 'module'], unique=False)
    if pending:
        bind.execute(
            sa.text('INSERT INTO derived_marks (enterprise_id, module, marked_at) VALUES (:e, :m, :a)'), pending
        )


def downgrade():
    raise NotImplementedError('0017 reshapes derived_marks; pending marks are recomputed by the cadence tick')
