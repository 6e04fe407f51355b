"""Ledger spreadsheets (台账) for export: one module per ledger, each a title, columns and rows."""

from . import drills, hazards, special_operations, trainings

# URL name → ledger module; each has TITLE, COLUMNS [(header, width)] and rows(session, enterprise, people).
LEDGERS = {
    "hazards": hazards,
    "drills": drills,
    "trainings": trainings,
    "special_operations": special_operations,
}
