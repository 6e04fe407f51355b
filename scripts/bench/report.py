"""One row per figure, and the one table `make bench` prints."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

COLUMNS = ("SQLite", "PostgreSQL")


@dataclass
class Row:
    """A figure of one part by database column ("SQLite", "PostgreSQL"), with its target."""

    part: str
    figure: str
    values: dict[str, str] = field(default_factory=dict)
    target: str = ""


def print_table(rows: list[Row], title: str = "") -> None:
    """Print rows as one aligned table: part, figure, SQLite, PostgreSQL, target."""
    header = ("part", "figure", *COLUMNS, "target")
    cells = [header] + [
        (row.part, row.figure, *(row.values.get(column, "") for column in COLUMNS), row.target)
        for row in rows
    ]
    widths = [max(_width(line[i]) for line in cells) for i in range(len(header))]
    if title:
        print(f"\n{title}")
    print()
    for n, line in enumerate(cells):
        print("  ".join(_pad(text, widths[i], right=i in (2, 3)) for i, text in enumerate(line)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def dump(rows: list[Row], path: str) -> None:
    """Write the rows as JSON for later comparison."""
    with open(path, "w") as handle:
        json.dump([asdict(row) for row in rows], handle, ensure_ascii=False, indent=1)


def _width(text: str) -> int:
    """Return the display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap
