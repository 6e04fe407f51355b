"""Entities the server computes from records (badges, checklists, obligations, training records).

Each module has `on_push(session, actor, changes) -> list[Change]`, run once after a push applied
changes, `rebuild(session, enterprise_id) -> list[Change]`, run by the cadence tick and after seeding,
and `next_change_on(session, enterprise_id, today)`, the next day time alone changes what it recorded.
"""

from . import badge, checklist, due, person_record

MODULES = (badge, checklist, due, person_record)

from . import schedule  # noqa: E402 (reads MODULES)

# The schedule listener runs last: it reads the derived entities the others recorded.
LISTENERS = (*(module.on_push for module in MODULES), schedule.on_push)
