"""The main job: notes (or a results file) → passage results → coverage report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from analyzer.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass
class Analysis:
    """Passage-level results of a collection, the notes that were skipped and the model's description."""

    passages: "pd.DataFrame"
    skipped: list[dict]
    model: dict
    redacted: "bool | str"  # the redaction mode the passage texts were written with


def analyze_paths(paths: Sequence[str | Path], model_dir: str | Path | None = None,
                  columns: dict[str, str] | None = None, redact_text: bool = True,
                  progress: Callable[[int, int], None] | None = None) -> Analysis:
    """Read notes from tables/folders/files and analyse them with the model."""
    from analyzer.analysis import analyze_notes, model_id
    from analyzer.coverage import model_info
    from analyzer.model import load_model
    from analyzer.notes import read_notes
    from analyzer.results import skipped_dicts

    batch = read_notes(paths, columns)
    model = load_model(model_dir)
    total = len(batch.notes)
    done = [0]

    def step(n: int) -> None:
        done[0] += n
        if progress:
            progress(done[0], total)

    df = analyze_notes(batch.notes, model, redact_text=redact_text, progress=step)
    return Analysis(df, skipped_dicts(batch.skipped), model_info(model.metadata, model_id(model)), redact_text)


def load_analysis(paths: Sequence[str | Path], model_dir: str | Path | None = None,
                  columns: dict[str, str] | None = None, redact_text: bool = True,
                  progress: Callable[[int, int], None] | None = None) -> Analysis:
    """A results file (from ``analyzer analyze``) is read as it is; anything else is analysed first."""
    from analyzer.results import read_results, results_metadata

    if len(paths) == 1 and (Path(paths[0]).is_dir() or str(paths[0]).lower().endswith(".parquet")) \
            and results_metadata(paths[0]):
        from analyzer.coverage import model_info
        from analyzer.model import load_model

        df, skipped, meta = read_results(paths[0])
        model = load_model(model_dir)
        info = model_info(model.metadata, meta.get("model_id", ""))
        stored = meta.get("redacted", True)
        return Analysis(df, skipped, info, stored if stored in ("all", "ids", "none") else bool(stored))
    return analyze_paths(paths, model_dir, columns, redact_text, progress)


def make_report(analysis: Analysis, by: str = "worker", worker: str | None = None,
                date_from: dt.date | None = None, date_to: dt.date | None = None, lang: str = "id",
                redact_text: bool = True, case_key: str = "worker+client") -> dict:
    """The coverage report (plain data) of an analysis, filtered by worker and dates."""
    from analyzer.coverage import build_report, filter_passages
    from analyzer.redact import mode_of, redact

    if date_from and date_to and date_from > date_to:
        raise InputError("report.bad_range", start=date_from.isoformat(), end=date_to.isoformat())
    df = filter_passages(analysis.passages, worker, date_from, date_to)
    if worker and df.empty and worker not in set(analysis.passages["worker"]):
        raise InputError("report.unknown_worker", worker=worker,
                         workers=", ".join(sorted(set(analysis.passages["worker"]))) or "-")
    strength = {"none": 0, "ids": 1, "all": 2}
    wanted = mode_of(redact_text)
    if strength[wanted] > strength[mode_of(analysis.redacted)]:  # results written with less masking
        df = df.assign(text=df["text"].map(lambda t: redact(t, wanted)))
    filters = {k: v for k, v in (("worker", worker), ("from", date_from and date_from.isoformat()),
                                 ("to", date_to and date_to.isoformat())) if v}
    return build_report(df, analysis.skipped, analysis.model, lang=lang, by=by, filters=filters, case_key=case_key)
