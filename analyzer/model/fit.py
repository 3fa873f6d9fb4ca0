"""Training: threshold tuning on out-of-fold scores grouped by genre and style, then a final fit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

from analyzer.errors import ModelError
from analyzer.model.classifier import CodeModel
from analyzer.model.config import ModelConfig, build_classifier, build_features
from analyzer.model.targets import TARGETS, decisions_to_sets, target_matrix, with_gate

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from analyzer.corpus.records import Record

def _mean_f1(decisions: "np.ndarray", y: "np.ndarray") -> float:
    import numpy as np

    tp = (decisions & (y == 1)).sum(axis=0)
    fp = (decisions & (y == 0)).sum(axis=0)
    fn = (~decisions & (y == 1)).sum(axis=0)
    return float(np.mean(2 * tp / np.maximum(2 * tp + fp + fn, 1)))


def tune_gate(scores: "np.ndarray", y: "np.ndarray") -> tuple["np.ndarray", float]:
    """Per-target thresholds and the gate threshold from out-of-fold ``scores`` (36 targets + gate column):
    the gate threshold maximises the mean per-target F1 (ties: the higher, stricter gate), then the per-target
    thresholds are re-tuned on the scores that pass the gate."""
    import numpy as np

    base = tune_thresholds(scores[:, :-1], y)
    best_gate, best = 0.0, -1.0
    for gate in np.round(np.arange(0.0, 0.91, 0.05), 2):
        passed = scores[:, -1] >= gate
        f1 = _mean_f1((scores[:, :-1] >= base) & passed[:, None], y)
        if f1 >= best - 1e-12:
            best_gate, best = float(gate), max(best, f1)
    gated = scores[:, :-1] * (scores[:, -1] >= best_gate)[:, None]
    return tune_thresholds(gated, y), best_gate


def tune_thresholds(scores: "np.ndarray", y: "np.ndarray") -> "np.ndarray":
    """Per-target threshold that maximises F1 on (out-of-fold) scores; 0.5 where a target has no positive."""
    import numpy as np

    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    thresholds = np.full(y.shape[1], 0.5)
    for j in range(y.shape[1]):
        positives = y[:, j].sum()
        if positives == 0:
            continue
        pred = scores[:, j][:, None] >= grid[None, :]
        tp = (pred & (y[:, j][:, None] == 1)).sum(axis=0)
        fp = (pred & (y[:, j][:, None] == 0)).sum(axis=0)
        f1 = 2 * tp / np.maximum(2 * tp + fp + (positives - tp), 1)
        thresholds[j] = grid[int(np.argmax(f1))]  # first best = lowest threshold among ties
    return thresholds


def _fit(config: ModelConfig, texts: Sequence[str], y):
    """Fit features and classifier as separate steps (so the sparse matrix can be index-sorted before the
    parallel one-vs-rest fit, avoiding scikit-learn issue #6614) and return them as one fitted Pipeline."""
    from sklearn.pipeline import Pipeline

    features = build_features(config)
    matrix = features.fit_transform(list(texts)).tocsr()
    matrix.sort_indices()
    clf = build_classifier(config, n_jobs=config.n_jobs).fit(matrix, y)
    clf.n_jobs = None  # prediction runs in-process
    for _, vectorizer in features.transformer_list:
        # Terms dropped by min_df are kept only for introspection; removing them is documented as safe and
        # makes the model file smaller and faster to load.
        if hasattr(vectorizer, "stop_words_"):
            delattr(vectorizer, "stop_words_")
    return Pipeline([("features", features), ("clf", clf)])


def cross_validated_scores(config: ModelConfig, texts: Sequence[str], y, groups: Sequence[str],
                           progress: Callable[[str], None] | None = None):
    """Out-of-fold probabilities from GroupKFold over ``groups`` (no group in both the training part and the
    fold it scores)."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    n_groups = len(set(groups))
    folds = min(config.folds, n_groups)
    if folds < 2:
        raise ModelError("model.too_few_batches", n=n_groups)
    oof = np.zeros(y.shape, dtype=np.float64)
    texts = list(texts)
    for k, (train_idx, test_idx) in enumerate(GroupKFold(n_splits=folds).split(texts, y, groups), start=1):
        if progress:
            progress(f"cv {k}/{folds}")
        est = _fit(config, [texts[i] for i in train_idx], y[train_idx])
        model = CodeModel.from_estimator(est, np.full(len(TARGETS), 0.5))
        oof[test_idx] = model.scores_from_matrix(model.transform([texts[i] for i in test_idx]))
    return oof


def _lexicon(config: ModelConfig):
    if not config.lexicon:
        return None
    from analyzer.text.lexicon import load

    return load()


def model_texts(texts: Sequence[str], lexicon=None) -> list[str]:
    """What the scikit-learn pipeline reads for raw passage texts: the feature strings, with the concept
    tokens appended when the model uses a lexicon (the same as ``CodeModel.predict_rows`` does on word ids)."""
    from analyzer.text.tokenizer import feature_strings

    strings = feature_strings(texts)
    if lexicon is None:
        return strings
    from analyzer.text.lexicon import augment_text

    return [augment_text(s, lexicon) for s in strings]


def tuning_group(record: "Record") -> str:
    """The unit thresholds are cross-validated over: a corpus-v2 genre (whole genres, written by several
    writers, are held out together), or for corpus v1 passages their style family."""
    return record.genre if record.is_v2 else f"v1:{record.style_family}"


def train(records: Sequence["Record"], config: ModelConfig = ModelConfig(),
          progress: Callable[[str], None] | None = None, texts: Sequence[str] | None = None) -> tuple[CodeModel, dict]:
    """Fit the classifier on ``records``: thresholds tuned on out-of-fold scores of a GroupKFold over genres
    and styles (:func:`tuning_group`, so they are chosen for writing of a kind the fold never saw), then a
    final fit on all records (``texts``: the records' ``model_texts``, when already computed). Returns the model
    and the metrics of those out-of-fold decisions."""
    from analyzer.model.metrics import evaluate_sets

    if progress:
        progress("tokenise")
    lexicon = _lexicon(config)
    if texts is None:
        texts = model_texts([r.text for r in records], lexicon)
    y = target_matrix(records)
    y_all = with_gate(y)
    oof = cross_validated_scores(config, texts, y_all, [tuning_group(r) for r in records], progress)
    thresholds, gate = tune_gate(oof, y)
    if progress:
        progress("final fit")
    model = CodeModel.from_estimator(_fit(config, texts, y_all), thresholds, gate_threshold=gate, lexicon=lexicon)
    cv = evaluate_sets([r.labels for r in records], [r.breaches for r in records],
                       *decisions_to_sets(model.decide(oof)))
    return model, cv


