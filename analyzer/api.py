"""The Python API for researchers: the same functions the command line uses.

>>> import pandas as pd
>>> import analyzer
>>> notes = pd.DataFrame([{"note_id": "n1", "worker": "Rina", "client": "KPM-A", "date": "2026-08-03",
...                        "text": "Saya biarkan Ibu A bercerita sampai selesai, lalu saya ulangi intinya."}])
>>> passages = analyzer.analyze_dataframe(notes)
>>> list(passages.columns[:6])
['note_id', 'worker', 'client', 'date', 'month', 'setting']
>>> report = analyzer.coverage_report(passages)
>>> report["workers"][0]["worker"], report["workers"][0]["notes"]
('Rina', 1)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from analyzer.codebook import Codebook, load_codebook
from analyzer.model.classifier import CodeModel
from analyzer.model.persist import load_model

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

    import pandas as pd

    from analyzer.report.review import Review

__all__ = ["load_codebook", "load_model", "read_notes", "analyze_dataframe", "analyze_files", "coverage_report",
           "review_text", "Codebook", "CodeModel"]


def read_notes(paths: Sequence[str | Path], columns: Mapping[str, str] | None = None) -> "pd.DataFrame":
    """Notes from tables, folders or files (as ``analyzer analyze`` reads them) as a DataFrame with the columns
    note_id, worker, client, date, text, setting, source; the skipped notes are in ``df.attrs["skipped"]``.

    >>> df = read_notes(["corpora/demo/notes"])
    >>> len(df), df.attrs["skipped"]
    (152, [])
    """
    import pandas as pd

    from analyzer.io.notes import read_notes as _read
    from analyzer.io.results import skipped_dicts

    batch = _read(paths, columns)
    df = pd.DataFrame([{"note_id": n.note_id, "worker": n.worker, "client": n.client, "date": n.date,
                        "text": n.text, "setting": n.setting, "source": n.source} for n in batch.notes],
                      columns=["note_id", "worker", "client", "date", "text", "setting", "source"])
    df.attrs["skipped"] = skipped_dicts(batch.skipped)
    return df


def analyze_dataframe(notes: "pd.DataFrame", model: CodeModel | None = None,
                      columns: Mapping[str, str] | None = None, redact: bool = True) -> "pd.DataFrame":
    """Analyse a DataFrame of notes (columns note_id, worker, client, date, text; other names mapped with
    ``columns``) into the passage-level DataFrame of ``analyzer analyze``: one row per passage with offsets,
    kind, text, labels, breaches, evidence (JSON) and a score column per code. Notes that cannot be analysed are
    listed in ``df.attrs["skipped"]`` with their reason; ``df.attrs["model"]`` describes the model.
    """
    from analyzer.analysis.passages import analyze_notes, model_id
    from analyzer.report.coverage import model_info
    from analyzer.io.notes import notes_from_frame
    from analyzer.io.results import skipped_dicts

    model = model or load_model()
    batch = notes_from_frame(notes, columns)
    df = analyze_notes(batch.notes, model, redact_text=redact)
    df.attrs["skipped"] = skipped_dicts(batch.skipped)
    df.attrs["model"] = model_info(model.metadata, model_id(model))
    return df


def analyze_files(paths: Sequence[str | Path], model: CodeModel | None = None,
                  columns: Mapping[str, str] | None = None, redact: bool = True) -> "pd.DataFrame":
    """``read_notes`` then ``analyze_dataframe``: the passage-level DataFrame of a collection on disk."""
    notes = read_notes(paths, columns)
    df = analyze_dataframe(notes, model, redact=redact)
    df.attrs["skipped"] = notes.attrs["skipped"] + df.attrs["skipped"]
    return df


def coverage_report(passages: "pd.DataFrame", lang: str = "id", worker: str | None = None,
             date_from: "dt.date | None" = None, date_to: "dt.date | None" = None, by: str = "worker") -> dict:
    """Aggregate a passage-level DataFrame into the coverage report (the JSON contract of ``analyzer report``),
    using the skipped notes and the model description in ``passages.attrs`` when present."""
    from analyzer.report.source import Analysis, make_report

    model = passages.attrs.get("model")
    if model is None:
        from analyzer.analysis.passages import model_id
        from analyzer.report.coverage import model_info

        loaded = load_model()
        model = model_info(loaded.metadata, model_id(loaded))
    analysis = Analysis(passages, list(passages.attrs.get("skipped", [])), model, redacted=True)
    return make_report(analysis, by, worker, date_from, date_to, lang, redact_text=False)


def review_text(text: str, model: CodeModel | None = None, lang: str = "id", redact: bool = True) -> "Review":
    """The self-review of one note (as ``analyzer review``): passages with codes, what is shown and missing,
    and the reflection prompts."""
    from analyzer.report.review import review_text as _review

    return _review(text, model or load_model(), load_codebook(), lang, redact)
