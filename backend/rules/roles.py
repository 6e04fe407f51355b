"""Roles, employment types and enterprise profile flags, as data."""

ROLES = ("worker", "officer", "principal", "bureau")
ENTERPRISE_ROLES = ("worker", "officer", "principal")
MANAGER_ROLES = ("officer", "principal")
EMPLOYMENT_TYPES = ("own", "contractor", "dispatched", "flexible")

ENTERPRISE_FLAGS = (
    "metal_smelting",
    "nonferrous",
    "dust_explosion",
    "ammonia_refrigeration",
    "gas",
    "confined_space",
    "labour_intensive",
    "factory_in_factory",
    "above_scale",
)
