"""Entities the server computes from records (badges, checklists, obligations, training records).

Each module has `on_push(session, actor, changes) -> list[Change]`, run once after a push applied
changes, and `rebuild(session, enterprise_id) -> list[Change]`, run by `flask cadence tick` daily and
after seeding.
"""

from . import badge, checklist, due, person_record

MODULES = (badge, checklist, due, person_record)
LISTENERS = tuple(module.on_push for module in MODULES)
