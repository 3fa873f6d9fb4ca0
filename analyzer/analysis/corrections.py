"""Applying people's corrections (``io/corrections.py``) to passage results: a corrected code wins over the model.

Pure functions over passage rows. A correction is matched to a body passage of its note by its offsets *and* its
key (``text_sha256``, see ``analysis.passages.passage_key``):

- same offsets, same key: applied;
- same key at other offsets (text was added or removed before it in the note) and no other passage of the note
  with that key: applied there (``moved``);
- otherwise it is **stale** (``text_changed``: a passage still begins at its start or has its number, but reads
  differently; ``passage_gone``: neither) and listed, never applied;
- a correction about a note that is not in the results is counted as ``absent``.

In file order, per passage: ``label`` sets the passage's codes (all confirmed), ``confirm``/``add`` put a code in
(confirmed; a principle applied and breached at once is not possible, so the other one goes), ``reject`` takes it
out. Results always keep the model's own decisions (``model_labels``/``model_breaches``), so applying again, with
more corrections or after an undo, starts from the model.

>>> from analyzer.io.corrections import new_correction
>>> key = "b" * 64
>>> c = new_correction("reject", "N1", 1, 0, 20, key, code="P10", by="sari")
>>> corrector = Corrector([c])
>>> corrector.apply_note("N1", [(1, 0, 20, "body", key, ["P10", "P11"], [])])
[(['P11'], [], [])]
>>> summary = corrector.summary()
>>> summary.applied, summary.stale
(1, [])
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Iterable, Sequence

from analyzer.io.corrections import active

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

BREACH = "!"  # a confirmed breach in ``confirmed``: ``!P05`` (the annotation tools' label id too)

Row = tuple  # (passage, start, end, kind, text_sha256, model_labels, model_breaches)


@dataclass
class CorrectionSummary:
    """What applying a corrections file did: how many corrections were applied (``moved`` of them at new
    offsets), the stale ones (listed), how many are about notes not in the results, and how many were undone."""

    file: str | None = None
    total: int = 0
    applied: int = 0
    moved: int = 0
    stale: list[dict] = field(default_factory=list)
    absent: int = 0
    undone: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


class Corrector:
    """Applies the active corrections of a file note by note (notes can come in any chunks, each note whole)."""

    def __init__(self, records: Sequence[dict], file: str | None = None) -> None:
        self.records = list(records)
        self.file = file
        self.by_note: dict[str, list[dict]] = {}
        for record in active(self.records):
            self.by_note.setdefault(record["note_id"], []).append(record)
        self.applied: dict[str, bool] = {}  # id -> moved
        self.stale: list[dict] = []
        self.seen: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self.by_note)

    def apply_note(self, note_id: str, rows: Sequence[Row]) -> list[tuple[list[str], list[str], list[str]]]:
        """(labels, breaches, confirmed) of each row of one note, after its corrections."""
        out = [(list(r[5]), list(r[6]), []) for r in rows]
        corrections = self.by_note.get(note_id)
        if not corrections:
            return out
        self.seen.add(note_id)
        body = [i for i, r in enumerate(rows) if r[3] == "body"]
        at = {(rows[i][1], rows[i][2]): i for i in body}
        starts = {rows[i][1] for i in body} | {("#", rows[i][0]) for i in body}
        by_key: dict[str, list[int]] = {}
        for i in body:
            by_key.setdefault(rows[i][4], []).append(i)
        matched: dict[int, list[dict]] = {}
        for c in corrections:
            i = at.get((c["start"], c["end"]))
            if i is not None and rows[i][4] == c["text_sha256"]:
                self.applied[c["id"]] = False
            elif len(by_key.get(c["text_sha256"], [])) == 1:
                i = by_key[c["text_sha256"]][0]
                self.applied[c["id"]] = True
            else:  # a passage still begins there, or still has that number: its text changed
                changed = c["start"] in starts or ("#", c["passage"]) in starts
                self.stale.append(_stale(c, "text_changed" if changed else "passage_gone"))
                continue
            matched.setdefault(i, []).append(c)
        for i, found in matched.items():
            out[i] = _apply(rows[i][5], rows[i][6], found)
        return out

    def summary(self) -> CorrectionSummary:
        live = active(self.records)
        absent = sum(1 for c in live if c["note_id"] not in self.seen)
        return CorrectionSummary(self.file, len(live), len(self.applied), sum(self.applied.values()),
                                 sorted(self.stale, key=lambda s: (s["note_id"], s["passage"], s["id"])), absent,
                                 sum(1 for r in self.records if r["action"] == "undo"))


def _stale(c: dict, reason: str) -> dict:
    return {"id": c["id"], "note_id": c["note_id"], "passage": c["passage"], "start": c["start"], "end": c["end"],
            "action": c["action"], "codes": correction_codes(c), "by": c.get("by"), "at": c["at"], "reason": reason}


def correction_codes(c: dict) -> list[str]:
    """The label ids a correction is about (``P05``, ``!P05``)."""
    if c["action"] == "label":
        return [*c["labels"], *(BREACH + b for b in c["breaches"])]
    return [BREACH + c["code"] if c["breach"] else c["code"]]


def _apply(model_labels: Iterable[str], model_breaches: Iterable[str], corrections: Sequence[dict]):
    labels, breaches, confirmed = set(model_labels), set(model_breaches), set()
    for c in corrections:  # file order: a later decision supersedes an earlier one
        if c["action"] == "label":
            labels, breaches = set(c["labels"]), set(c["breaches"])
            confirmed = {*labels, *(BREACH + b for b in breaches)}
            continue
        code = c["code"]
        mine, other = (breaches, labels) if c["breach"] else (labels, breaches)
        mark, other_mark = (BREACH + code, code) if c["breach"] else (code, BREACH + code)
        if c["action"] == "reject":
            mine.discard(code)
            confirmed.discard(mark)
        else:  # confirm, add
            mine.add(code)
            confirmed.add(mark)
            other.discard(code)
            confirmed.discard(other_mark)
    return sorted(labels), sorted(breaches), sorted(confirmed, key=lambda m: (m.startswith(BREACH), m))


def apply_corrections(df: "pd.DataFrame", records: Sequence[dict], file: str | None = None) \
        -> tuple["pd.DataFrame", CorrectionSummary]:
    """A copy of a passage DataFrame (``io/results.py`` columns) with ``labels``, ``breaches`` and ``confirmed``
    recomputed from the model's decisions and ``records``; and what was applied and what is stale."""
    corrector = Corrector(records, file)
    out = df.copy()
    out["labels"] = [list(v) for v in df["model_labels"]]
    out["breaches"] = [list(v) for v in df["model_breaches"]]
    out["confirmed"] = [[] for _ in range(len(df))]
    if corrector and len(df):
        import numpy as np

        wanted = df["note_id"].isin(list(corrector.by_note)).to_numpy()
        positions = np.flatnonzero(wanted)
        note_ids = df["note_id"].to_numpy()
        groups: dict[str, list[int]] = {}
        for pos in positions.tolist():
            groups.setdefault(note_ids[pos], []).append(pos)
        cols = [df[c].to_numpy() for c in ("passage", "start", "end", "kind", "text_sha256", "model_labels",
                                           "model_breaches")]
        labels, breaches, confirmed = out["labels"].to_list(), out["breaches"].to_list(), out["confirmed"].to_list()
        for note_id, idx in groups.items():
            rows = [tuple(col[i] for col in cols) for i in idx]
            for i, (lab, bre, con) in zip(idx, corrector.apply_note(note_id, rows)):
                labels[i], breaches[i], confirmed[i] = lab, bre, con
        out["labels"], out["breaches"], out["confirmed"] = labels, breaches, confirmed
    return out, corrector.summary()


def apply_to_columns(columns: dict, corrector: Corrector) -> None:
    """Apply corrections in place to result columns (``io.results.result_columns``) of whole notes: the
    streaming engine calls this on every chunk before writing it."""
    if not corrector:
        return
    groups: dict[str, list[int]] = {}
    for i, note_id in enumerate(columns["note_id"]):
        if note_id in corrector.by_note:
            groups.setdefault(note_id, []).append(i)
    names = ("passage", "start", "end", "kind", "text_sha256", "model_labels", "model_breaches")
    for note_id, idx in groups.items():
        rows = [tuple(columns[n][i] for n in names) for i in idx]
        for i, (lab, bre, con) in zip(idx, corrector.apply_note(note_id, rows)):
            columns["labels"][i], columns["breaches"][i], columns["confirmed"][i] = lab, bre, con


# --- making and listing corrections (``analyzer correct``) -----------------------------------------------------------

def make_correction(df: "pd.DataFrame", records: Sequence[dict], note_id: str, passage: int, action: str,
                    code: str, breach: bool = False, by: str | None = None) -> dict:
    """A new correction of ``code`` on passage ``passage`` of note ``note_id`` in the results ``df``, checked
    against the passage as the results and the earlier ``records`` leave it (a code can be confirmed only where it
    is given)."""
    from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES
    from analyzer.io.corrections import CorrectionsError, new_correction

    rows = df[df["note_id"] == note_id]
    if rows.empty:
        raise CorrectionsError("corrections.note_not_in_results", note_id=note_id, n=df["note_id"].nunique())
    found = rows[rows["passage"] == passage]
    if found.empty:
        raise CorrectionsError("corrections.passage_not_in_note", note_id=note_id, passage=passage,
                               first=int(rows["passage"].min()), last=int(rows["passage"].max()))
    row = found.iloc[0]
    if row["kind"] != "body":
        raise CorrectionsError("corrections.header_passage", note_id=note_id, passage=passage)
    if not isinstance(row["text_sha256"], str):
        raise CorrectionsError("corrections.no_key")
    code = code.strip().upper()
    if code not in ALL_CODES:
        raise CorrectionsError("corrections.unknown_code_given", code=code)
    if breach and code not in PRINCIPLE_CODES:
        raise CorrectionsError("corrections.outcome_breach_given", code=code)
    current, _ = apply_corrections(rows, records)
    now = current[current["passage"] == passage].iloc[0]
    if action == "confirm" and code not in (now["breaches"] if breach else now["labels"]):
        raise CorrectionsError("corrections.confirm_absent", code=("!" if breach else "") + code, note_id=note_id,
                               passage=passage, codes=" ".join([*now["labels"], *("!" + b for b in now["breaches"])])
                               or "-")
    return new_correction(action, note_id, int(passage), int(row["start"]), int(row["end"]), row["text_sha256"],
                          code=code, breach=breach, by=by)


def correction_status(df: "pd.DataFrame", records: Sequence[dict]) -> list[dict]:
    """Every correction line with its status in these results: ``applied``, ``moved``, ``stale:<reason>``,
    ``absent`` (note not in the results), ``undone``, or ``undo`` for an undo line."""
    from analyzer.io.corrections import undone_ids

    corrector = Corrector(records)
    cols = ["passage", "start", "end", "kind", "text_sha256", "model_labels", "model_breaches"]
    for note_id, rows in df[df["note_id"].isin(list(corrector.by_note))].groupby("note_id", sort=False):
        corrector.apply_note(note_id, list(rows[cols].itertuples(index=False, name=None)))
    stale = {s["id"]: s["reason"] for s in corrector.stale}
    notes = set(df["note_id"])
    undone = undone_ids(records)
    out = []
    for r in records:
        if r["action"] == "undo":
            status = "undo"
        elif r["id"] in undone:
            status = "undone"
        elif r["id"] in stale:
            status = "stale:" + stale[r["id"]]
        elif r["note_id"] not in notes:
            status = "absent"
        else:
            status = "moved" if corrector.applied.get(r["id"]) else "applied"
        out.append({**r, "status": status, "codes": correction_codes(r) if r["action"] != "undo" else []})
    return out


def read_results_file(path) -> tuple["pd.DataFrame", dict]:
    """(passages, metadata) of a results file of ``analyzer analyze``; a missing path or another file is an
    error naming it."""
    from pathlib import Path

    from analyzer.errors import InputError
    from analyzer.io.results import read_results

    if not Path(path).exists():
        raise InputError("input.not_found", path=str(path))
    df, _, meta = read_results(path)
    return df, meta


def correct(results, corrections_path, note_id: str, passage: str | int, action: str, code: str,
            breach: bool = False, by: str | None = None) -> dict:
    """``analyzer correct``: check a correction against the results and add it to the corrections file (created
    when missing); returns it."""
    from analyzer.io.corrections import CorrectionsError, append, read_corrections
    from analyzer.io.outputs import check_output

    df, _ = read_results_file(results)
    check_output(corrections_path, [results])
    text = str(passage).strip()
    if not (text.isascii() and text.isdigit()):
        raise CorrectionsError("corrections.bad_passage", passage=passage)
    record = make_correction(df, read_corrections(corrections_path), note_id, int(text), action, code, breach, by)
    append(corrections_path, [record])
    return record
