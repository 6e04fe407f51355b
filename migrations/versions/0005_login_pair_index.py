"""login throttling counts failures per (username, address): index the pair with the time

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 12:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


# Plain index operations: both SQLite and PostgreSQL create and drop indexes without rebuilding the table.
def upgrade():
    op.drop_index('ix_login_attempts_username_at', table_name='login_attempts')
    op.create_index('ix_login_attempts_username_address_at', 'login_attempts', ['username', 'address', 'at'], unique=False)


def downgrade():
    op.drop_index('ix_login_attempts_username_address_at', table_name='login_attempts')
    op.create_index('ix_login_attempts_username_at', 'login_attempts', ['username', 'at'], unique=False)
