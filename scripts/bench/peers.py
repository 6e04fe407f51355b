"""Part a: the peer bench (../shared/bench) against a fresh `make run`-like server: ratios and rounds."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from .report import Row
from .servers import gunicorn, prepare, server_env

PEER_BENCH = Path(os.environ.get("PEER_BENCH", "/work/shared/bench"))
PART = "a. peers (SQLite, make run, HTTP)"
NPM_SECONDS = 600  # the first install compiles sqlite3 and leveldown (node-gyp): minutes here


def run(quick: bool, max_seconds: float = 900) -> list[Row]:
    """Copy the peer bench, serve a fresh instance, run ours, pouchdb and floor; return the table rows."""
    if not (PEER_BENCH / "peers.py").exists():
        return [Row(PART, "peer bench", {"SQLite": "n/a"}, f"not found at {PEER_BENCH}")]
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as temp:
        folder = Path(temp)
        bench = folder / "bench"
        shutil.copytree(PEER_BENCH, bench)
        only = "ours,pouchdb,floor" if _npm_ci(bench) else "ours,floor"
        env = server_env(folder, None)
        prepare(env)
        figures = folder / "peers.json"
        size = ["--n", "1000", "--rounds", "2"] if quick else []
        with gunicorn(folder, env, workers=1, threads=8) as (base, _pid):
            subprocess.run(
                [
                    "python3",
                    "peers.py",
                    "--ours",
                    base,
                    "--only",
                    only,
                    "--json",
                    str(figures),
                    "--max-seconds",
                    str(max_seconds),
                    *size,
                ],
                cwd=bench,
                check=False,
                timeout=max_seconds + 120,
            )
        if not figures.exists():
            return [Row(PART, "peer bench", {"SQLite": "failed"}, "see the output above")]
        return rows_of(json.loads(figures.read_text()))


def _npm_ci(bench: Path) -> bool:
    """Install pouchdb-server as the peer bench's README says; tell whether it worked in time."""
    try:
        npm = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=bench,
            capture_output=True,
            text=True,
            timeout=NPM_SECONDS,
        )
    except subprocess.TimeoutExpired:
        print(f"npm ci took over {NPM_SECONDS} s: pouchdb-server skipped")
        return False
    if npm.returncode:
        print(f"npm ci failed (pouchdb-server skipped): {npm.stderr[-300:]}")
    return npm.returncode == 0


def rows_of(answer: dict) -> list[Row]:
    """Turn peers.py's JSON into the ratio line and ours' round-by-round push figures."""
    results = answer["results"]
    ours = results.get("ours", {})
    if "error" in ours or not ours.get("reps"):
        return [Row(PART, "ours", {"SQLite": "failed"}, ours.get("error", "no rounds")[:60])]
    rows = []
    # peers.py names the system "pouchdb-mem" (pouchdb-server --in-memory); `--only pouchdb` selects it.
    pouch = next((result for name, result in results.items() if name.startswith("pouchdb")), {})
    n = answer["n"]
    if pouch.get("reps"):
        ratio = {m: _median(ours, m) / _median(pouch, m) for m in ("push_rps", "pull_rps", "incr_ms")}
        print(
            f"\nours / pouchdb-server: push {ratio['push_rps']:.3g}, initial pull {ratio['pull_rps']:.3g}, "
            f"incremental pull latency {ratio['incr_ms']:.3g}"
        )
        rows += [
            Row(PART, "ours/pouchdb push rec/s", {"SQLite": f"{ratio['push_rps']:.3g}"}, "≥ 1.0"),
            Row(PART, "ours/pouchdb initial pull rec/s", {"SQLite": f"{ratio['pull_rps']:.3g}"}, "≥ 2.0"),
            Row(PART, "ours/pouchdb incremental pull ms", {"SQLite": f"{ratio['incr_ms']:.3g}"}, "≤ 1.0"),
        ]
    else:
        rows.append(Row(PART, "pouchdb-server", {"SQLite": "n/a"}, pouch.get("error", "not run")[:60]))
    pushes = [rep["push_rps"] for rep in ours["reps"]]
    rounds = " → ".join(f"{value:,.0f}" for value in pushes)
    print(f"ours push rec/s by round ({n:,} records a round): {rounds}")
    rows.append(Row(PART, f"ours push rec/s by round ({n:,}/round)", {"SQLite": rounds}))
    if len(pushes) >= 2:
        rows.append(
            Row(PART, "ours push last round / first", {"SQLite": f"{pushes[-1] / pushes[0]:.2f}"}, "≥ 0.9")
        )
    for name, key in (("initial pull rec/s", "pull_rps"), ("incremental pull ms", "incr_ms")):
        rows.append(Row(PART, f"ours {name} (median)", {"SQLite": f"{_median(ours, key):,.1f}"}))
    return rows


def _median(result: dict, metric: str) -> float:
    return statistics.median(rep[metric] for rep in result["reps"])
