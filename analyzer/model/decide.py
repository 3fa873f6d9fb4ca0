"""From scores to decisions: thresholds per target, the gate, and "never both applied and breached".

A breach is never reported as the principle applied: when both the applied and the breach score of a
principle pass their thresholds, only the one further above its threshold is reported. A 37th column, the
gate ("any code at all"), vetoes every code of a passage whose gate score is below its threshold; it keeps the
false-positive rate on passages without any code low.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.codebook import PRINCIPLE_CODES
from analyzer.model.targets import N_APPLIED, TARGETS

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

def decide(scores: "np.ndarray", thresholds, gate_threshold: float = 0.0) -> "np.ndarray":
    """Boolean decisions (passages × 36) from scores (36 targets, optionally the gate column last): a target
    passes its threshold, the gate vetoes every target of a passage below the gate threshold, and a principle
    is never both applied and breached (the one further above its threshold wins)."""
    import numpy as np

    thresholds = np.asarray(thresholds, dtype=np.float64)
    target_scores = scores[:, : len(TARGETS)]
    over = target_scores >= thresholds
    if scores.shape[1] > len(TARGETS):
        over &= (scores[:, len(TARGETS)] >= gate_threshold)[:, None]
    margin = target_scores / thresholds
    p = len(PRINCIPLE_CODES)
    applied, breach = over[:, :p], over[:, N_APPLIED:N_APPLIED + p]
    both = applied & breach
    breach_wins = margin[:, N_APPLIED:N_APPLIED + p] >= margin[:, :p]
    applied &= ~(both & breach_wins)
    breach &= ~(both & ~breach_wins)
    return np.asarray(over)
