"""Building millions of small objects at once (passage rows, report dicts, page fragments) without Python's cyclic
garbage collector: these objects hold no reference cycles and are freed by reference counting, but every
collection of the oldest generation walks all of them again. On a report of 100,000 notes the collector took
about 40% of the time after analysis (7.8 of 18.8 s, ``benchmarks/report.py``)."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic collector for the block (nested blocks keep it paused until the outermost ends). Memory
    is still freed by reference counting; cycles made meanwhile are collected after the block."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
