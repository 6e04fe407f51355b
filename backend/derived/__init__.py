"""Entities the server computes from records (badges, checklists, obligations, training records).

Each module has `rebuild(session, enterprise_id) -> list[Change]`. A push only marks the enterprises it
touched (marks.py); the derived job (worker.py) rebuilds them after the commit, the cadence tick as days pass.
"""

from . import badge, checklist, due, person_record

MODULES = (badge, checklist, due, person_record)
