"""The ``analyzer train`` job: train, measure transfer, evaluate on the held-out sets, write model + card."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from analyzer.io.atomic import write_text
from analyzer.resources import DEFAULT_CORPUS_DIR, DEFAULT_MODEL_DIR

EXTERNAL_SET = DEFAULT_CORPUS_DIR.parent / "external" / "external.jsonl"


@dataclass
class TrainResult:
    out_dir: Path
    metadata: dict


def train_and_save(corpus_dir: str | Path = DEFAULT_CORPUS_DIR, out_dir: str | Path = DEFAULT_MODEL_DIR,
                   seed: int = 0, progress: Callable[[str], None] | None = None,
                   external: str | Path | None = EXTERNAL_SET, transfer: bool = False) -> TrainResult:
    """Train on every corpus file except the ``test*.jsonl`` files, with thresholds tuned by cross-validation
    over genres and styles (``model.train``); with ``transfer``, also measure leave-one-genre-out and
    leave-one-style-out (``transfer.measure_transfer``, about 20 more fits); evaluate on the held-out writers
    and genres (``test-v2.jsonl``), on the corpus v1 held-out batches (``test.jsonl``, in-style), on the
    external set and on the contrast set; write ``model.skops``, ``scoring.npz``, ``lexicon.tsv``,
    ``metadata.json`` and ``MODEL_CARD.md``."""
    from analyzer.codebook import load_codebook
    from analyzer.corpus.contrast import CONTRAST_SET, contrast_results
    from analyzer.model.transfer import measure_transfer
    from analyzer.corpus.records import read_records
    from analyzer.errors import CorpusError
    from analyzer.io.outputs import check_output
    from analyzer.model.classifier import CodeModel
    from analyzer.model.config import ModelConfig
    from analyzer.model.fit import _lexicon, model_texts, train
    from analyzer.model.metadata import metadata_for, reliability_metrics
    from analyzer.model.persist import CARD_FILE, load_model, save_model
    from analyzer.model.card import render_card, weak_codes

    check_output(out_dir, [corpus_dir], folder=True)  # before minutes of training
    # Header passages (biodata lines, titles) are never scored by the analysis, so they are neither trained
    # nor evaluated on.
    records = [r for r in read_records(corpus_dir) if r.kind == "body"]
    train_records = [r for r in records if r.split == "train"]
    if not train_records:
        raise CorpusError("corpus.no_training", path=str(corpus_dir))
    config = ModelConfig(seed=seed)
    texts = model_texts([r.text for r in train_records], _lexicon(config))  # tokenised once for both
    model, cv = train(train_records, config, progress, texts)
    metrics: dict = {"cv": cv, "transfer": measure_transfer(train_records, config, progress=progress, texts=texts)
                     if transfer else {}}
    if progress:
        progress("evaluate")
    metrics.update(evaluate_held_out_sets(model, records, external))
    if CONTRAST_SET.is_file():
        metrics["contrast"] = contrast_results(model)
    meta = metadata_for(config, corpus_dir, len(train_records), metrics, [])
    meta["weak_codes"] = sorted(weak_codes(reliability_metrics(meta) or metrics["test"] or cv))
    model = CodeModel(model.pack, model.thresholds, meta, model.gate_threshold, estimator=model.estimator,
                      lexicon=model.lexicon)
    out = save_model(model, out_dir)
    saved = load_model(out)  # the card shows exactly what was written
    write_text(out / CARD_FILE, render_card(saved.metadata, load_codebook()))
    return TrainResult(out, saved.metadata)


def evaluate_held_out_sets(model, records, external: str | Path | None = EXTERNAL_SET) -> dict:
    """Metrics (with bootstrap intervals) on the held-out writers and genres (``test``), the corpus v1
    held-out batches (``in_style``) and the external set (``external``); ``{}`` for a set that is absent."""
    from analyzer.corpus.records import read_records

    held_out = [r for r in records if r.split == "test" and r.is_v2]
    in_style = [r for r in records if r.split == "test" and not r.is_v2]
    outside = ([r for r in read_records(external) if r.kind == "body"]
               if external is not None and Path(external).is_file() else [])
    return {key: evaluate_with_ci(model, subset) if subset else {}
            for key, subset in (("test", held_out), ("in_style", in_style), ("external", outside))}


def evaluate_with_ci(model, records) -> dict:
    """Metrics with bootstrap intervals over documents (``transfer.summarize``)."""
    from analyzer.model.transfer import summarize

    from analyzer.analysis.passages import predict_passages

    preds = predict_passages(model, [r.text for r in records], evidence=False)
    return summarize(records, [p.labels for p in preds], [p.breaches for p in preds])
