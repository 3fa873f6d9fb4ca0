"""The passage classifier: training, threshold tuning, prediction, evidence and safe persistence.

The saved estimator is pure scikit-learn — a ``Pipeline`` of a ``FeatureUnion`` (word 1–2-gram TF-IDF and
character n-gram TF-IDF over the normalised feature text) and a ``OneVsRestClassifier`` of logistic
regressions over 36 targets: the 20 codes applied (``P01`` … ``E4``) and the 16 principles breached
(``breach:P01`` …). spaCy runs before it (see ``features.py``). It is saved with skops and loaded with an
explicit list of trusted types; per-target thresholds, the label order and the corpus hash live in
``metadata.json``.

A breach is never reported as the principle applied: when both the applied and the breach score of a
principle pass their thresholds, only the one further above its threshold is reported. A 37th column, the
gate ("any code at all"), vetoes every code of a passage whose gate score is below its threshold; it keeps the
false-positive rate on passages without any code low.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple, Sequence

from analyzer import __version__
from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES
from analyzer.errors import ModelError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from analyzer.scoring import FeatureRows, ScoringPack

    from analyzer.corpus import Record

MODEL_FORMAT = 1
MODEL_FILE = "model.skops"
LEXICON_FILE = "lexicon.tsv"
METADATA_FILE = "metadata.json"
CARD_FILE = "MODEL_CARD.md"
BREACH_PREFIX = "breach:"
TARGETS: tuple[str, ...] = ALL_CODES + tuple(BREACH_PREFIX + c for c in PRINCIPLE_CODES)
N_APPLIED = len(ALL_CODES)
GATE = "any"  # an extra classifier column: "the passage shows any code or breach at all"
EVIDENCE_TERMS = 5

# Every type a model file of ours contains; skops refuses anything else.
TRUSTED_TYPES = [
    "sklearn.pipeline.Pipeline",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.HashingVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.multiclass._ConstantPredictor",
    "numpy.float64",
    "numpy.int64",
    "numpy.dtype",
    "builtins.slice",
]


def skops_io():
    """``skops.io``, imported without its import-time scan of every scikit-learn estimator.

    At import, skops builds its *default* trusted list from ``sklearn.utils.all_estimators()``, which imports
    every scikit-learn module (about 3 s). We always pass our own explicit ``trusted`` list, so during that one
    import the scan is narrowed to the estimator classes our model uses: skops's defaults become stricter,
    never looser, and start-up stays fast.
    """
    import sys

    if "skops.io" in sys.modules:
        return sys.modules["skops.io"]
    import sklearn.utils
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline

    ours = [Pipeline, FeatureUnion, TfidfVectorizer, HashingVectorizer, TfidfTransformer, OneVsRestClassifier,
            LogisticRegression]
    original = sklearn.utils.all_estimators
    sklearn.utils.all_estimators = lambda *args, **kwargs: [(cls.__name__, cls) for cls in ours]
    try:
        import skops.io
    finally:
        sklearn.utils.all_estimators = original
    return skops.io


@dataclass(frozen=True)
class ModelConfig:
    """Hyper-parameters of the classifier (chosen by grouped cross-validation, see benchmarks/RESULTS.md)."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] | None = (2, 5)
    char_hash_bits: int = 17
    C: float = 30.0
    class_weight: str | None = "balanced"
    min_df: int = 3
    folds: int = 5
    seed: int = 0
    n_jobs: int = 2
    lexicon: bool = True  # append concept tokens of data/lexicon.tsv (see lexicon.py)


@dataclass
class Prediction:
    """The model's output for one passage."""

    labels: list[str]
    breaches: list[str]
    scores: dict[str, float]
    breach_scores: dict[str, float]
    evidence: dict[str, list[str]] = field(default_factory=dict)


class PredictionColumns(NamedTuple):
    """Predictions for a batch of passages as parallel lists: codes applied, principles breached, the 36
    target scores (rounded to 4 decimals, in ``TARGETS`` order) and the evidence terms per reported code."""

    labels: list[list[str]]
    breaches: list[list[str]]
    scores: list[list[float]]
    evidence: list[dict[str, list[str]]]


def build_features(config: ModelConfig):
    """The untrained feature union: word 1–2-gram TF-IDF (a vocabulary, for readable evidence) and hashed
    character n-gram TF-IDF (no vocabulary to store, so the model file loads fast)."""
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline

    parts = [(
        "word",
        TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=config.word_ngrams,
                        sublinear_tf=True, min_df=config.min_df),
    )]
    if config.char_ngrams:
        parts.append(("char", Pipeline([
            ("hash", HashingVectorizer(analyzer="char_wb", ngram_range=config.char_ngrams,
                                       n_features=2 ** config.char_hash_bits, alternate_sign=False, norm=None)),
            ("tfidf", TfidfTransformer(sublinear_tf=True)),
        ])))
    return FeatureUnion(parts)


def build_classifier(config: ModelConfig, n_jobs: int | None = None):
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    clf = LogisticRegression(C=config.C, solver="liblinear", class_weight=config.class_weight,
                             random_state=config.seed, max_iter=1000)
    return OneVsRestClassifier(clf, n_jobs=n_jobs)


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


def corpus_sha256(corpus_dir: str | Path) -> str:
    """SHA-256 over the names and bytes of every JSONL file of a corpus folder (sorted by name)."""
    from analyzer.corpus import corpus_files

    digest = hashlib.sha256()
    for path in corpus_files(corpus_dir):
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


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


class CodeModel:
    """A trained classifier with thresholds: predicts codes, breaches, scores and evidence for passages.

    Scoring runs on the model's :class:`~analyzer.scoring.ScoringPack` (NumPy arrays; the same numbers as the
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
        self._term_words: list[list[str]] | None = None
        self.weights = pack.weights  # scoring rows (word features, then the used character buckets) × targets
        self.bias = pack.bias
        self._content: np.ndarray | None = None

    @classmethod
    def from_estimator(cls, estimator, thresholds: Sequence[float], metadata: dict | None = None,
                       gate_threshold: float = 0.0, lexicon=None) -> "CodeModel":
        """Wrap a fitted scikit-learn pipeline (features + one-vs-rest classifier)."""
        import numpy as np

        from analyzer.scoring import ScoringPack

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
        pack = ScoringPack.from_parts(features, np.vstack(weights).T, np.asarray(bias))
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
    def _content_terms(self) -> "np.ndarray":
        """Per word feature: False when every word of it is a function word or ``<num>`` (never evidence)."""
        import numpy as np

        from analyzer.lexicon import is_concept
        from analyzer.normalize import stop_words

        if self._content is None:
            stops = stop_words() | {"<num>"}
            self._content = np.array([not is_concept(t) and not all(w in stops for w in t.split())
                                      for t in self.pack.word_terms], dtype=bool)
        return self._content

    def evidence_terms(self, matrix: "FeatureRows", rows, targets, k: int = EVIDENCE_TERMS) -> list[list[str]]:
        """For each (passage ``rows[h]``, target ``targets[h]``) pair, up to ``k`` words or word pairs of the
        passage (its row of ``matrix``) that pushed the target most (positive weight × TF-IDF), strongest
        first, ties in column order; function words left out (negations count as content), and no term that
        shares a word with a stronger one (whole words: "ya" never hides "ayah"). All pairs are ranked at once."""
        import numpy as np

        from analyzer.ragged import gather_ranges, offsets, row_ids

        rows, targets = np.asarray(rows, dtype=np.int64), np.asarray(targets, dtype=np.int64)
        indices = matrix.indices
        keep = indices < self.pack.n_word
        keep[keep] = self._content_terms()[indices[keep]]
        entry_row, entry_col, entry_val = row_ids(matrix.indptr)[keep], indices[keep], matrix.data[keep]
        ptr = offsets(np.bincount(entry_row, minlength=len(matrix.indptr) - 1))
        lengths = ptr[rows + 1] - ptr[rows]
        entries = gather_ranges(ptr[rows], lengths)
        pair = np.repeat(np.arange(len(rows)), lengths)
        contribution = entry_val[entries] * self.weights[entry_col[entries], targets[pair]]
        positive = contribution > 0
        entries, pair, contribution = entries[positive], pair[positive], contribution[positive]
        order = np.lexsort((entries, -contribution, pair))
        ranked = entry_col[entries[order]].tolist()
        bounds = offsets(np.bincount(pair, minlength=len(rows))).tolist()
        terms = self.pack.word_terms
        if self._term_words is None:
            self._term_words = [t.split() for t in terms]
        words_of = self._term_words
        out: list[list[str]] = []
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            chosen: list[str] = []
            chosen_words: set[str] = set()
            for col in ranked[lo:hi]:
                words = words_of[col]
                if chosen_words.intersection(words):  # shares a word with a stronger term
                    continue
                chosen.append(terms[col])
                if len(chosen) >= k:
                    break
                chosen_words.update(words)
            out.append(chosen)
        return out

    # prediction -------------------------------------------------------------------------------------------
    def predict_columns(self, feature_strings: Sequence[str], with_evidence: bool = True) -> "PredictionColumns":
        """Predictions for passages already turned into feature strings, as parallel lists (no per-passage
        objects)."""
        from analyzer.scoring import intern_docs

        return self.predict_rows(*intern_docs(feature_strings), with_evidence=with_evidence)

    def predict_rows(self, indptr, ids, words: Sequence[str], with_evidence: bool = True) -> "PredictionColumns":
        """Predictions for passages given as feature word ids (passage ``i`` is the words ``words[j]`` for ``j``
        in ``ids[indptr[i]:indptr[i + 1]]``, as ``segment.segment_batch`` gives them), as parallel lists: what
        the batch analysis writes."""
        import numpy as np

        if len(indptr) <= 1:
            return PredictionColumns([], [], [], [])
        empty = np.diff(indptr) == 0
        if self.lexicon is not None:
            from analyzer.lexicon import augment_ids

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

    def predict_features(self, feature_strings: Sequence[str], with_evidence: bool = True) -> list[Prediction]:
        """Predictions for passages already turned into feature strings."""
        cols = self.predict_columns(feature_strings, with_evidence)
        applied_codes, principle_codes = list(ALL_CODES), list(PRINCIPLE_CODES)
        return [Prediction(labels=labels, breaches=breaches, scores=dict(zip(applied_codes, row[:N_APPLIED])),
                           breach_scores=dict(zip(principle_codes, row[N_APPLIED:])), evidence=dict(evidence))
                for labels, breaches, row, evidence in zip(cols.labels, cols.breaches, cols.scores, cols.evidence)]

    def predict_texts(self, texts: Sequence[str], with_evidence: bool = True) -> list[Prediction]:
        """Predictions for raw passage texts (tokenised with the spaCy pipeline first)."""
        from analyzer.features import feature_texts

        return self.predict_features(feature_texts(texts), with_evidence)

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


# training ---------------------------------------------------------------------------------------------------

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
    from analyzer.lexicon import load

    return load()


def model_texts(texts: Sequence[str], lexicon=None) -> list[str]:
    """What the scikit-learn pipeline reads for raw passage texts: the feature strings, with the concept
    tokens appended when the model uses a lexicon (the same as ``CodeModel.predict_rows`` does on word ids)."""
    from analyzer.features import feature_texts

    strings = feature_texts(texts)
    if lexicon is None:
        return strings
    from analyzer.lexicon import augment_text

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
    from analyzer.metrics import evaluate_sets

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


def decisions_to_sets(decisions) -> tuple[list[list[str]], list[list[str]]]:
    """Boolean decisions (passages × 36) as lists of codes applied and principles breached per passage."""
    import numpy as np

    labels = [[TARGETS[j] for j in np.flatnonzero(row[:N_APPLIED])] for row in decisions]
    breaches = [[TARGETS[N_APPLIED + j][len(BREACH_PREFIX):] for j in np.flatnonzero(row[N_APPLIED:])]
                for row in decisions]
    return labels, breaches


def evaluate_model(model: CodeModel, records: Sequence["Record"]) -> dict:
    """Metrics of ``model`` on annotated ``records`` (see ``metrics.evaluate_sets``)."""
    from analyzer.metrics import evaluate_sets

    preds = model.predict_texts([r.text for r in records], with_evidence=False)  # concept tokens added inside
    return evaluate_sets([r.labels for r in records], [r.breaches for r in records],
                         [p.labels for p in preds], [p.breaches for p in preds])


# persistence ------------------------------------------------------------------------------------------------

def package_versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("scikit-learn", "spacy", "spacy-lookups-data", "skops", "numpy", "scipy")}


def save_model(model: CodeModel, out_dir: str | Path) -> Path:
    """Write ``model.skops`` (the scikit-learn pipeline, compressed), ``scoring.npz`` (its arrays for fast
    scoring) and ``metadata.json`` (with the SHA-256 of both) into ``out_dir``."""
    from zipfile import ZIP_DEFLATED

    from analyzer.scoring import PACK_FILE

    if model.estimator is None:
        raise ModelError("model.no_estimator")
    sio = skops_io()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / (MODEL_FILE + ".tmp")
    sio.dump(model.estimator, tmp, compression=ZIP_DEFLATED, compresslevel=9)
    tmp.replace(out / MODEL_FILE)
    pack = model.pack.to_bytes()
    tmp = out / (PACK_FILE + ".tmp")
    tmp.write_bytes(pack)
    tmp.replace(out / PACK_FILE)
    files = {PACK_FILE: hashlib.sha256(pack).hexdigest()}
    if model.lexicon is not None:
        data = model.lexicon.text.encode("utf-8")
        tmp = out / (LEXICON_FILE + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(out / LEXICON_FILE)
        files[LEXICON_FILE] = hashlib.sha256(data).hexdigest()
    meta = dict(model.metadata)
    meta.update({
        "model_format": MODEL_FORMAT,
        "analyzer_version": __version__,
        "targets": list(TARGETS),
        "thresholds": {t: float(v) for t, v in zip(TARGETS, model.thresholds)},
        "gate_threshold": model.gate_threshold,
        "files": files,
    })
    (out / METADATA_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                                     encoding="utf-8")
    return out


def _model_folder(model_dir: str | Path | None) -> Path:
    from analyzer.paths import DEFAULT_MODEL_DIR

    folder = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
    if not folder.is_dir():
        raise ModelError("model.not_found", path=str(folder))
    return folder


def _read_metadata(folder: Path) -> tuple[dict, list[float], float]:
    meta_path = folder / METADATA_FILE
    if not meta_path.is_file():
        raise ModelError("model.missing_file", path=str(folder), file=METADATA_FILE)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ModelError("model.bad_metadata", path=str(meta_path)) from None
    if not isinstance(meta, dict) or meta.get("model_format") != MODEL_FORMAT:
        found = meta.get("model_format") if isinstance(meta, dict) else None
        raise ModelError("model.incompatible", path=str(folder), found=found, expected=MODEL_FORMAT)
    if meta.get("targets") != list(TARGETS):
        raise ModelError("model.bad_metadata", path=str(meta_path))
    try:
        thresholds = [float(meta["thresholds"][t]) for t in TARGETS]
        gate = float(meta["gate_threshold"])
    except (KeyError, TypeError, ValueError):
        raise ModelError("model.bad_metadata", path=str(meta_path)) from None
    return meta, thresholds, gate


def load_estimator(model_dir: str | Path | None = None):
    """The scikit-learn pipeline of a model folder (``model.skops``), loaded by skops with the explicit
    ``TRUSTED_TYPES`` list: any other type in the file is refused and never constructed."""
    import zipfile

    folder = _model_folder(model_dir)
    model_path = folder / MODEL_FILE
    if not model_path.is_file():
        raise ModelError("model.missing_file", path=str(folder), file=MODEL_FILE)
    sio = skops_io()
    from skops.io.exceptions import UntrustedTypesFoundException  # after skops_io(): cheap

    try:
        estimator = sio.load(model_path, trusted=TRUSTED_TYPES)
    except UntrustedTypesFoundException:
        types = ", ".join(t for t in sio.get_untrusted_types(file=model_path) if t not in TRUSTED_TYPES)
        raise ModelError("model.untrusted", path=str(model_path), types=types) from None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, json.JSONDecodeError) as exc:
        raise ModelError("model.corrupt", path=str(model_path), detail=type(exc).__name__) from None
    if type(estimator).__name__ != "Pipeline" or "clf" not in getattr(estimator, "named_steps", {}):
        raise ModelError("model.corrupt", path=str(model_path), detail="not an analyzer pipeline")
    return estimator


def load_model(model_dir: str | Path | None = None, estimator: bool = False) -> CodeModel:
    """Load a model folder, refusing files from another format version, damaged or with untrusted content.

    Scoring uses ``scoring.npz`` (NumPy arrays, no pickle; its SHA-256 must match ``metadata.json``), which
    loads without importing scikit-learn. With ``estimator=True``, or when a folder has no ``scoring.npz``,
    the scikit-learn pipeline is loaded from ``model.skops`` as well (and the arrays taken from it).
    """
    from analyzer.scoring import PACK_FILE, ScoringPack

    folder = _model_folder(model_dir)
    meta, thresholds, gate = _read_metadata(folder)
    lexicon = _read_lexicon(folder, meta)
    pack_sha = (meta.get("files") or {}).get(PACK_FILE)
    if estimator or not pack_sha or not (folder / PACK_FILE).is_file():
        if not (folder / MODEL_FILE).is_file():
            raise ModelError("model.missing_file", path=str(folder),
                             file=PACK_FILE if pack_sha else MODEL_FILE)
        model = CodeModel.from_estimator(load_estimator(folder), thresholds, meta, gate_threshold=gate,
                                         lexicon=lexicon)
        if pack_sha and (folder / PACK_FILE).is_file():
            ScoringPack.load(folder / PACK_FILE, pack_sha)  # both files must be intact
        return model
    return CodeModel(ScoringPack.load(folder / PACK_FILE, pack_sha), thresholds, meta, gate_threshold=gate,
                     lexicon=lexicon)


def _read_lexicon(folder: Path, meta: dict):
    """The model's own copy of the concept lexicon (``lexicon.tsv``, SHA-256 checked), or None."""
    sha = (meta.get("files") or {}).get(LEXICON_FILE)
    if not sha:
        return None
    path = folder / LEXICON_FILE
    if not path.is_file():
        raise ModelError("model.missing_file", path=str(folder), file=LEXICON_FILE)
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha:
        raise ModelError("model.corrupt", path=str(path), detail="checksum mismatch")
    from analyzer.lexicon import Lexicon

    try:
        return Lexicon.from_text(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ModelError("model.corrupt", path=str(path), detail="unreadable lexicon") from None


def metadata_for(config: ModelConfig, corpus_dir: str | Path, n_train: int, metrics: dict,
                 weak_codes: Iterable[str]) -> dict:
    """The metadata recorded next to a trained model. ``metrics`` holds ``cv`` (the scores thresholds were
    tuned on), ``transfer`` (per protocol), ``test`` (held-out writers and genres), ``in_style`` (the corpus v1
    held-out batches) and ``external`` (the external set), each present when measured."""
    return {
        "config": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config).items()},
        "corpus_sha256": corpus_sha256(corpus_dir),
        "training_passages": n_train,
        "package_versions": package_versions(),
        "metrics": metrics,
        "weak_codes": sorted(weak_codes),
    }


def reliability_metrics(meta: dict) -> dict:
    """The figures a report shows beside each code: leave-one-genre-out when measured (text of a genre the
    model never saw), else the held-out test split."""
    metrics = meta.get("metrics", {})
    genre = (metrics.get("transfer") or {}).get("genre")
    return genre["pooled"] if genre else (metrics.get("test") or metrics.get("in_style") or {})
