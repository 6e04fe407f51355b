"""scripts/bench_ticks.py keeps working: its quiet ticks find nothing due and send nothing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_ticks.py"


def test_measure_ticks_reports_quiet_ticks_over_seeded_enterprises(app):
    spec = importlib.util.spec_from_file_location("bench_ticks", SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    figures = bench.measure_ticks(app, 30)
    assert figures["enterprises"] == 30
    assert figures["cadence_tick_enterprises_due"] == 0 and figures["notify_tick_sent"] == 0
    assert figures["cadence_tick_seconds"] > 0 and figures["notify_tick_peak_rss_mib"] > 0
