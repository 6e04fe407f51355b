"""Roles, employment types and enterprise profile flags, as data."""

ROLES = ("worker", "officer", "principal", "bureau")
ENTERPRISE_ROLES = ("worker", "officer", "principal")
MANAGER_ROLES = ("officer", "principal")
EMPLOYMENT_TYPES = ("own", "contractor", "dispatched", "flexible")

# Process flags (domain.md): what an enterprise does, whatever its industry (backend/rules/industries.py).
# `nonferrous` was a flag until issue 9; it is an industry now (migration 0018 moves it).
ENTERPRISE_FLAGS = (
    "metal_smelting",
    "dust_explosion",
    "ammonia_refrigeration",
    "gas",
    "confined_space",
    "confined_space_toxic",
    "labour_intensive",
    "factory_in_factory",
    "above_scale",
)
