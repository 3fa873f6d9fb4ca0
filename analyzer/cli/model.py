"""Commands on the model: ``train`` (the shipped model, or a local one with ``--add``), ``evaluate`` and
``predict``."""

from __future__ import annotations

from pathlib import Path

import click

from analyzer.cli.app import cli
from analyzer.cli.options import (OutputPath, corrections_for, corrections_option, format_option, lang_option,
                                  model_option, redact_option, redaction)
from analyzer.cli.output import Progress
from analyzer.io.atomic import atomic_path
from analyzer.io.outputs import check_output


@cli.command()
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Annotated corpus folder (default: corpora/annotated); every test*.jsonl file is held out.")
@click.option("--out", "out_dir", type=OutputPath(), default=None,
              help="Where to write the model (default: analyzer/data/model).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (training is deterministic).")
@click.option("--transfer/--no-transfer", default=False, show_default=True,
              help="Also measure leave-one-genre-out and leave-one-style-out (about 20 more fits; the shipped "
                   "model's card is written with it).")
@click.option("--add", "labels_path", type=click.Path(path_type=Path), default=None,
              help="Your agency's labelled passages: a results file whose passages were labelled in an annotation "
                   "tool and imported (analyzer import), or JSONL lines {text, labels, breaches[, note_id]}. "
                   "Trains a local model on the corpus plus them (needs --out).")
@click.option("--weight", type=click.IntRange(1, 50), default=3, show_default=True,
              help="With --add: how many times each of your passages counts beside a corpus passage.")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True,
              help="With --add: cross-validation folds over your notes for the local reliability figures.")
@click.option("--base", "base_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="With --add: the model whose configuration and thresholds the local model keeps "
                   "(default: analyzer/data/model).")
@corrections_option
@lang_option
def train(corpus_dir: Path | None, out_dir: str | None, seed: int, transfer: bool, labels_path: Path | None,
          weight: int, folds: int, base_dir: Path | None, corrections_path: Path | None, no_corrections: bool,
          lang: str) -> None:
    """Train the passage classifier on every corpus file except the test*.jsonl files, tune per-code
    thresholds by cross-validation over genres and styles, evaluate on the held-out writers and genres
    (test-v2.jsonl), the in-style split (test.jsonl), the external set and the contrast set, and write
    model.skops, scoring.npz, lexicon.tsv, metadata.json and MODEL_CARD.md. With --add, train a local model on
    the corpus plus your agency's labelled passages, measure it on them by cross-validation grouped by note,
    and write its card with the local reliability per code beside the shipped figures; use it everywhere with
    --model DIR.

    \b
    Examples:
      analyzer train --corpus corpora/annotated --out analyzer/data/model --transfer
      analyzer train --add hasil.parquet --out model-lokal
    """
    from analyzer.messages import text as msg
    from analyzer.resources import DEFAULT_CORPUS_DIR, DEFAULT_MODEL_DIR
    from analyzer.model.training import train_and_save

    if labels_path is not None:
        _train_local(labels_path, out_dir, corpus_dir, base_dir, weight, folds, transfer, corrections_path,
                     no_corrections, lang)
        return

    with Progress() as progress:
        result = train_and_save(corpus_dir or DEFAULT_CORPUS_DIR, DEFAULT_MODEL_DIR if out_dir is None else out_dir,
                                seed, progress.step,
                                transfer=transfer)
    from analyzer.model.card import headline_rows

    key, first = (headline_rows(result.metadata) or [("cv", result.metadata["metrics"]["cv"])])[0]
    click.echo(msg("ui.train.done", lang, path=result.out_dir, name=msg(f"ui.eval.row.{key}", lang),
                   micro=first["micro_f1"],
                   macro=first["macro_f1"], breach=first["breach_micro_f1"],
                   fpr=first["no_code_false_positive_rate"]))


def _train_local(labels_path: Path, out_dir: Path | None, corpus_dir: Path | None, base_dir: Path | None, weight: int,
                 folds: int, transfer: bool, corrections_path: Path | None, no_corrections: bool, lang: str) -> None:
    from analyzer.errors import InputError
    from analyzer.messages import text as msg
    from analyzer.model.local import train_local_and_save

    if out_dir is None:
        raise InputError("local.needs_out")
    if transfer:
        raise InputError("local.no_transfer")
    records, _ = corrections_for(corrections_path, no_corrections, labels_path)
    with Progress() as progress:
        result = train_local_and_save(labels_path, out_dir, records, weight, folds, base_dir, corpus_dir,
                                      progress.step)
    local = result.metadata["metrics"]["local"]
    click.echo(msg("ui.train.local_done", lang, path=result.out_dir, n=local["passages"], notes=local["notes"],
                   folds=local["folds"], micro=local["cv"]["micro_f1"], macro=local["cv"]["macro_f1"],
                   base_micro=local["base"]["micro_f1"], base_macro=local["base"]["macro_f1"]))


@cli.command()
@click.option("--corpus", "corpus_file", type=click.Path(path_type=Path), default=None,
              help="Annotated JSONL file to evaluate on (default: the model's transfer figures, and the held-out "
                   "sets test-v2.jsonl, test.jsonl and corpora/external/external.jsonl).")
@model_option
@format_option("table", "json")
@lang_option
def evaluate(corpus_file: Path | None, model_dir: Path | None, fmt: str, lang: str) -> None:
    """Evaluate a model. Without --corpus: the transfer figures the model was trained with (leave-one-genre-out
    and leave-one-style-out, per genre and style, with 95% bootstrap intervals), and fresh figures on the
    held-out writers and genres, the external set and the in-style split. With --corpus FILE: per-code
    precision/recall/F1, micro/macro F1 and the no-code false-positive rate on that file.

    \b
    Example:
      analyzer evaluate
      analyzer evaluate --corpus corpora/external/external.jsonl --format json
    """
    from analyzer.corpus.records import read_gold, read_records
    from analyzer.model.persist import load_model
    from analyzer.model.training import evaluate_held_out_sets, evaluate_with_ci
    from analyzer.render import console
    from analyzer.resources import DEFAULT_CORPUS_DIR

    model = load_model(model_dir)
    if corpus_file is not None:
        metrics = evaluate_with_ci(model, read_gold(corpus_file))
        if fmt == "json":
            click.echo(console.dump_json(metrics))
        else:
            console.print_evaluation(str(corpus_file), metrics, lang)
        return
    meta = dict(model.metadata)
    metrics = dict(meta.get("metrics", {}))
    metrics.update(evaluate_held_out_sets(model, [r for r in read_records(DEFAULT_CORPUS_DIR) if r.kind == "body"]))
    meta["metrics"] = metrics
    if fmt == "json":
        click.echo(console.dump_json({"transfer": metrics.get("transfer", {}), "test": metrics["test"],
                                      "external": metrics["external"], "in_style": metrics["in_style"]}))
    else:
        console.print_transfer(meta, lang)


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(allow_dash=True))
@click.option("-o", "--output", type=OutputPath(allow_dash=True), default=None,
              help="Output JSONL file (default: standard output).")
@model_option
@redact_option
@lang_option
def predict(input_path: str, output: str | None, model_dir: Path | None, redact_mode: str, no_redact: bool,
            lang: str) -> None:
    """Predict codes for passages in INPUT (JSONL with fields id and text, or CSV with those columns; other
    fields are kept). Writes one JSON line per input line, in the same order, with labels, breaches,
    scores, breach_scores and evidence.

    \b
    Example:
      analyzer predict passages.jsonl -o predictions.jsonl
    """
    import sys

    from analyzer.analysis.passages import analyze_texts
    from analyzer.io.passages import output_record, read_passages, write_jsonl
    from analyzer.messages import text as msg
    from analyzer.model.persist import load_model

    if output is not None and output != "-":
        output = check_output(output, [input_path])
    rows = read_passages(input_path)
    model = load_model(model_dir)
    texts = [row["text"] if isinstance(row.get("text"), str) else "" for row in rows]
    passages = analyze_texts(texts, model, redaction(redact_mode, no_redact), whole=True)
    records = (output_record(row, passage) for row, (passage,) in zip(rows, passages))
    if output is None or output == "-":
        write_jsonl(records, sys.stdout)
        return
    with atomic_path(output) as tmp, tmp.open("w", encoding="utf-8") as fh:
        write_jsonl(records, fh)
    click.echo(msg("ui.predict.done", lang, n=len(rows), path=output), err=True)
