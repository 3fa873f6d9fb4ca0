"""What a trained model records about itself (``metadata.json``) and how reports read its reliability."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from analyzer.model.config import ModelConfig

def package_versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("scikit-learn", "spacy", "spacy-lookups-data", "skops", "numpy", "scipy")}


def corpus_sha256(corpus_dir: str | Path) -> str:
    """SHA-256 over the names and bytes of every JSONL file of a corpus folder (sorted by name)."""
    from analyzer.corpus.records import corpus_files

    digest = hashlib.sha256()
    for path in corpus_files(corpus_dir):
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


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
