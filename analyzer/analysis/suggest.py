"""Active learning (``analyzer suggest``): the passages whose labels would teach the model most.

A passage is informative when the model is unsure of it: some code's score lies close to the code's threshold.
Per passage and target (20 codes applied, 16 principles breached) the *closeness* is ``1 - |score - threshold|``
scaled by the room on that side of the threshold (1 at the threshold, 0 at a score of 0 or 1). Passages are then
picked one at a time, greedily, by their closeness weighted so the picks spread out:

- over codes: a target that already has picks weighs less (``1 / (1 + picks of the target / fair share)``), so the
  picks are not all about the one code the model is most confused by;
- over workers and notes: a passage weighs less for every pick already taken from its worker (beyond a fair
  share) and from its note;
- no near-duplicates: once a passage is picked, every passage whose character 3–5-gram TF-IDF cosine similarity
  with it is at least 0.8 is dropped (the corpus check's measure).

Header passages, empty passages and passages already labelled whole (a ``label`` correction) are never picked.
Deterministic: ties are broken by note id and passage number.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Sequence

from analyzer.io.results import SCORE_COLUMNS
from analyzer.model.targets import BREACH_PREFIX, TARGETS

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

NEAR_DUPLICATE = 0.8
SHORTLIST = 40  # candidates kept per requested pick (the most uncertain), to bound the work on large results


@dataclass
class Pick:
    """One suggested passage and why: the target it is most uncertain about, with score and threshold."""

    note_id: str
    passage: int
    worker: str
    target: str  # "P05" or "breach:P05"
    score: float
    threshold: float
    closeness: float
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


def closeness(scores: "np.ndarray", thresholds: "np.ndarray") -> "np.ndarray":
    """How close each score is to its target's threshold: 1 at the threshold, 0 at 0 or 1.

    >>> import numpy as np
    >>> closeness(np.array([[0.5, 0.1, 0.75]]), np.array([0.5, 0.5, 0.5])).round(2).tolist()
    [[1.0, 0.2, 0.5]]
    """
    import numpy as np

    below = scores < thresholds
    room = np.where(below, thresholds, 1.0 - thresholds)
    return np.clip(1.0 - np.abs(scores - thresholds) / np.maximum(room, 1e-9), 0.0, 1.0)


def suggest(df: "pd.DataFrame", thresholds: Sequence[float], n: int = 50,
            exclude: set[tuple[str, int]] | frozenset = frozenset()) -> list[Pick]:
    """Up to ``n`` passages of ``df`` (``io/results.py`` columns: note_id, worker, passage, kind, text and the
    score columns) to label next, in the order picked; ``thresholds`` are the model's 36 target thresholds;
    ``exclude``: (note_id, passage) pairs already labelled."""
    import numpy as np

    thresholds = np.asarray(thresholds, dtype=np.float64)[: len(TARGETS)]
    keep = (df["kind"] == "body").to_numpy() & (df["text"].str.strip().str.len() > 0).to_numpy()
    if exclude:
        keep &= ~np.array([(a, int(b)) in exclude for a, b in zip(df["note_id"], df["passage"])], dtype=bool)
    cand = df[keep].sort_values(["note_id", "passage"], kind="stable").reset_index(drop=True)
    if cand.empty or n <= 0:
        return []
    close = closeness(cand[SCORE_COLUMNS].to_numpy(dtype=np.float64), thresholds)
    best = close.max(axis=1)
    if len(cand) > SHORTLIST * n:
        top = np.sort(np.argsort(-best, kind="stable")[: SHORTLIST * n])
        cand, close, best = cand.iloc[top].reset_index(drop=True), close[top], best[top]
    similar = _similarity(cand["text"].tolist())
    notes = cand["note_id"].to_numpy()
    workers = cand["worker"].to_numpy()
    n_pick = min(n, len(cand))
    fair_target = max(1.0, n_pick / len(TARGETS))
    fair_worker = max(1.0, n_pick / max(1, len(set(workers))))
    target_picks = np.zeros(len(TARGETS))
    note_picks: dict[str, int] = {}
    worker_picks: dict[str, int] = {}
    alive = np.ones(len(cand), dtype=bool)
    picks: list[Pick] = []
    while len(picks) < n_pick and alive.any():
        weighted = close / (1.0 + target_picks / fair_target)
        value = weighted.max(axis=1)
        value /= 1.0 + np.array([note_picks.get(x, 0) for x in notes])
        value /= 1.0 + np.array([max(0.0, worker_picks.get(w, 0) / fair_worker) for w in workers])
        value[~alive] = -1.0
        i = int(np.argmax(value))  # first of equals: lowest note id and passage
        j = int(np.argmax(weighted[i]))
        row = cand.iloc[i]
        picks.append(Pick(str(row["note_id"]), int(row["passage"]), str(row["worker"]), TARGETS[j],
                          round(float(row[SCORE_COLUMNS[j]]), 4), float(thresholds[j]), round(float(close[i, j]), 4),
                          str(row["text"])))
        target_picks[j] += 1
        note_picks[notes[i]] = note_picks.get(notes[i], 0) + 1
        worker_picks[workers[i]] = worker_picks.get(workers[i], 0) + 1
        alive[i] = False
        alive &= similar(i) < NEAR_DUPLICATE
    return picks


def _similarity(texts: list[str]):
    """A function giving the cosine similarity of passage ``i`` with every passage (character 3–5-grams)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=True).fit_transform(texts).tocsr()

    def of(i: int) -> "np.ndarray":
        return (matrix @ matrix[i].T).toarray().ravel()

    return of


def labelled_passages(df: "pd.DataFrame", records: Sequence[dict]) -> set[tuple[str, int]]:
    """(note_id, passage) of the passages of ``df`` labelled whole by a person (an active ``label`` correction
    with the passage's key)."""
    from analyzer.io.corrections import active

    keys = {(r["note_id"], r["text_sha256"]) for r in active(records) if r["action"] == "label"}
    if not keys:
        return set()
    return {(a, int(b)) for a, b, k in zip(df["note_id"], df["passage"], df["text_sha256"]) if (a, k) in keys}


def target_name(target: str) -> str:
    """``P05`` or ``!P05`` for a breach (the label ids of the annotation tools)."""
    return "!" + target[len(BREACH_PREFIX):] if target.startswith(BREACH_PREFIX) else target


def suggest_results(results, model_dir=None, n: int = 50, corrections: Sequence[dict] | None = None) \
        -> tuple[list[Pick], "pd.DataFrame", dict]:
    """``analyzer suggest``: the picks for a results file made with the model in ``model_dir`` (its thresholds
    say where the model is unsure), leaving out passages already labelled whole; with the results (corrections
    applied) and their metadata, for exporting the picks."""
    from analyzer.analysis.corrections import apply_corrections, read_results_file
    from analyzer.analysis.passages import model_id
    from analyzer.errors import InputError
    from analyzer.model.persist import load_model

    df, meta = read_results_file(results)
    model = load_model(model_dir)
    current = model_id(model)
    if meta.get("model_id", "") != current:
        raise InputError("results.other_model", path=str(results), stored=meta.get("model_id") or "-",
                         current=current)
    records = list(corrections or [])
    df, _ = apply_corrections(df, records)
    return suggest(df, model.thresholds, n, labelled_passages(df, records)), df, meta
