"""Shift every Python process's wall clock by TEST_CLOCK_SHIFT_SECONDS: no test may depend on the day it runs.

`make test-shifted` puts this folder on PYTHONPATH, so pytest and every gunicorn or flask process it starts
read the same shifted clock (datetime, date.today, time.time); monotonic clocks and sleeps are untouched.
"""

import os

_shift = os.environ.get("TEST_CLOCK_SHIFT_SECONDS")
if _shift:
    from datetime import UTC, datetime, timedelta

    import time_machine

    time_machine.travel(datetime.now(UTC) + timedelta(seconds=float(_shift)), tick=True).start()
