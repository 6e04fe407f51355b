"""sync_entities.kind: the field reports group and count by (a hazard's severity, a drill's type), indexed

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# backend.records.KIND_FIELDS when this migration was written.
KIND_FIELDS = {'hazard': 'severity', 'drill': 'type', 'inspection': 'kind', 'training_session': 'kind'}


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    with op.batch_alter_table('sync_entities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=32), nullable=True))
        batch_op.drop_index('ix_sync_entities_entity_scope')
        batch_op.create_index(
            'ix_sync_entities_entity_scope', ['entity', 'scope', 'status', 'kind'], unique=False
        )
    for entity, field in KIND_FIELDS.items():
        if postgres:
            op.execute(
                f"UPDATE sync_entities SET kind = data->>'{field}' WHERE entity = '{entity}' "
                f"AND jsonb_typeof(data->'{field}') = 'string' AND length(data->>'{field}') <= 32"
            )
        else:
            op.execute(
                f"UPDATE sync_entities SET kind = json_extract(data, '$.{field}') WHERE entity = '{entity}' "
                f"AND json_type(data, '$.{field}') = 'text' AND length(json_extract(data, '$.{field}')) <= 32"
            )


def downgrade():
    with op.batch_alter_table('sync_entities', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_entities_entity_scope')
        batch_op.create_index('ix_sync_entities_entity_scope', ['entity', 'scope', 'status'], unique=False)
        batch_op.drop_column('kind')
