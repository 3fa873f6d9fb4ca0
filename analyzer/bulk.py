"""Building millions of small objects at once (analysis payloads, passage rows, report dicts, page fragments) with
fewer runs of Python's cyclic garbage collector. These objects hold no reference cycles and are freed by reference
counting, but with the default settings every collection walks all of them again: on a report of 100,000 notes
the collector took about 40% of the time after analysis (7.8 of 18.8 s, ``benchmarks/report.py``)."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

COLLECT_AFTER = 20_000  # allocations between young-generation collections during a run (Python's default: 700)
# A report's drill-down list is hundreds of thousands of small dicts that all live until the report is written.
REPORT_COLLECT_AFTER = 1_000_000


def collect_less(threshold: int) -> None:
    """Freeze the objects that exist now (modules, the model, spaCy's tables) so collections skip them, and
    collect the young generation after ``threshold`` allocations. Collections still run (cycles are freed), less
    often. For a process that lives for one run (a pool worker): nothing is restored."""
    gc.freeze()
    gc.set_threshold(threshold, *gc.get_threshold()[1:])


@contextmanager
def fewer_collections(threshold: int = COLLECT_AFTER) -> Iterator[None]:
    """:func:`collect_less` for a block; the collector's settings are restored afterwards (a nested block keeps
    the outer block's frozen objects frozen)."""
    old = gc.get_threshold()
    outermost = gc.get_freeze_count() == 0
    collect_less(threshold)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        if outermost:
            gc.unfreeze()
