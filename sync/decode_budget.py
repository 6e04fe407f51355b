"""A process-wide bound on image decoding: at most a few decodes at once, holding at most so many bytes."""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Two decodes at once keep both cores busy; the byte budget keeps a worker under 600 MB with the app's own
# ~110 MB, whatever the mix (one 52 Mpx CMYK progressive JPEG alone needs 416 MB).
DECODE_SLOTS = 2
DECODE_BUDGET_BYTES = 420 * 1024 * 1024
# A waiting request holds one of the worker's 8 threads: past this it is answered 503 with Retry-After.
DECODE_WAIT_SECONDS = 20
# glibc serves Pillow's 16 MB pixel blocks from per-thread arenas once a first one was freed (its mmap
# threshold adapts upwards), and the worker stays at its peak. A fixed threshold keeps them mmapped, so
# freeing one returns it to the OS: 8 parallel 39.7 Mpx PNGs peak at 422 MB and leave 115 MB, against
# 887 MB kept for ever without it (malloc_trim after each decode instead: 567 MB, 278 MB kept).
M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES = -3, 1024 * 1024

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
if hasattr(_libc, "mallopt"):
    _libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


class DecodersBusy(Exception):
    """No decode slot came free in time."""


class DecodeBudget:
    """Counts decodes in progress and the bytes they hold; a decode waits until both fit."""

    def __init__(self, slots: int = DECODE_SLOTS, budget: int = DECODE_BUDGET_BYTES):
        self.slots, self.budget = slots, budget
        self.active = self.held = 0
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, cost: int, wait_seconds: float | None = None) -> Iterator[None]:
        """Wait for a slot and cost bytes of budget (a decode dearer than the whole budget runs alone)."""
        cost = min(cost, self.budget)
        with self._changed:
            fits = self._changed.wait_for(
                lambda: self.active < self.slots and self.held + cost <= self.budget,
                DECODE_WAIT_SECONDS if wait_seconds is None else wait_seconds,
            )
            if not fits:
                raise DecodersBusy()
            self.active, self.held = self.active + 1, self.held + cost
        try:
            yield
        finally:
            with self._changed:
                self.active, self.held = self.active - 1, self.held - cost
                self._changed.notify_all()


PROCESS_BUDGET = DecodeBudget()
