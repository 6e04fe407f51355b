"""Timing and memory helpers: percentiles, a stopwatch, and the peak RSS of one step."""

from __future__ import annotations

import re
import resource
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def percentile(samples: list[float], q: float) -> float:
    """Return the q-th percentile (0–100) by linear interpolation; the one sample when there is one."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[max(0, min(98, round(q) - 1))]


def ms(seconds: float) -> str:
    """Format seconds as milliseconds for the table."""
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def seconds(value: float) -> str:
    """Format seconds for the table."""
    return f"{value:,.2f} s" if value < 100 else f"{value:,.0f} s"


def mib(kib: int) -> str:
    """Format KiB as MiB."""
    return f"{kib / 1024:,.0f} MiB"


def peak_rss_kib() -> int:
    """Return this process's peak resident set (VmHWM; ru_maxrss where /proc is absent), in KiB."""
    try:
        return int(re.search(r"VmHWM:\s+(\d+)", STATUS.read_text()).group(1))
    except (OSError, AttributeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reset_peak_rss() -> bool:
    """Reset the peak resident set to the current one (Linux ≥ 4.0); tell whether that worked."""
    try:
        CLEAR_REFS.write_text("5")
        return True
    except OSError:
        return False


@dataclass
class Step:
    """What one measured step took: wall seconds and the process's peak RSS during it (KiB)."""

    seconds: float = 0.0
    peak_kib: int = 0
    peak_is_step_only: bool = False


@contextmanager
def step():
    """Time a block and record the peak RSS reached inside it (since the block began, where Linux allows)."""
    result = Step(peak_is_step_only=reset_peak_rss())
    started = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - started
        result.peak_kib = peak_rss_kib()
