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
# Their names on the rules page (/rules); the PWA has the same names with a one-line explanation each.
FLAG_LABELS_ZH = {
    "metal_smelting": "金属冶炼",
    "dust_explosion": "粉尘涉爆",
    "ammonia_refrigeration": "涉氨制冷",
    "gas": "涉煤气",
    "confined_space": "有限空间",
    "confined_space_toxic": "有限空间有中毒风险",
    "labour_intensive": "劳动密集型",
    "factory_in_factory": "厂中厂",
    "above_scale": "规模以上",
}
