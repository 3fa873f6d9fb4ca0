"""Ragged-array helpers: checked against plain Python lists."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.text.ragged import gather_ranges, offsets, row_ids, select_rows

_rows = st.lists(st.lists(st.integers(-5, 50), max_size=6), max_size=12)


def _ragged(rows):
    return offsets(np.array([len(r) for r in rows], dtype=np.int64)), np.array([v for r in rows for v in r],
                                                                             dtype=np.int64)


@settings(max_examples=200, deadline=None)
@given(_rows, st.data())
def test_helpers_equal_python_lists(rows, data):
    indptr, values = _ragged(rows)
    assert indptr.tolist() == [sum(len(r) for r in rows[:i]) for i in range(len(rows) + 1)]
    assert row_ids(indptr).tolist() == [i for i, r in enumerate(rows) for _ in r]
    picked = data.draw(st.lists(st.integers(0, max(len(rows) - 1, 0)), max_size=8)) if rows else []
    ptr, selected = select_rows(indptr, values, np.array(picked, dtype=np.int64))
    expected = [rows[i] for i in picked]
    assert [selected[ptr[k]:ptr[k + 1]].tolist() for k in range(len(picked))] == expected
    starts = [int(indptr[i]) for i in picked]
    lengths = [len(rows[i]) for i in picked]
    assert gather_ranges(np.array(starts, dtype=np.int64), np.array(lengths, dtype=np.int64)).tolist() == [
        s + k for s, n in zip(starts, lengths) for k in range(n)]
