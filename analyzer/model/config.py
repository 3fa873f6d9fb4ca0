"""The classifier's hyper-parameters and its untrained scikit-learn parts.

The estimator is pure scikit-learn — a ``Pipeline`` of a ``FeatureUnion`` (word 1–2-gram TF-IDF and
character n-gram TF-IDF over the normalised feature text) and a ``OneVsRestClassifier`` of logistic
regressions over 36 targets plus the gate column. spaCy runs before it (``text/tokenizer.py``, ``feature_strings``).
"""

from __future__ import annotations

from dataclasses import dataclass

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
