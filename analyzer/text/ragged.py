"""Ragged arrays: many variable-length rows stored as one flat array plus row boundaries (CSR style).

Segmentation and scoring work on whole batches at once with these, so no Python code runs per token.

>>> import numpy as np
>>> gather_ranges(np.array([5, 0, 2]), np.array([2, 0, 3])).tolist()
[5, 6, 2, 3, 4]
>>> offsets(np.array([2, 0, 3])).tolist()
[0, 2, 2, 5]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


def offsets(lengths: "np.ndarray") -> "np.ndarray":
    """Row boundaries for rows of the given lengths: ``[0, l0, l0 + l1, ...]`` (int64)."""
    import numpy as np

    out = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=out[1:])
    return out


def gather_ranges(starts: "np.ndarray", lengths: "np.ndarray") -> "np.ndarray":
    """The positions ``starts[i] .. starts[i] + lengths[i] - 1`` of every range, concatenated in order."""
    import numpy as np

    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    bounds = offsets(lengths)[:-1]
    return np.repeat(np.asarray(starts, dtype=np.int64) - bounds, lengths) + np.arange(total, dtype=np.int64)


def row_ids(indptr: "np.ndarray") -> "np.ndarray":
    """The row of every element of a ragged array given its row boundaries."""
    import numpy as np

    return np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))


def select_rows(indptr: "np.ndarray", values: "np.ndarray", rows: "np.ndarray") -> tuple["np.ndarray", "np.ndarray"]:
    """The ragged array made of ``rows`` (in that order): its row boundaries and values."""
    import numpy as np

    rows = np.asarray(rows, dtype=np.int64)
    lengths = indptr[rows + 1] - indptr[rows]
    return offsets(lengths), values[gather_ranges(indptr[rows], lengths)]
