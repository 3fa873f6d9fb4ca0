"""Evidence: the words of a passage that pushed a reported code most.

For a (passage, target) pair, every word feature of the passage contributes TF-IDF × the target's weight; the
positive contributions are ranked (strongest first, ties in column order) and :func:`pick_terms` keeps up to
``k`` of them. Function words and ``<num>`` are never evidence (negations count as content, see
``text/normalize.py``), nor are the lexicon's concept tokens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from analyzer.model.scoring import FeatureRows

EVIDENCE_TERMS = 5


def pick_terms(ranked: Iterable[str], k: int = EVIDENCE_TERMS) -> list[str]:
    """Up to ``k`` terms from ``ranked`` (strongest first), leaving out any term that shares a whole word with
    a stronger one kept before it.

    >>> pick_terms(["ya", "ayah", "pekerja sosial", "sosial", "kerja"])
    ['ya', 'ayah', 'pekerja sosial', 'kerja']
    """
    chosen: list[str] = []
    seen: set[str] = set()
    for term in ranked:
        words = term.split()
        if seen.intersection(words):
            continue
        chosen.append(term)
        if len(chosen) >= k:
            break
        seen.update(words)
    return chosen


def content_mask(word_terms: Sequence[str], stops: frozenset[str] | set[str]) -> "np.ndarray":
    """Per word feature: False when it is a concept token or every word of it is a function word or
    ``<num>``."""
    import numpy as np

    from analyzer.text.lexicon import is_concept

    stops = set(stops) | {"<num>"}
    return np.array([not is_concept(t) and not all(w in stops for w in t.split()) for t in word_terms], dtype=bool)


def ranked_columns(matrix: "FeatureRows", rows, targets, weights: "np.ndarray", content: "np.ndarray"
                   ) -> tuple[list[int], list[int]]:
    """For every (``rows[h]``, ``targets[h]``) pair at once, the word-feature columns of that passage with a
    positive contribution, strongest first (ties in column order), as one flat list and the bounds of each
    pair's part in it."""
    import numpy as np

    from analyzer.text.ragged import gather_ranges, offsets, row_ids

    rows, targets = np.asarray(rows, dtype=np.int64), np.asarray(targets, dtype=np.int64)
    indices = matrix.indices
    keep = indices < len(content)
    keep[keep] = content[indices[keep]]
    entry_row, entry_col, entry_val = row_ids(matrix.indptr)[keep], indices[keep], matrix.data[keep]
    ptr = offsets(np.bincount(entry_row, minlength=len(matrix.indptr) - 1))
    lengths = ptr[rows + 1] - ptr[rows]
    entries = gather_ranges(ptr[rows], lengths)
    pair = np.repeat(np.arange(len(rows)), lengths)
    contribution = entry_val[entries] * weights[entry_col[entries], targets[pair]]
    positive = contribution > 0
    entries, pair, contribution = entries[positive], pair[positive], contribution[positive]
    order = np.lexsort((entries, -contribution, pair))
    return entry_col[entries[order]].tolist(), offsets(np.bincount(pair, minlength=len(rows))).tolist()


def evidence_terms(matrix: "FeatureRows", rows, targets, weights: "np.ndarray", word_terms: Sequence[str],
                   content: "np.ndarray", k: int = EVIDENCE_TERMS) -> list[list[str]]:
    """The evidence terms of each (passage ``rows[h]``, target ``targets[h]``) pair (see the module)."""
    ranked, bounds = ranked_columns(matrix, rows, targets, weights, content)
    return [pick_terms((word_terms[c] for c in ranked[lo:hi]), k) for lo, hi in zip(bounds[:-1], bounds[1:])]
