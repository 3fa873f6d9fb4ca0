"""The ``analyzer train`` job: train on the training files, evaluate on ``test.jsonl``, write model + card."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from analyzer.paths import DEFAULT_CORPUS_DIR, DEFAULT_MODEL_DIR


@dataclass
class TrainResult:
    out_dir: Path
    metadata: dict


def train_and_save(corpus_dir: str | Path = DEFAULT_CORPUS_DIR, out_dir: str | Path = DEFAULT_MODEL_DIR,
                   seed: int = 0, progress: Callable[[str], None] | None = None) -> TrainResult:
    """Train on every corpus file except ``test.jsonl``, tune thresholds by grouped CV, evaluate on
    ``test.jsonl`` (when present) and write ``model.skops``, ``scoring.npz``, ``metadata.json`` and ``MODEL_CARD.md``."""
    from analyzer.codebook import load_codebook
    from analyzer.corpus import read_records
    from analyzer.errors import CorpusError
    from analyzer.model import CodeModel, ModelConfig, evaluate_model, metadata_for, save_model, train
    from analyzer.modelcard import render_card, weak_codes

    records = read_records(corpus_dir)
    train_records = [r for r in records if r.split == "train"]
    test_records = [r for r in records if r.split == "test"]
    if not train_records:
        raise CorpusError("corpus.no_training", path=str(corpus_dir))
    config = ModelConfig(seed=seed)
    model, cv = train(train_records, config, progress)
    test = None
    if test_records:
        if progress:
            progress("evaluate")
        test = evaluate_model(model, test_records)
    meta = metadata_for(config, corpus_dir, len(train_records), cv, test, weak_codes(test or cv))
    model = CodeModel(model.pack, model.thresholds, meta, model.gate_threshold, estimator=model.estimator)
    out = save_model(model, out_dir)
    from analyzer.model import CARD_FILE, load_model

    saved = load_model(out)  # the card shows exactly what was written
    (out / CARD_FILE).write_text(render_card(saved.metadata, load_codebook()), encoding="utf-8")
    return TrainResult(out, saved.metadata)
