"""The one road from note text to passage results (:func:`analyze_texts`): segment → score → decide →
evidence → redact. Every command, the API, both engines and the local server call it; ``io/results.py``
turns its passages into result rows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NamedTuple, Sequence

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES
from analyzer.io.results import SCORE_COLUMNS, result_columns, to_frame
from analyzer.text.ragged import select_rows

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from analyzer.model.classifier import CodeModel
    from analyzer.io.notes import Note

def model_id(model: "CodeModel") -> str:
    """A short fingerprint of a model (its thresholds, targets and corpus hash, and for a model trained on an
    agency's labels the hash of those) for caches and reports."""
    fields = {k: model.metadata.get(k) for k in ("thresholds", "gate_threshold", "targets", "corpus_sha256")}
    if "local_sha256" in model.metadata:
        fields["local_sha256"] = model.metadata["local_sha256"]
    payload = json.dumps(fields, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def analyze_texts(texts: Sequence[str], model: "CodeModel", redact_text: "bool | str" = True, *,
                  whole: bool = False, evidence: bool = True) -> list[list[dict]]:
    """The one road from text to passage results, used by every command, the API and both engines.

    For each text: its passages (segmented, or the whole text as one body passage with ``whole=True``) →
    scores → decisions → evidence → redaction, once. A passage is a dict: ``passage`` (index), ``start``,
    ``end`` (offsets in the text), ``kind``, ``text`` (masked by ``redact_text``), ``labels``, ``breaches``,
    ``evidence`` (code → terms, masked words left out), ``scores`` (a list in ``SCORE_COLUMNS`` order;
    zeros for header passages, which are not classified) and ``text_sha256``, the key corrections are matched on
    (:func:`passage_key`; None for ``whole`` texts not masked with ``all``, which no correction can refer to).
    Plain data, so it can be cached and shipped between processes.

    >>> from analyzer.model.persist import load_model
    >>> (p,), = analyze_texts(["Saya dengarkan cerita Ibu A sampai selesai."], load_model())
    >>> p["kind"], p["start"], p["end"], "P10" in p["labels"]
    ('body', 0, 43, True)
    """
    import numpy as np

    from analyzer.text.redact import mode_of, redact_passages, redact_terms

    units = _whole_texts(texts) if whole else _segmented(texts)
    body = np.flatnonzero(np.asarray(units.kind) == "body")
    preds = model.predict_rows(*select_rows(units.feature_ptr, units.feature_ids, body), units.words,
                               with_evidence=evidence)
    position = np.full(len(units.note), -1, dtype=np.int64)
    position[body] = np.arange(len(body))
    bounds: list[list[tuple[int, int]]] = [[] for _ in texts]
    for note, start, end in zip(units.note, units.start, units.end):
        bounds[note].append((start, end))
    shown: list[str] = []
    hidden: list[frozenset] = []
    keys: list[str | None] = []
    masked_all = mode_of(redact_text) == "all"
    for text, spans in zip(texts, bounds):
        s, h = redact_passages(text, spans, redact_text)
        shown += s
        hidden += h
        if masked_all:
            keys += [passage_key(t) for t in s]
        elif whole:
            keys += [None] * len(s)
        else:  # the key is always taken on fully masked text, whatever the results show
            keys += [passage_key(t) for t in redact_passages(text, spans, "all")[0]]
    zeros = [0.0] * len(SCORE_COLUMNS)
    out: list[list[dict]] = [[] for _ in texts]
    for note, index, start, end, kind, text, i, hide, key in zip(units.note, units.index, units.start, units.end,
                                                                 units.kind, shown, position.tolist(), hidden, keys):
        scored = i >= 0
        out[note].append({
            "passage": index, "start": start, "end": end, "kind": kind, "text": text,
            "labels": preds.labels[i] if scored else [],
            "breaches": preds.breaches[i] if scored else [],
            "evidence": {k: redact_terms(v, hide, redact_text) for k, v in preds.evidence[i].items()}
            if scored else {},
            "scores": preds.scores[i] if scored else zeros,
            "text_sha256": key,
        })
    return out


def passage_key(masked_text: str) -> str:
    """The key a correction is matched on: SHA-256 (hex) of the passage text masked with ``all`` in the context
    of its note. Masked text, so the key reveals nothing the exported text does not (a hash of the raw text
    could be reversed by trying the names of a list); it changes whenever the passage's words change.

    >>> passage_key("Saya dengarkan [NAMA-1].")[:12]
    'df11f103b5c5'
    """
    return hashlib.sha256(masked_text.encode("utf-8")).hexdigest()


class _Units(NamedTuple):
    """Passages to score as parallel columns (see ``text.segment.PassageBatch``)."""

    note: list[int]
    index: list[int]
    start: list[int]
    end: list[int]
    kind: list[str]
    feature_ptr: "np.ndarray"
    feature_ids: "np.ndarray"
    words: Sequence[str]


def _segmented(texts: Sequence[str]) -> _Units:
    from analyzer.text.segment import segment_batch

    b = segment_batch(texts)
    return _Units(b.note, b.index, b.start, b.end, b.kind, b.feature_ptr, b.feature_ids, b.words)


def _whole_texts(texts: Sequence[str]) -> _Units:
    """Each text as one body passage (``predict`` and evaluation read passages, not notes)."""
    from analyzer.model.scoring import intern_docs
    from analyzer.text.tokenizer import feature_strings

    n = len(texts)
    ptr, ids, words = intern_docs(feature_strings(texts))
    return _Units(list(range(n)), [0] * n, [0] * n, [len(t) for t in texts], ["body"] * n, ptr, ids, words)


@dataclass
class Prediction:
    """The codes of one passage: applied, breached, the score per code and per breach, the evidence."""

    labels: list[str]
    breaches: list[str]
    scores: dict[str, float]
    breach_scores: dict[str, float]
    evidence: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, passage: dict) -> "Prediction":
        """From a passage of :func:`analyze_texts`."""
        n = len(ALL_CODES)
        return cls(list(passage["labels"]), list(passage["breaches"]), dict(zip(ALL_CODES, passage["scores"][:n])),
                   dict(zip(PRINCIPLE_CODES, passage["scores"][n:])), dict(passage["evidence"]))


def predict_passages(model: "CodeModel", texts: Sequence[str], evidence: bool = True,
                     redact_text: "bool | str" = "none") -> list[Prediction]:
    """The codes of passages given whole (not segmented): :func:`analyze_texts` with ``whole=True``."""
    return [Prediction.of(p) for (p,) in analyze_texts(texts, model, redact_text, whole=True, evidence=evidence)]


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
        yield to_frame(result_columns(chunk, analyze_texts([n.text for n in chunk], model, redact_text)))
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
