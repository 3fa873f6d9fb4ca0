"""The classifier's 36 targets — the 20 codes applied and the 16 principles breached (``breach:P01`` …) — and
conversions between code lists and target matrices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from analyzer.corpus.records import Record

BREACH_PREFIX = "breach:"


TARGETS: tuple[str, ...] = ALL_CODES + tuple(BREACH_PREFIX + c for c in PRINCIPLE_CODES)


N_APPLIED = len(ALL_CODES)


GATE = "any"  # an extra classifier column: "the passage shows any code or breach at all"


def code_matrix(labels: Sequence[Sequence[str]], breaches: Sequence[Sequence[str]]) -> "np.ndarray":
    """Boolean matrix (passages × 36 targets) of codes applied and principles breached."""
    import numpy as np

    y = np.zeros((len(labels), len(TARGETS)), dtype=bool)
    index = {t: i for i, t in enumerate(TARGETS)}
    for row, (applied, breached) in enumerate(zip(labels, breaches)):
        for code in applied:
            y[row, index[code]] = True
        for code in breached:
            y[row, index[BREACH_PREFIX + code]] = True
    return y


def target_matrix(records: Sequence["Record"]) -> "np.ndarray":
    """Binary matrix (passages × 36 targets) of the gold annotations."""
    import numpy as np

    return code_matrix([r.labels for r in records], [r.breaches for r in records]).astype(np.int8)


def with_gate(y: "np.ndarray") -> "np.ndarray":
    """The 36 targets plus the gate column (1 where a passage has any code or breach)."""
    import numpy as np

    return np.hstack([y, (y.sum(axis=1) > 0).astype(y.dtype)[:, None]])


def decisions_to_sets(decisions) -> tuple[list[list[str]], list[list[str]]]:
    """Boolean decisions (passages × 36) as lists of codes applied and principles breached per passage."""
    import numpy as np

    labels = [[TARGETS[j] for j in np.flatnonzero(row[:N_APPLIED])] for row in decisions]
    breaches = [[TARGETS[N_APPLIED + j][len(BREACH_PREFIX):] for j in np.flatnonzero(row[N_APPLIED:])]
                for row in decisions]
    return labels, breaches
