"""Turning passages into the feature text the scikit-learn model reads.

The model itself stays pure scikit-learn: spaCy runs before it and hands over one string per passage, the
normalised words joined by spaces (numbers folded to ``<num>``), so a plain ``TfidfVectorizer`` with a
whitespace token pattern can read it.

>>> feature_texts(["Sy tdk dtg tgl 12/05/2023, bawa Rp1.500.000."])
['saya tidak datang tanggal <num> bawa rp <num>']
"""

from __future__ import annotations

from typing import Iterable, Sequence


def feature_text(tokens: Sequence[str]) -> str:
    """One passage's normalised tokens (from ``pipeline.token_features``) as the model's input string."""
    return " ".join(tokens)


def feature_texts(texts: Iterable[str]) -> list[str]:
    """Feature strings for raw passage texts (tokenizer only; per-word features cached)."""
    from analyzer.text.tokenizer import feature_strings

    return feature_strings(list(texts))
