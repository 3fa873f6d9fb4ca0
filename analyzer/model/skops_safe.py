"""skops, imported fast and used only with our explicit list of trusted types."""

from __future__ import annotations

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
