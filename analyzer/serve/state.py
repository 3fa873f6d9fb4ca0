"""What the server holds: the model and codebook (loaded once), the collection's passage results, and the
aggregates cached per view.

Every figure comes from the library functions the command line uses: ``report.source.load_analysis`` reads a
results file or analyses notes on the streaming engine, ``report.source.make_report`` aggregates,
``report.review.review_text`` reviews a note. What is cached here is their output:

- the **collection** (:class:`Collection`): the passages with people's corrections applied, and indexes that find
  a note's passages or the passages with a code without scanning the table. It is rebuilt when the results file
  or the corrections file changes on disk (checked by size and modification time on every request, a ``stat``
  call), or when this server writes a correction;
- the **reports**: one ``make_report`` output per filter combination and language, kept for the collection they
  were made from (a bounded number; the least recently used goes first).

Texts are masked at load as ``analyzer report`` masks them: with ``all`` unless the server was started with
``--no-redact``. Results written with less masking are masked again here, once.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from analyzer.codebook import Codebook
    from analyzer.model.classifier import CodeModel
    from analyzer.report.review import Review
    from analyzer.report.source import Analysis

REPORT_CACHE_SIZE = 64


@dataclass(frozen=True)
class ServeConfig:
    """Everything ``analyzer serve`` is started with."""

    inputs: tuple[Path, ...] = ()
    model_dir: Path | None = None
    corrections: Path | None = None
    redact: str = "all"  # "all", or "none" with --no-redact (only at start-up)
    token: str | None = None
    columns: Mapping[str, str] | None = None
    codebook_path: Path | None = None
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]", "::1")
    max_upload_bytes: int = 2_000_000  # one uploaded note (.txt, .md, .docx) or pasted text
    max_docx_unpacked: int = 20_000_000  # what a .docx may expand to
    max_text_chars: int = 200_000  # a note of about 30,000 words
    page_size: int = 50


@dataclass(frozen=True)
class Filters:
    """The filters of the report's URL: worker, client, period (from/to, inclusive) and code."""

    worker: str | None = None
    client: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    code: str | None = None
    breach: bool = False

    def params(self, **override) -> dict[str, str]:
        """The non-empty filters as URL parameters (``override`` replaces or, with None, removes one)."""
        values = {"worker": self.worker, "client": self.client,
                  "from": self.date_from.isoformat() if self.date_from else None,
                  "to": self.date_to.isoformat() if self.date_to else None,
                  "code": self.code, "breach": "1" if self.breach else None}
        values.update(override)
        return {k: str(v) for k, v in values.items() if v not in (None, "", False)}

    @property
    def report_key(self) -> tuple:
        return self.worker, self.client, self.date_from, self.date_to


@dataclass
class Collection:
    """The passages behind every page, for one state of the results and the corrections files."""

    analysis: "Analysis"
    version: tuple
    note_rows: dict[str, "np.ndarray"]  # note id -> row positions, in passage order
    labels: "np.ndarray"  # bool (rows, 20): code applied
    breaches: "np.ndarray"  # bool (rows, 16): principle breached
    body: "np.ndarray"  # bool (rows,)
    corrections: list[dict] = field(default_factory=list)  # the corrections file's lines, in file order
    reports: "OrderedDict[tuple, dict]" = field(default_factory=OrderedDict)
    pending: dict[tuple, threading.Lock] = field(default_factory=dict)
    _report_analysis: "Analysis | None" = None

    @property
    def df(self) -> "pd.DataFrame":
        return self.analysis.passages

    @property
    def report_analysis(self) -> "Analysis":
        """The analysis without the score columns, which no report figure uses: every row filter of the
        aggregation then copies a third of the columns."""
        if self._report_analysis is None:
            keep = [c for c in self.df.columns if not c.startswith(("score_", "breach_score_"))]
            self._report_analysis = _replace(self.analysis, self.df[keep])
        return self._report_analysis

    def rows_of_note(self, note_id: str) -> "pd.DataFrame | None":
        rows = self.note_rows.get(note_id)
        return None if rows is None else self.df.iloc[rows]


class ServerState:
    """The model, the codebook and the collection of one server, shared by every request (thread-safe)."""

    def __init__(self, config: ServeConfig, progress: Callable[[int, int | None], None] | None = None) -> None:
        from analyzer.codebook import load_codebook
        from analyzer.model.persist import load_model

        self.config = config
        self.model: "CodeModel" = load_model(config.model_dir)
        self.codebook: "Codebook" = load_codebook(config.codebook_path)
        self._lock = threading.RLock()
        self._collection: Collection | None = None
        self._base: "Analysis | None" = None
        self._results_signature: tuple | None = None
        self._progress = progress
        self.review("Saya mendengarkan cerita klien sampai selesai.", "id")  # loads the tokenizer once, now
        if config.inputs:
            self.collection()

    # --- the collection ---------------------------------------------------------------------------------------

    @property
    def has_collection(self) -> bool:
        return bool(self.config.inputs)

    @property
    def results_file(self) -> Path | None:
        """The results file (or folder) the server reads, when it was started on one."""
        from analyzer.io.results import results_metadata

        inputs = self.config.inputs
        if len(inputs) == 1 and (inputs[0].is_dir() or inputs[0].suffix.lower() == ".parquet") \
                and results_metadata(inputs[0]) is not None:
            return inputs[0]
        return None

    def _results_stat(self) -> tuple:
        path = self._results_path
        if path is None:
            return ()
        return _stat(path) if path.is_file() else tuple(_stat(p) for p in sorted(path.glob("*")))

    def collection(self) -> Collection:
        """The current collection: rebuilt when the results or the corrections changed on disk."""
        with self._lock:
            if self._base is None:
                self._results_path = self.results_file
                self._results_signature = self._results_stat()
                self._base = self._load_base()
            elif self._results_path is not None and self._results_stat() != self._results_signature:
                self._results_signature = self._results_stat()
                self._base = self._load_base()
                self._collection = None
            version = (self._results_signature, self._corrections_signature())
            if self._collection is None or self._collection.version != version:
                self._collection = None
                gc.unfreeze()
                self._collection = self._build(version)
                # The collection is millions of objects that live until the next rebuild: out of the collector's
                # sight, a full collection no longer walks them (a pause of about a second at 100,000 notes).
                gc.collect()
                gc.freeze()
            return self._collection

    def _load_base(self) -> "Analysis":
        from analyzer.report.source import load_analysis

        analysis = _masked(load_analysis(list(self.config.inputs), self.config.model_dir,
                                         dict(self.config.columns or {}), self.config.redact, self._progress),
                           self.config.redact)
        df = analysis.passages
        if len(df):  # note by note, passages in order: a note's rows are one slice
            df = df.sort_values(["note_id", "passage"], kind="stable", ignore_index=True)
        return _replace(analysis, df)

    def _build(self, version: tuple) -> Collection:
        import numpy as np

        from analyzer.analysis.corrections import apply_corrections

        analysis = self._base
        records = self._read_corrections()
        if records:  # the same function load_analysis applies them with: a corrected code wins over the model
            passages, summary = apply_corrections(analysis.passages, records, str(self.corrections_path))
            analysis = _replace(analysis, passages)
            analysis.corrections = summary.to_dict()
        df = analysis.passages
        n = len(df)
        labels = np.zeros((n, len(ALL_CODES)), dtype=bool)
        breaches = np.zeros((n, len(PRINCIPLE_CODES)), dtype=bool)
        position = {c: i for i, c in enumerate(ALL_CODES)}
        for row, codes in enumerate(df["labels"] if n else []):
            for c in codes:
                labels[row, position[c]] = True
        for row, codes in enumerate(df["breaches"] if n else []):
            for c in codes:
                breaches[row, position[c]] = True
        note_rows: dict[str, np.ndarray] = {}
        if n:
            ids = df["note_id"].to_numpy()
            starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
            ends = np.r_[starts[1:], n]
            note_rows = {ids[a]: np.arange(a, b) for a, b in zip(starts, ends)}
        return Collection(analysis, version, note_rows, labels, breaches,
                          (df["kind"] == "body").to_numpy() if n else np.zeros(0, dtype=bool), records)

    # --- corrections ------------------------------------------------------------------------------------------

    @property
    def corrections_path(self) -> Path | None:
        """The corrections file the pages read and write: ``--corrections``, else ``corrections.jsonl`` beside
        the inputs (as ``analyzer correct`` and ``report`` find it)."""
        from analyzer.io.corrections import default_path

        if self.config.corrections is not None:
            return self.config.corrections
        return default_path(self.config.inputs[0]) if self.config.inputs else None

    @property
    def corrections_enabled(self) -> bool:
        return self.has_collection and self.corrections_path is not None

    def _corrections_signature(self) -> tuple:
        path = self.corrections_path
        return _stat(path) if path is not None else ()

    def _read_corrections(self) -> list[dict]:
        from analyzer.io.corrections import read_corrections

        path = self.corrections_path
        return read_corrections(path, missing_ok=True) if path is not None else []

    def add_correction(self, note_id: str, passage: int, action: str, code: str, breach: bool,
                       by: str | None) -> dict:
        """Check a correction against the passage as the results and the earlier corrections leave it, and add
        it to the corrections file (as ``analyzer correct`` does); the figures follow on the next request."""
        from analyzer.analysis.corrections import make_correction
        from analyzer.io.corrections import append

        with self._lock:
            collection = self.collection()
            rows = collection.rows_of_note(note_id)
            if rows is None:
                from analyzer.serve.routes.common import NotFound

                raise NotFound("serve.error.unknown_note", note=note_id)
            record = make_correction(rows, collection.corrections, note_id, passage, action, code, breach, by)
            record["source"] = "serve"
            append(self.corrections_path, [record])
            return record

    def undo_correction(self, correction_id: str, by: str | None) -> dict:
        from analyzer.io.corrections import undo

        with self._lock:
            return undo(self.corrections_path, correction_id, by)

    def corrections_of(self, note_id: str, passage: int) -> list[dict]:
        """The corrections of one passage (undone ones marked), in file order."""
        from analyzer.analysis.corrections import correction_codes
        from analyzer.io.corrections import undone_ids

        records = self.collection().corrections
        undone = undone_ids(records)
        return [{**r, "code_label": " ".join(correction_codes(r)), "undone": r["id"] in undone,
                 "undoable": r["id"] not in undone}
                for r in records if r["action"] != "undo" and r["note_id"] == note_id and r["passage"] == passage]

    def correction_list(self) -> list[dict]:
        """Every line of the corrections file with its status in these results (``correction_status``)."""
        from analyzer.analysis.corrections import correction_status

        collection = self.collection()
        if not collection.corrections:
            return []
        return correction_status(self._base.passages, collection.corrections)

    # --- aggregates ---------------------------------------------------------------------------------------------

    def report(self, filters: Filters, lang: str) -> dict:
        """``make_report`` of the collection under ``filters`` (cached for this collection; concurrent requests
        for the same report wait for one computation)."""
        from analyzer.report.source import make_report

        collection = self.collection()
        key = (*filters.report_key, lang)
        with self._lock:
            cached = collection.reports.get(key)
            if cached is not None:
                collection.reports.move_to_end(key)
                return cached
            pending = collection.pending.get(key)
            if pending is None:
                pending = collection.pending[key] = threading.Lock()
        with pending:  # the first request computes, the others wait for it
            with self._lock:
                cached = collection.reports.get(key)
            if cached is not None:
                return cached
            analysis = collection.report_analysis
            if filters.client:
                analysis = _replace(analysis, analysis.passages[analysis.passages["client"] == filters.client])
            data = make_report(analysis, "worker", filters.worker, filters.date_from, filters.date_to, lang,
                               self.config.redact, self.codebook)
            with self._lock:
                collection.reports[key] = data
                collection.pending.pop(key, None)
                while len(collection.reports) > REPORT_CACHE_SIZE:
                    collection.reports.popitem(last=False)
        return data

    def warm(self, lang: str = "id") -> threading.Thread | None:
        """Aggregate the unfiltered report in the background, so the first visit does not wait for it."""
        if not self.has_collection:
            return None
        thread = threading.Thread(target=self._warm, args=(lang,), name="analyzer-serve-warm", daemon=True)
        thread.start()
        return thread

    def _warm(self, lang: str) -> None:
        try:
            self.report(Filters(), lang)
        except Exception:  # the page will show the error when it is asked for
            pass

    def passage_rows(self, filters: Filters) -> "pd.DataFrame":
        """The body passages behind a count: those of the filtered worker, client and period that have the
        filtered code applied (or breached with ``filters.breach``), in date, note and passage order."""
        import numpy as np

        collection = self.collection()
        df = collection.df
        keep = collection.body.copy()
        if filters.code:
            if filters.breach:
                keep &= collection.breaches[:, PRINCIPLE_CODES.index(filters.code)] \
                    if filters.code in PRINCIPLE_CODES else False
            else:
                keep &= collection.labels[:, ALL_CODES.index(filters.code)]
        elif filters.breach:
            keep &= collection.breaches.any(axis=1)
        else:
            keep &= collection.labels.any(axis=1) | collection.breaches.any(axis=1)
        if filters.worker:
            keep &= (df["worker"] == filters.worker).to_numpy()
        if filters.client:
            keep &= (df["client"] == filters.client).to_numpy()
        if filters.date_from or filters.date_to:
            dates = df["date"].astype(str).to_numpy()
            keep &= dates != ""
            if filters.date_from:
                keep &= dates >= filters.date_from.isoformat()
            if filters.date_to:
                keep &= dates <= filters.date_to.isoformat()
        rows = df.iloc[np.flatnonzero(keep)]
        return rows.sort_values(["date", "note_id", "passage"], kind="stable")

    def workers(self) -> list[str]:
        collection = self.collection()
        return sorted(collection.df["worker"].unique().tolist()) if len(collection.df) else []

    # --- one note -----------------------------------------------------------------------------------------------

    def review(self, text: str, lang: str, name: str | None = None) -> "Review":
        """``analyzer review`` of a text, as the command reviews a file called ``name``: front matter removed, and
        the corrections of the note (its ``note_id`` in the front matter, else the file's name) applied."""
        from analyzer.io.notes import split_front_matter
        from analyzer.report.review import note_header, review_text

        front, body = split_front_matter(text)
        note_id = str(front.get("note_id") or "").strip() or (Path(name).stem if name else None)
        records = self._read_corrections() if self.corrections_enabled else None
        return review_text(body, self.model, self.codebook, lang, self.config.redact, note_header(front, name or ""),
                           note_id=note_id, corrections=records or None,
                           corrections_file=str(self.corrections_path) if records else None)


def _stat(path: Path) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), st.st_size, st.st_mtime_ns)


def _replace(analysis: "Analysis", passages: "pd.DataFrame") -> "Analysis":
    return replace(analysis, passages=passages)


def _masked(analysis: "Analysis", wanted: str) -> "Analysis":
    """The analysis masked at least as ``wanted`` says (``report.source.mask_passages``)."""
    from analyzer.report.source import mask_passages

    passages = mask_passages(analysis.passages, analysis.redacted, wanted)
    return analysis if passages is analysis.passages else replace(analysis, passages=passages, redacted=wanted)


def parse_date(value: str | None) -> dt.date | None:
    """A ``YYYY-MM-DD`` URL parameter (None when empty); ``ValueError`` otherwise."""
    if not value:
        return None
    return dt.date.fromisoformat(value)


def notes_of(df: "pd.DataFrame") -> list[dict]:
    """One row per note of a passage table, in date order: id, worker, client, date, codes applied and breached,
    and its first coded passage (for the case timeline)."""
    out: dict[str, dict] = {}
    for r in df.sort_values(["date", "note_id", "passage"], kind="stable").itertuples(index=False):
        note = out.setdefault(r.note_id, {"note_id": r.note_id, "worker": r.worker, "client": r.client,
                                          "date": r.date, "labels": set(), "breaches": set(), "passages": 0})
        if r.kind == "body":
            note["passages"] += 1
            note["labels"].update(r.labels)
            note["breaches"].update(r.breaches)
    for note in out.values():
        note["labels"] = [c for c in ALL_CODES if c in note["labels"]]
        note["breaches"] = [c for c in PRINCIPLE_CODES if c in note["breaches"]]
    return list(out.values())


__all__ = ["ServeConfig", "ServerState", "Filters", "Collection", "parse_date", "notes_of"]
