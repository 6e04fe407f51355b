"""Entities the server computes from records (badges, checklists, obligations, training records).

Each module has `rebuild(session, enterprise_id) -> list[Change]` and `next_change_on(session,
enterprise_id, today)`, the next day time alone changes what it recorded. A push only marks the
enterprises it touched (marks.py); the derived job (worker.py) rebuilds them after the commit and
reschedules them (schedule.py); the cadence tick rebuilds those whose day has come.
"""

from . import badge, checklist, due, enterprise_summary, person_record

# In recording order: a module may read what an earlier one recorded (due reads the checklist, the
# enterprise summary reads due).
MODULES = (badge, checklist, due, person_record, enterprise_summary)
