"""enterprise industry (令第10号 Art.2) apart from process flags; nonferrous moves from flag to industry

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 02:00:00

Each enterprise gets one industry, which selects its article of 令第10号 (Art.4–10). Existing ones are
placed from their flags: the `nonferrous` flag (removed) becomes the nonferrous industry, otherwise
`metal_smelting` means metallurgy (what the flag chose Art.4 for until now). Any other enterprise keeps no
industry until the bureau sets one: guessing would put the wrong article on its checklist. An enterprise
with confined spaces also gets `confined_space_toxic`, which now selects Art.13, so it keeps those items. The synced
enterprise document gets the same values at a fresh position, and the enterprise is marked for the derived
job, so phones pull the change and the checklist is recomputed.
"""
import json
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def placed(flags):
    """Return (industry, flags without nonferrous) for an enterprise's stored flags."""
    flags = set(flags or [])
    if 'confined_space' in flags:
        # Art.13 now needs the poisoning-risk flag; its items stay on these checklists until the bureau
        # says there is no H2S/CO risk (dropping them unasked would be the silent drop issue 9 forbids).
        flags.add('confined_space_toxic')
    flags = sorted(flags)
    if 'nonferrous' in flags:
        return 'nonferrous', [f for f in flags if f != 'nonferrous']
    if 'metal_smelting' in flags:
        return 'metallurgy', flags
    return None, flags


def _loads(value):
    return value if isinstance(value, (dict, list)) or value is None else json.loads(value)


def upgrade():
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.add_column(sa.Column('industry', sa.String(length=32), nullable=True))
    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    now = datetime.now(timezone.utc)
    # As SQLAlchemy's DateTime writes it on SQLite (UTC, no offset); PostgreSQL takes the aware value.
    now = now if postgres else now.strftime('%Y-%m-%d %H:%M:%S.%f')
    json_cast = 'CAST(:flags AS json)' if postgres else ':flags'
    rows = bind.execute(sa.text('SELECT id, flags FROM enterprises ORDER BY id')).all()
    for enterprise_id, stored in rows:
        industry, flags = placed(_loads(stored))
        bind.execute(
            sa.text(f'UPDATE enterprises SET industry = :industry, flags = {json_cast} WHERE id = :id'),
            {'industry': industry, 'flags': json.dumps(flags), 'id': enterprise_id},
        )
        document = bind.execute(
            sa.text("SELECT data, version FROM sync_entities WHERE entity = 'enterprise' AND id = :id"),
            {'id': enterprise_id},
        ).first()
        if document is not None:
            data = {**_loads(document[0]), 'industry': industry, 'flags': flags}
            # A stored document means the counter row exists: every document got its position from it.
            position = bind.execute(
                sa.text('UPDATE sync_counter SET position = position + 1 WHERE id = 1 RETURNING position')
            ).scalar_one()
            cast = 'CAST(:data AS jsonb)' if postgres else ':data'
            bind.execute(
                sa.text(
                    f'UPDATE sync_entities SET data = {cast}, version = :version, position = :position, '
                    "updated_at = :now WHERE entity = 'enterprise' AND id = :id"
                ),
                {
                    'data': json.dumps(data, ensure_ascii=False),
                    'version': document[1] + 1,
                    'position': position,
                    'now': now,
                    'id': enterprise_id,
                },
            )
        bind.execute(
            sa.text('INSERT INTO derived_marks (enterprise_id, module, marked_at) VALUES (:e, :m, :a)'),
            [{'e': enterprise_id, 'm': module, 'a': now} for module in ('checklist', 'due')],
        )


def downgrade():
    # The flag comes back for nonferrous enterprises; the industry column goes.
    bind = op.get_bind()
    json_cast = 'CAST(:flags AS json)' if bind.dialect.name == 'postgresql' else ':flags'
    for enterprise_id, industry, stored in bind.execute(
        sa.text("SELECT id, industry, flags FROM enterprises WHERE industry = 'nonferrous'")
    ).all():
        flags = sorted(set(_loads(stored) or []) | {'nonferrous'})
        bind.execute(
            sa.text(f'UPDATE enterprises SET flags = {json_cast} WHERE id = :id'),
            {'flags': json.dumps(flags), 'id': enterprise_id},
        )
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.drop_column('industry')
