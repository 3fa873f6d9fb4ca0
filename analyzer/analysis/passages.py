"""Analysing notes: segment every note into passages and classify the body passages.

The result is a passage-level ``pandas.DataFrame`` (one row per passage) with the note's fields, the passage
offsets in the original note, its kind, its (redacted) text, the codes applied and breached, the score per code
and the evidence terms. Header/biodata passages are kept but not classified.
"""

from __future__ import annotations

import hashlib
import json
from operator import itemgetter
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from analyzer.model.classifier import CodeModel
    from analyzer.io.notes import Note

SCORE_COLUMNS = [f"score_{c}" for c in ALL_CODES] + [f"breach_score_{c}" for c in PRINCIPLE_CODES]
BASE_COLUMNS = [
    "note_id", "worker", "client", "date", "month", "setting", "passage", "start", "end", "kind", "text",
    "labels", "breaches", "evidence",
]
COLUMNS = BASE_COLUMNS + SCORE_COLUMNS


def model_id(model: "CodeModel") -> str:
    """A short fingerprint of a model (its thresholds, targets and corpus hash) for caches and reports."""
    payload = json.dumps({k: model.metadata.get(k) for k in ("thresholds", "gate_threshold", "targets", "corpus_sha256")},
                         sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def analyze_texts(texts: Sequence[str], model: "CodeModel", redact_text: "bool | str" = True) -> list[list[dict]]:
    """The text-dependent part of the results: for each note text, its passages (offsets, kind, text, labels,
    breaches, evidence as JSON, scores as a list in ``SCORE_COLUMNS`` order). Plain data, so it can be cached
    and shipped between processes."""
    import numpy as np

    from analyzer.text.ragged import select_rows
    from analyzer.text.redact import redact_passages, redact_terms
    from analyzer.text.segment import segment_batch

    batch = segment_batch(texts)
    body = np.flatnonzero(np.asarray(batch.kind) == "body")
    preds = model.predict_rows(*select_rows(batch.feature_ptr, batch.feature_ids, body), batch.words)
    position = np.full(len(batch), -1, dtype=np.int64)
    position[body] = np.arange(len(body))
    zeros = [0.0] * len(SCORE_COLUMNS)
    dumps = json.dumps
    out: list[list[dict]] = [[] for _ in texts]
    shown, hidden = _shown_texts(texts, batch, redact_text)
    for note, index, start, end, kind, text, i, hide in zip(batch.note, batch.index, batch.start, batch.end,
                                                            batch.kind, shown, position.tolist(), hidden):
        body_passage = i >= 0
        evidence = preds.evidence[i] if body_passage else {}
        out[note].append({
            "passage": index, "start": start, "end": end, "kind": kind,
            "text": text,
            "labels": preds.labels[i] if body_passage else [],
            "breaches": preds.breaches[i] if body_passage else [],
            "evidence": dumps({k: redact_terms(v, hide, redact_text) for k, v in evidence.items()},
                              ensure_ascii=False, sort_keys=True) if evidence else "{}",
            "scores": preds.scores[i] if body_passage else zeros,
        })
    return out


def _shown_texts(texts: Sequence[str], batch, redact_text) -> tuple[list[str], list[frozenset]]:
    """Each passage's text as results show it (masked with its whole note as context) and its masked words."""
    from analyzer.text.redact import redact_passages

    bounds: list[list[tuple[int, int]]] = [[] for _ in texts]
    for note, start, end in zip(batch.note, batch.start, batch.end):
        bounds[note].append((start, end))
    shown: list[str] = []
    hidden: list[frozenset] = []
    for text, spans in zip(texts, bounds):
        s, h = redact_passages(text, spans, redact_text)
        shown += s
        hidden += h
    return shown, hidden


NOTE_FIELDS = ("note_id", "worker", "client", "date", "month", "setting")
PASSAGE_FIELDS = ("passage", "start", "end", "kind", "text", "labels", "breaches", "evidence")


def result_columns(notes: Sequence["Note"], payloads: Sequence[list[dict]]) -> dict[str, "list | np.ndarray"]:
    """The result rows of ``notes`` joined to their passages (``analyze_texts`` payloads), as columns in
    ``COLUMNS`` order: lists, and one float array per score column (a table is built from columns much faster
    than from one dict per row)."""
    import numpy as np

    note_values: list[tuple] = []
    for note, passages in zip(notes, payloads):
        if passages:
            date = note.date.isoformat() if note.date else ""
            month = note.date.strftime("%Y-%m") if note.date else ""
            note_values.append(((note.note_id, note.worker, note.client, date, month, note.setting), len(passages)))
    columns: dict[str, list | np.ndarray] = {}
    for k, name in enumerate(NOTE_FIELDS):
        values: list = []
        for fields, count in note_values:
            values.extend([fields[k]] * count)
        columns[name] = values
    rows = [p for passages in payloads for p in passages]
    fields_of = itemgetter(*PASSAGE_FIELDS)
    for name, values in zip(PASSAGE_FIELDS, zip(*map(fields_of, rows)) if rows else [()] * len(PASSAGE_FIELDS)):
        columns[name] = list(values)
    scores = np.array([p["scores"] for p in rows], dtype=np.float64).reshape(len(rows), len(SCORE_COLUMNS))
    for j, name in enumerate(SCORE_COLUMNS):
        columns[name] = np.ascontiguousarray(scores[:, j])
    return {name: columns[name] for name in COLUMNS}


def _columns_for_chunk(notes: Sequence["Note"], model: "CodeModel", redact_text: bool) -> dict[str, list]:
    return result_columns(notes, analyze_texts([n.text for n in notes], model, redact_text))


def chunked(items: Iterable, size: int) -> Iterator[list]:
    """Consecutive lists of at most ``size`` items from any iterable (streams; holds one chunk)."""
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def iter_analyze(notes: Iterable["Note"], model: "CodeModel", chunk_size: int = 200, redact_text: bool = True,
                 progress: Callable[[int], None] | None = None) -> Iterator["pd.DataFrame"]:
    """Analyse notes chunk by chunk, yielding one passage DataFrame per chunk (bounded memory)."""
    for chunk in chunked(notes, chunk_size):
        yield to_frame(_columns_for_chunk(chunk, model, redact_text))
        if progress:
            progress(len(chunk))


def analyze_notes(notes: Sequence["Note"], model: "CodeModel", redact_text: bool = True,
                  progress: Callable[[int], None] | None = None) -> "pd.DataFrame":
    """Passage-level results for ``notes`` (see module docstring).

    >>> from analyzer.io.notes import Note
    >>> from analyzer.model.persist import load_model
    >>> df = analyze_notes([Note("n1", "Rina", "KPM-A", None, "Saya dengarkan cerita Ibu A sampai selesai.")],
    ...                    load_model())
    >>> list(df[["note_id", "kind"]].itertuples(index=False, name=None))
    [('n1', 'body')]
    """
    import pandas as pd

    frames = list(iter_analyze(notes, model, redact_text=redact_text, progress=progress))
    return pd.concat(frames, ignore_index=True) if frames else to_frame(result_columns([], []))


def to_frame(columns: "dict[str, list] | list[dict]") -> "pd.DataFrame":
    """A passage DataFrame from ``result_columns`` (or from a list of row dicts)."""
    import pandas as pd

    frame = pd.DataFrame(columns, columns=COLUMNS)
    for col in ("passage", "start", "end"):
        frame[col] = frame[col].astype("int64")
    for col in SCORE_COLUMNS:
        frame[col] = frame[col].astype("float64")
    return frame
