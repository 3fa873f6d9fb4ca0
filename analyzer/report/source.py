"""The main job: notes (or a results file) → passage results → coverage report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from analyzer.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from analyzer.codebook import Codebook
    import pandas as pd


@dataclass
class Analysis:
    """Passage-level results of a collection, the notes that were skipped and the model's description."""

    passages: "pd.DataFrame"
    skipped: list[dict]
    model: dict
    redacted: "bool | str"  # the redaction mode the passage texts were written with
    corrections: dict | None = None  # what applying a corrections file did (``CorrectionSummary.to_dict()``)


def load_analysis(paths: Sequence[str | Path], model_dir: str | Path | None = None,
                  columns: dict[str, str] | None = None, redact_text: "bool | str" = True,
                  progress: Callable[[int, int | None], None] | None = None, cache: str | Path | None = None,
                  jobs: int | None = None, corrections: Sequence[dict] | None = None,
                  corrections_file: str | None = None) -> Analysis:
    """The passages behind a report. A results file (from ``analyzer analyze``) is read as it is, after
    checking it was made by the model whose reliability the report prints. Notes are analysed by the
    streaming engine (``analysis/local.py``) into a temporary results file, with the result cache ``cache``
    when given, and read back. ``corrections`` (the lines of ``corrections_file``, see ``io/corrections.py``)
    are applied to the model's decisions either way (``analysis.corrections.apply_corrections``)."""
    import tempfile

    from analyzer.analysis.local import run_local
    from analyzer.analysis.passages import model_id
    from analyzer.io.results import read_results, results_metadata
    from analyzer.model.persist import load_model
    from analyzer.report.coverage import model_info

    model = load_model(model_dir)
    current = model_id(model)
    results = [p for p in paths if (Path(p).is_dir() or str(p).lower().endswith(".parquet")) and results_metadata(p)]
    if results and len(paths) > 1:  # results are read as they are; they cannot be mixed with notes
        raise InputError("notes.results_with_notes", path=str(results[0]))
    if results:
        df, skipped, meta = read_results(paths[0])
        stored = meta.get("model_id", "")
        if stored != current:
            raise InputError("results.other_model", path=str(paths[0]), stored=stored or "-", current=current)
        mode = meta.get("redacted", True)
        return _corrected(Analysis(df, skipped, model_info(model.metadata, stored),
                                   mode if mode in ("all", "ids", "none") else bool(mode)),
                          corrections, corrections_file)
    with tempfile.TemporaryDirectory(prefix="analyzer-report-") as tmp:
        out = Path(tmp) / "results.parquet"
        run_local(paths, out, model_dir, columns, redact_text, jobs, cache or False, progress=progress)
        df, skipped, _ = read_results(out)
    return _corrected(Analysis(df, skipped, model_info(model.metadata, current), redact_text), corrections,
                      corrections_file)


def _corrected(analysis: Analysis, corrections: Sequence[dict] | None, file: str | None) -> Analysis:
    from analyzer.analysis.corrections import apply_corrections

    if corrections is None:
        return analysis
    analysis.passages, summary = apply_corrections(analysis.passages, corrections, file)
    analysis.corrections = summary.to_dict()
    return analysis


def mask_passages(df: "pd.DataFrame", masked_as: "bool | str", wanted: "bool | str") -> "pd.DataFrame":
    """``df`` with note text and evidence masked at least as ``wanted`` says, for passages written with
    ``masked_as``: when they were masked less, every text is masked again and the evidence terms masking would
    change are left out; otherwise ``df`` itself."""
    import json

    from analyzer.text.redact import mode_of, redact

    strength = {"none": 0, "ids": 1, "all": 2}
    wanted = mode_of(wanted)
    if strength[wanted] <= strength[mode_of(masked_as)] or not len(df):
        return df

    def evidence(raw: str) -> str:
        terms = json.loads(raw or "{}")
        kept = {k: [t for t in v if redact(t, wanted) == t] for k, v in terms.items()}
        return json.dumps(kept, ensure_ascii=False, sort_keys=True)

    return df.assign(text=[redact(t, wanted) for t in df["text"]], evidence=[evidence(e) for e in df["evidence"]])


def make_report(analysis: Analysis, by: str = "worker", worker: str | None = None,
                date_from: dt.date | None = None, date_to: dt.date | None = None, lang: str = "id",
                redact_text: "bool | str" = True, codebook: "Codebook | None" = None,
                case_key: str = "worker+client") -> dict:
    """The coverage report (plain data) of an analysis, filtered by worker and dates."""
    from analyzer.report.coverage import build_report, filter_passages

    if date_from and date_to and date_from > date_to:
        raise InputError("report.bad_range", start=date_from.isoformat(), end=date_to.isoformat())
    from analyzer.io.identifiers import clean_identifier

    worker = clean_identifier(worker) if worker else worker
    df = filter_passages(analysis.passages, worker, date_from, date_to)
    if worker and df.empty and worker not in set(analysis.passages["worker"]):
        raise InputError("report.unknown_worker", worker=worker,
                         workers=", ".join(sorted(set(analysis.passages["worker"]))) or "-")
    df = mask_passages(df, analysis.redacted, redact_text)
    filters = {k: v for k, v in (("worker", worker), ("from", date_from and date_from.isoformat()),
                                 ("to", date_to and date_to.isoformat())) if v}
    from analyzer.bulk import REPORT_COLLECT_AFTER, fewer_collections
    from analyzer.report.corrections import add_correction_figures

    with fewer_collections(REPORT_COLLECT_AFTER):
        return add_correction_figures(build_report(df, analysis.skipped, analysis.model, lang=lang, by=by,
                                                   filters=filters, codebook=codebook, case_key=case_key),
                                      df, analysis.corrections)
