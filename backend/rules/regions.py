"""Regions by GB/T 2260 code: level and parent read from the code itself, county ⊂ city ⊂ province.

A code is six digits: `XX0000` a province, `XXXX00` a city (地级), anything else a county-level division.
The names are data (region_codes.py); nobody edits regions through the application.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .region_codes import NAMES

LEVELS = ("province", "city", "county")
# How many leading digits name a node of each level: the rest of the code is zeros.
PREFIX_DIGITS = {"province": 2, "city": 4, "county": 6}
# The county of the Jiaocheng notice (交应急字〔2024〕45号): where the enterprises registered before
# jurisdictions existed lie (migration 0019).
DEFAULT_COUNTY = "141122"


@dataclass(frozen=True)
class Region:
    """One node: its code, name, level and parent code (None for a province)."""

    code: str
    name: str
    level: str
    parent_code: str | None

    def as_data(self) -> dict:
        """Return the synced `region` entity's data, with the names of its ancestors (province first)."""
        path = [{"code": code, "name": NAMES[code]} for code in ancestors(self.code)]
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "parent_code": self.parent_code,
            "path": path,
        }


def is_code(value: object) -> bool:
    """Tell whether a value is a six-digit code the region data knows."""
    return isinstance(value, str) and value in NAMES


def level_of(code: str) -> str:
    """Return 'province', 'city' or 'county', read from the code's trailing zeros."""
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "county"


def prefix_of(code: str) -> str:
    """Return the digits every code at or below this node starts with ('14', '1411', '141122')."""
    return code[: PREFIX_DIGITS[level_of(code)]]


def parent_of(code: str) -> str | None:
    """Return the parent's code: a county's city, a city's province; None for a province.

    A county directly under a province (省直辖县级行政区, `XX90XX`) has no city node in the data: its
    parent is then the province.
    """
    level = level_of(code)
    if level == "province":
        return None
    city = code[:4] + "00"
    if level == "county" and city in NAMES:
        return city
    return code[:2] + "0000"


def ancestors(code: str) -> list[str]:
    """Return the codes above a node, province first (empty for a province)."""
    found: list[str] = []
    parent = parent_of(code)
    while parent is not None:
        found.insert(0, parent)
        parent = parent_of(parent)
    return found


def region(code: str) -> Region:
    """Return the node of a known code (KeyError for an unknown one)."""
    return Region(code, NAMES[code], level_of(code), parent_of(code))


def within(code: str, node: str) -> bool:
    """Tell whether a code lies at or below a node (a county within its city and province)."""
    return code == node or node in ancestors(code)


@cache
def subtree(node: str) -> tuple[str, ...]:
    """Return the node and every known code below it, sorted."""
    return tuple(sorted(code for code in NAMES if within(code, node)))


def counties_of(node: str) -> tuple[str, ...]:
    """Return the county-level codes at or below a node, sorted."""
    return tuple(code for code in subtree(node) if level_of(code) == "county")


def code_range(node: str) -> tuple[str, str]:
    """Return the lowest and highest six-digit codes at or below a node (for an indexed BETWEEN)."""
    prefix = prefix_of(node)
    return prefix + "0" * (6 - len(prefix)), prefix + "9" * (6 - len(prefix))


def all_codes() -> tuple[str, ...]:
    """Return every known code, sorted."""
    return tuple(sorted(NAMES))
