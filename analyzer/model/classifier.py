"""The trained classifier: scores, decisions, evidence and predictions for passages.

Scoring runs on the model's :class:`~analyzer.model.scoring.ScoringPack` (NumPy arrays; the same numbers as
the scikit-learn pipeline, which is kept in ``estimator`` when the model was trained or loaded from
``model.skops``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Sequence

from analyzer.model.decide import decide
from analyzer.model.evidence import EVIDENCE_TERMS
from analyzer.model.metadata import reliability_metrics
from analyzer.model.targets import BREACH_PREFIX, N_APPLIED, TARGETS

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from analyzer.model.scoring import FeatureRows, ScoringPack

class PredictionColumns(NamedTuple):
    """Predictions for a batch of passages as parallel lists: codes applied, principles breached, the 36
    target scores (rounded to 4 decimals, in ``TARGETS`` order) and the evidence terms per reported code."""

    labels: list[list[str]]
    breaches: list[list[str]]
    scores: list[list[float]]
    evidence: list[dict[str, list[str]]]


class CodeModel:
    """A trained classifier with thresholds: predicts codes, breaches, scores and evidence for passages.

    Scoring runs on the model's :class:`~analyzer.model.scoring.ScoringPack` (NumPy arrays; the same numbers as the
    scikit-learn pipeline, which is kept in ``estimator`` when the model was trained or loaded from
    ``model.skops``)."""

    def __init__(self, pack: "ScoringPack", thresholds: Sequence[float], metadata: dict | None = None,
                 gate_threshold: float = 0.0, estimator=None, lexicon=None) -> None:
        import numpy as np

        self.pack = pack
        self.lexicon = lexicon  # a lexicon.Lexicon when the model reads concept tokens
        self.estimator = estimator
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        self.gate_threshold = float(gate_threshold)
        self.metadata = dict(metadata or {})
        self.weights = pack.weights  # scoring rows (word features, then the used character buckets) × targets
        self.bias = pack.bias
        self._content: np.ndarray | None = None

    @classmethod
    def from_estimator(cls, estimator, thresholds: Sequence[float], metadata: dict | None = None,
                       gate_threshold: float = 0.0, lexicon=None) -> "CodeModel":
        """Wrap a fitted scikit-learn pipeline (features + one-vs-rest classifier)."""
        import numpy as np

        from analyzer.model.pack import pack_from_pipeline

        features = estimator.named_steps["features"]
        blocks = dict(features.transformer_list)
        width = len(blocks["word"].vocabulary_) + (
            int(blocks["char"].named_steps["hash"].n_features) if "char" in blocks else 0)
        weights, bias = [], []
        for est in estimator.named_steps["clf"].estimators_:
            if hasattr(est, "coef_"):
                weights.append(np.asarray(est.coef_).ravel())
                bias.append(float(np.asarray(est.intercept_).ravel()[0]))
            else:  # a target that was constant in training
                weights.append(np.zeros(width))
                bias.append(30.0 if float(np.ravel(est.y_)[0]) > 0.5 else -30.0)
        pack = pack_from_pipeline(features, np.vstack(weights).T, np.asarray(bias))
        return cls(pack, thresholds, metadata, gate_threshold, estimator=estimator, lexicon=lexicon)

    # scores -----------------------------------------------------------------------------------------------
    def transform(self, feature_strings: Sequence[str]) -> "FeatureRows":
        """The feature matrix (exactly as the saved ``FeatureUnion`` computes it), in CSR form."""
        return self.pack.transform(feature_strings)

    def scores_from_matrix(self, matrix: "FeatureRows") -> "np.ndarray":
        """Probabilities (passages × 36 targets + the gate column) from a feature matrix."""
        return self.pack.predict_proba(matrix)

    def decide(self, scores: "np.ndarray") -> "np.ndarray":
        """Boolean decisions (passages × 36): see :func:`decide`."""
        return decide(scores, self.thresholds, self.gate_threshold)

    # evidence ---------------------------------------------------------------------------------------------
    def evidence_terms(self, matrix: "FeatureRows", rows, targets, k: int = EVIDENCE_TERMS) -> list[list[str]]:
        """Evidence words per (passage, target) pair: see :mod:`analyzer.model.evidence`."""
        from analyzer.model.evidence import content_mask, evidence_terms
        from analyzer.text.normalize import stop_words

        if self._content is None:
            self._content = content_mask(self.pack.word_terms, stop_words())
        return evidence_terms(matrix, rows, targets, self.weights, self.pack.word_terms, self._content, k)

    # prediction -------------------------------------------------------------------------------------------
    def predict_rows(self, indptr, ids, words: Sequence[str], with_evidence: bool = True) -> "PredictionColumns":
        """Predictions for passages given as feature word ids (passage ``i`` is the words ``words[j]`` for ``j``
        in ``ids[indptr[i]:indptr[i + 1]]``, as ``segment.segment_batch`` gives them), as parallel lists: what
        the batch analysis writes."""
        import numpy as np

        if len(indptr) <= 1:
            return PredictionColumns([], [], [], [])
        empty = np.diff(indptr) == 0
        if self.lexicon is not None:
            from analyzer.text.lexicon import augment_ids

            indptr, ids, words = augment_ids(indptr, ids, words, self.lexicon)
        scores, matrix = self.pack.score_ids(indptr, ids, words)
        decisions = self.decide(scores)
        decisions[empty] = False  # a passage with no words gets no code
        n = len(decisions)
        out = PredictionColumns([[] for _ in range(n)], [[] for _ in range(n)],
                                np.round(scores[:, : len(TARGETS)], 4).tolist(), [{} for _ in range(n)])
        hit_rows, hit_targets = np.nonzero(decisions)  # by passage, then target
        terms = self.evidence_terms(matrix, hit_rows, hit_targets) if with_evidence else None
        for h, (i, j) in enumerate(zip(hit_rows.tolist(), hit_targets.tolist())):
            if j < N_APPLIED:
                out.labels[i].append(TARGETS[j])
            else:
                out.breaches[i].append(TARGETS[j][len(BREACH_PREFIX):])  # P01..P16
            if terms is not None:
                out.evidence[i][TARGETS[j]] = terms[h]
        for labels in out.labels:
            labels.sort()
        return out

    @property
    def code_f1(self) -> dict[str, float]:
        """Transfer F1 per code from the metadata (applied codes, and ``breach:Pxx``; see
        :func:`reliability_metrics`)."""
        test = reliability_metrics(self.metadata)
        out = {c: s["f1"] for c, s in test.get("applied", {}).items()}
        out.update({BREACH_PREFIX + c: s["f1"] for c, s in test.get("breach", {}).items()})
        return out

    @property
    def weak_codes(self) -> list[str]:
        return list(self.metadata.get("weak_codes", []))
