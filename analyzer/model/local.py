"""Local training (``analyzer train --add``): the model learns an agency's notes.

The shipped corpus's training passages plus the agency's labelled passages (each counted ``weight`` times, so a
few hundred of them are heard beside thousands of corpus passages) train a model with the shipped configuration.
The thresholds and the gate are the base model's: they were tuned for writing the model never saw, and tuning 36
thresholds again on a few hundred passages would fit their noise (and leave no honest figure to report).

Reliability on the agency's own writing is measured by cross-validation grouped by note: the agency's notes are
split in ``folds`` groups; each is scored by a model trained on the corpus and the other groups. Beside it, the
base model's figures on the same passages (it never saw them), so the card shows what local training changed.

Labelled passages come from a results file (the passages a person labelled whole in an annotation tool: active
``label`` corrections, see ``io/corrections.py``; their masked text is what the model learns from) or from a JSONL
file of ``{"text", "labels", "breaches"}`` lines (``id`` and ``note_id`` optional; the note groups the folds).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES
from analyzer.errors import InputError, ModelError
from analyzer.io.atomic import write_text

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from analyzer.corpus.records import Record
    from analyzer.model.classifier import CodeModel
    from analyzer.model.config import ModelConfig

DEFAULT_WEIGHT = 3
DEFAULT_FOLDS = 5
MIN_PASSAGES = 10


@dataclass
class LocalResult:
    out_dir: Path
    metadata: dict


# --- the agency's labelled passages ----------------------------------------------------------------------------------

def read_labelled(path: str | Path, corrections: Sequence[dict] | None = None) -> list["Record"]:
    """The agency's labelled passages: from a results file (with its ``corrections``) or a JSONL file."""
    from analyzer.io.results import results_metadata

    path = Path(path)
    if not path.exists():
        raise InputError("local.not_found", path=str(path))
    if (path.is_dir() or path.suffix.lower() == ".parquet") and results_metadata(path):
        return _from_results(path, corrections or [])
    if path.is_dir():
        raise InputError("local.not_labels", path=str(path))
    return _from_jsonl(path)


def _record(id_: str, text: str, labels, breaches, note_id: str, file: str, line: int) -> "Record":
    from analyzer.corpus.records import Record

    return Record(id_, text, tuple(sorted(labels)), tuple(sorted(breaches)), "", "local", "local", file, line,
                  genre="local", doc=note_id, kind="body")


def _from_results(path: Path, corrections: Sequence[dict]) -> list["Record"]:
    from analyzer.analysis.corrections import apply_corrections
    from analyzer.io.corrections import active
    from analyzer.io.results import read_results

    df, _, _ = read_results(path)
    keys = {(c["note_id"], c["text_sha256"]) for c in active(corrections) if c["action"] == "label"}
    if not keys:
        raise InputError("local.no_labelled", path=str(path))
    df, _ = apply_corrections(df, corrections)
    out = []
    for row in df.itertuples(index=False):
        if row.kind == "body" and (row.note_id, row.text_sha256) in keys:
            out.append(_record(f"{row.note_id}#{row.passage}", row.text, row.labels, row.breaches, row.note_id,
                               path.name, int(row.passage)))
    return out


def _from_jsonl(path: Path) -> list["Record"]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("local.not_utf8", path=str(path)) from None
    from analyzer.io.jsonl import json_lines

    out = []
    bad = lambda n, exc: InputError("local.bad_json", path=str(path), line=n, detail=exc.msg)  # noqa: E731
    for number, obj in json_lines(text.splitlines(), bad):
        if not isinstance(obj, dict):
            raise InputError("local.bad_field", path=str(path), line=number, field="text")
        text_ = obj.get("text")
        labels, breaches = obj.get("labels", []), obj.get("breaches", [])
        if not isinstance(text_, str) or not text_.strip():
            raise InputError("local.bad_field", path=str(path), line=number, field="text")
        for field, value, allowed in (("labels", labels, ALL_CODES), ("breaches", breaches, PRINCIPLE_CODES)):
            if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
                raise InputError("local.bad_field", path=str(path), line=number, field=field)
            unknown = [c for c in value if c not in allowed]
            if unknown:
                raise InputError("local.unknown_code", path=str(path), line=number, field=field,
                                 codes=", ".join(unknown))
        if set(labels) & set(breaches):
            raise InputError("local.applied_and_breached", path=str(path), line=number,
                             codes=", ".join(sorted(set(labels) & set(breaches))))
        id_ = str(obj.get("id") or f"{path.stem}-{number}")
        note_id = str(obj.get("note_id") or obj.get("doc") or id_)
        out.append(_record(id_, text_, labels, breaches, note_id, path.name, number))
    if not out:
        raise InputError("local.no_labelled", path=str(path))
    return out


def labels_sha256(records: Sequence["Record"], weight: int) -> str:
    """A fingerprint of the agency's labels and weight (part of the local model's id)."""
    digest = hashlib.sha256(f"weight={weight}\n".encode())
    for r in records:
        digest.update(json.dumps([r.doc, r.text, list(r.labels), list(r.breaches)], ensure_ascii=False).encode())
    return digest.hexdigest()


# --- fitting ---------------------------------------------------------------------------------------------------------

def fit_with_local(config: "ModelConfig", base_texts: Sequence[str], base_y: "np.ndarray", local_texts: Sequence[str],
                   local_y: "np.ndarray", weight: int):
    """The scikit-learn pipeline fitted on the base passages plus the local ones, each local passage ``weight``
    times (repetition: with the liblinear solver that is an integer sample weight, and it keeps the saved
    estimator free of routing metadata)."""
    import numpy as np

    from analyzer.model.fit import _fit

    texts = [*base_texts, *(t for t in local_texts for _ in range(weight))]
    y = np.vstack([base_y, np.repeat(local_y, weight, axis=0)]) if len(local_texts) else base_y
    return _fit(config, texts, y)


def cross_validated_local(config: "ModelConfig", base_texts: Sequence[str], base_y: "np.ndarray",
                          local: Sequence["Record"], local_texts: Sequence[str], weight: int, folds: int,
                          progress: Callable[[str], None] | None = None) -> tuple["np.ndarray", int]:
    """Out-of-fold scores of the local passages, grouped by note (no note in both the training part and the fold
    it scores); returns (scores, folds used)."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    from analyzer.model.classifier import CodeModel
    from analyzer.model.targets import TARGETS, target_matrix, with_gate

    groups = [r.doc for r in local]
    k = min(folds, len(set(groups)))
    if k < 2:
        raise ModelError("local.too_few_notes", n=len(set(groups)))
    y = with_gate(target_matrix(local))
    oof = np.zeros((len(local), y.shape[1]))
    for n, (train_idx, test_idx) in enumerate(GroupKFold(n_splits=k).split(local_texts, y, groups), start=1):
        if progress:
            progress(f"local cv {n}/{k}")
        est = fit_with_local(config, base_texts, base_y, [local_texts[i] for i in train_idx], y[train_idx], weight)
        model = CodeModel.from_estimator(est, np.full(len(TARGETS), 0.5))
        oof[test_idx] = model.scores_from_matrix(model.transform([local_texts[i] for i in test_idx]))
    return oof, k


def config_of(meta: dict) -> "ModelConfig":
    """The configuration a model was trained with (its metadata), for a local model of the same kind."""
    from analyzer.model.config import ModelConfig

    known = {f.name for f in fields(ModelConfig)}
    stored = {k: tuple(v) if isinstance(v, list) else v for k, v in (meta.get("config") or {}).items() if k in known}
    return ModelConfig(**stored)


def train_local(base: "CodeModel", corpus: Sequence["Record"], local: Sequence["Record"], weight: int = DEFAULT_WEIGHT,
                folds: int = DEFAULT_FOLDS, progress: Callable[[str], None] | None = None,
                config: "ModelConfig | None" = None) -> tuple["CodeModel", dict]:
    """The local model (corpus + local passages, the base model's thresholds) and its local figures: ``cv`` (the
    cross-validated local model) and ``base`` (the base model) on the local passages, each with per-code figures
    and bootstrap intervals over notes."""
    from analyzer.analysis.passages import model_id
    from analyzer.model.classifier import CodeModel
    from analyzer.model.fit import _lexicon, model_texts
    from analyzer.model.targets import decisions_to_sets, target_matrix, with_gate
    from analyzer.model.transfer import summarize
    from analyzer.model.training import evaluate_with_ci

    if len(local) < MIN_PASSAGES:
        raise ModelError("local.too_few_passages", n=len(local), min=MIN_PASSAGES)
    config = config or config_of(base.metadata)
    lexicon = _lexicon(config)
    if progress:
        progress("tokenise")
    base_texts = model_texts([r.text for r in corpus], lexicon)
    local_texts = model_texts([r.text for r in local], lexicon)
    base_y = with_gate(target_matrix(corpus))
    oof, k = cross_validated_local(config, base_texts, base_y, local, local_texts, weight, folds, progress)
    labels, breaches = decisions_to_sets(base.decide(oof))
    figures = {"cv": summarize(local, labels, breaches), "base": evaluate_with_ci(base, local), "folds": k,
               "weight": weight, "passages": len(local), "notes": len({r.doc for r in local}),
               "base_model_id": model_id(base)}
    if progress:
        progress("final fit")
    est = fit_with_local(config, base_texts, base_y, local_texts, with_gate(target_matrix(local)), weight)
    model = CodeModel.from_estimator(est, base.thresholds, gate_threshold=base.gate_threshold, lexicon=lexicon)
    return model, figures


def train_local_and_save(labels: str | Path, out_dir: str | Path, corrections: Sequence[dict] | None = None,
                         weight: int = DEFAULT_WEIGHT, folds: int = DEFAULT_FOLDS,
                         base_dir: str | Path | None = None, corpus_dir: str | Path | None = None,
                         progress: Callable[[str], None] | None = None) -> LocalResult:
    """``analyzer train --add``: read the labelled passages, train and measure (:func:`train_local`), and write
    the model folder with its card (the base model's card plus the local reliability per code)."""
    from analyzer.codebook import load_codebook
    from analyzer.corpus.records import read_records
    from analyzer.errors import CorpusError
    from analyzer.model.card import render_card
    from analyzer.model.classifier import CodeModel
    from analyzer.model.persist import CARD_FILE, load_model, save_model
    from analyzer.resources import DEFAULT_CORPUS_DIR, DEFAULT_MODEL_DIR

    out = Path(out_dir)
    if out.resolve() == Path(base_dir or DEFAULT_MODEL_DIR).resolve() or out.resolve() == DEFAULT_MODEL_DIR.resolve():
        raise InputError("local.out_is_base", path=str(out))
    from analyzer.io.outputs import check_output

    check_output(out, [labels, corpus_dir or DEFAULT_CORPUS_DIR, base_dir or DEFAULT_MODEL_DIR], folder=True)
    local = read_labelled(labels, corrections)
    base = load_model(base_dir)
    corpus_dir = corpus_dir or DEFAULT_CORPUS_DIR
    corpus = [r for r in read_records(corpus_dir) if r.kind == "body" and r.split == "train"]
    if not corpus:
        raise CorpusError("corpus.no_training", path=str(corpus_dir))
    model, figures = train_local(base, corpus, local, weight, folds, progress)
    meta = {k: v for k, v in base.metadata.items() if k not in ("files", "thresholds", "gate_threshold", "targets")}
    meta["metrics"] = {**meta.get("metrics", {}), "local": figures}
    meta["training_passages"] = len(corpus) + len(local)
    meta["local_sha256"] = labels_sha256(local, weight)
    saved_dir = save_model(CodeModel(model.pack, model.thresholds, meta, model.gate_threshold,
                                     estimator=model.estimator, lexicon=model.lexicon), out)
    saved = load_model(saved_dir)
    codebook = load_codebook()
    write_text(saved_dir / CARD_FILE, render_card(saved.metadata, codebook) + local_card(saved.metadata, codebook))
    return LocalResult(saved_dir, saved.metadata)


def local_card(meta: dict, codebook) -> str:
    """The model card's section on the agency's labels: per code, the shipped figure (leave-one-genre-out), the
    base model on the agency's passages and the local model cross-validated on them."""
    from analyzer.model.metadata import reliability_metrics

    local = (meta.get("metrics") or {}).get("local") or {}
    if not local:
        return ""
    shipped = reliability_metrics(meta)
    cv, base = local["cv"], local["base"]

    def row(code: str, kind: str, name: str) -> str:
        s = shipped.get(kind, {}).get(code, {})
        b = base.get(kind, {}).get(code, {})
        c = cv.get(kind, {}).get(code, {})
        return (f"| {name} | {codebook[code].name_en} | {s.get('f1', 0):.2f} | {b.get('f1', 0):.2f} | "
                f"**{c.get('f1', 0):.2f}** | {c.get('precision', 0):.2f} | {c.get('recall', 0):.2f} | "
                f"{c.get('support', 0)} |")

    header = ("| code | name | shipped F1 (unseen genres) | base model on your labels | local model (CV) F1 | "
              "precision | recall | your passages |\n|---|---|---|---|---|---|---|---|")
    applied = "\n".join(row(c, "applied", c) for c in ALL_CODES)
    breach = "\n".join(row(c, "breach", f"!{c}") for c in PRINCIPLE_CODES
                       if cv.get("breach", {}).get(c, {}).get("support"))

    def headline(m: dict) -> str:
        from analyzer.model.card import with_interval

        return (f"micro-F1 {with_interval(m, 'micro_f1')}, macro-F1 {m.get('macro_f1', 0):.3f}, breach F1 "
                f"{m.get('breach_micro_f1', 0):.3f}, no-code false-positive rate "
                f"{m.get('no_code_false_positive_rate', 0):.3f}")

    return f"""
## Local training: your agency's labels

This model is the base model `{local['base_model_id']}` trained again on the shipped corpus plus
{local['passages']} passages of {local['notes']} notes labelled by your agency, each counted {local['weight']} times.
Thresholds are the base model's. The figures at the top of this card are the base model's transfer figures.

Reliability on your agency's writing, by cross-validation grouped by note ({local['folds']} folds: every passage
is scored by a model that never saw its note), beside the base model on the same passages (it never saw them):

- local model (CV): {headline(cv)}
- base model: {headline(base)}

Per code (applied codes; then the breaches your passages contain). Codes with fewer than 5 of your passages have no
reliable local figure: label more passages that show them (`analyzer suggest`).

{header}
{applied}
{breach}
"""
