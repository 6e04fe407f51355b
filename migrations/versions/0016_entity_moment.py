"""sync_entities.moment: when a record fulfilled its obligation (a drill's end), indexed after status and kind

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 20:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# backend.records.MOMENT_FIELDS when this migration was written.
MOMENT_FIELDS = {'drill': 'ended_at', 'inspection': 'finished_at', 'training_session': 'scheduled_at'}


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    with op.batch_alter_table('sync_entities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moment', sa.String(length=32), nullable=True))
        batch_op.drop_index('ix_sync_entities_entity_scope')
        batch_op.create_index(
            'ix_sync_entities_entity_scope', ['entity', 'scope', 'status', 'kind', 'moment'], unique=False
        )
    for entity, field in MOMENT_FIELDS.items():
        if postgres:
            op.execute(
                f"UPDATE sync_entities SET moment = data->>'{field}' WHERE entity = '{entity}' "
                f"AND jsonb_typeof(data->'{field}') = 'string' AND length(data->>'{field}') <= 32"
            )
        else:
            op.execute(
                f"UPDATE sync_entities SET moment = json_extract(data, '$.{field}') WHERE entity = '{entity}' "
                f"AND json_type(data, '$.{field}') = 'text' AND length(json_extract(data, '$.{field}')) <= 32"
            )


def downgrade():
    with op.batch_alter_table('sync_entities', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_entities_entity_scope')
        batch_op.create_index(
            'ix_sync_entities_entity_scope', ['entity', 'scope', 'status', 'kind'], unique=False
        )
        batch_op.drop_column('moment')
