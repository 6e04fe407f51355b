"""Run the bench parts (`python -m scripts.bench [part ...] [--db ...] [--quick]`) and print one table."""

from __future__ import annotations

import argparse
import time

from . import growth, peers, throughput
from .apps import DATABASES, available
from .report import dump, print_table

PARTS = ("throughput", "peers", "growth", "province", "devices")


def main() -> None:
    """Parse the arguments, run the chosen parts in order and print their rows as one table."""
    parser = argparse.ArgumentParser(description=__doc__)
    # A string default: argparse checks a `*` positional's default against the choices as one value.
    parser.add_argument("parts", nargs="*", choices=(*PARTS, "all"), default="all")
    parser.add_argument(
        "--db", choices=(*DATABASES, "both"), default="both", help="for throughput and growth"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--seed", choices=("clone", "push"), default="clone", help="how growth seeds records")
    parser.add_argument("--json", help="also write the table's rows to this file")
    args = parser.parse_args()
    chosen = [args.parts] if isinstance(args.parts, str) else args.parts
    parts = PARTS if "all" in chosen else [p for p in PARTS if p in chosen]
    databases = available(list(DATABASES) if args.db == "both" else [args.db])
    rows, took = [], {}
    for part in parts:
        print(f"\n=== {part} ===", flush=True)
        started = time.perf_counter()
        rows += run_part(part, databases, args)
        took[part] = time.perf_counter() - started
    print_table(rows, "make bench: " + ", ".join(f"{p} {s:,.0f} s" for p, s in took.items()))
    if args.json:
        dump(rows, args.json)


def run_part(part: str, databases: list[str], args) -> list:
    """Run one part and return its rows."""
    if part == "throughput":
        return throughput.run(databases, args.quick)
    if part == "peers":
        return peers.run(args.quick)
    if part == "growth":
        return growth.run(databases, args.quick, args.seed)
    if part == "province":
        from . import province

        return province.run(args.quick)
    from . import devices

    return devices.run(args.quick)


if __name__ == "__main__":
    main()
