"""Practice-pattern views for researchers, computed from the passage-level DataFrame of ``analyze``.

All functions return tidy pandas DataFrames that the notebooks only plot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.codebook import ALL_CODES, OUTCOME_CODES, PRINCIPLE_CODES

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd


def _body(passages: "pd.DataFrame") -> "pd.DataFrame":
    return passages[passages["kind"] == "body"]


def coverage_matrix(passages: "pd.DataFrame") -> "pd.DataFrame":
    """Workers × codes: share of each worker's notes with at least one passage applying the code."""
    import pandas as pd

    body = _body(passages).explode("labels")
    notes = passages.groupby("worker")["note_id"].nunique()
    hits = body.dropna(subset=["labels"]).groupby(["worker", "labels"])["note_id"].nunique().unstack(fill_value=0)
    hits = hits.reindex(index=notes.index, columns=list(ALL_CODES), fill_value=0)
    return hits.div(notes, axis=0).astype(float).rename_axis(index="worker", columns="code").pipe(pd.DataFrame)


def _one_hot(label_lists, codes) -> "np.ndarray":
    """Rows × codes indicator matrix of the label lists (codes outside ``codes`` are ignored)."""
    import numpy as np

    index = {c: i for i, c in enumerate(codes)}
    lists = list(label_lists)
    pairs = [(r, index[c]) for r, labels in enumerate(lists) for c in labels if c in index]
    m = np.zeros((len(lists), len(codes)), dtype=np.int64)
    if pairs:
        rows, cols = zip(*pairs)
        m[list(rows), list(cols)] = 1
    return m


def cooccurrence(passages: "pd.DataFrame", level: str = "passage", codes=PRINCIPLE_CODES) -> "pd.DataFrame":
    """Codes × codes: how many passages (``level="passage"``) or notes (``"note"``) show both codes; the
    diagonal counts each code alone."""
    import pandas as pd

    body = _body(passages)
    codes = list(codes)
    if level == "passage":
        m = _one_hot(body["labels"], codes)
    elif level == "note":
        m = pd.DataFrame(_one_hot(body["labels"], codes)).groupby(body["note_id"].to_numpy()).max().to_numpy()
    else:
        raise ValueError("level must be 'passage' or 'note'")
    return pd.DataFrame(m.T @ m, index=codes, columns=codes)


def engagement_progression(passages: "pd.DataFrame", case_key: str = "worker+client") -> "pd.DataFrame":
    """One row per case and note, in date order: which engagement outcomes are reached so far (cumulative). A
    case is a worker with a client (``case_key="worker+client"``) or the client across workers (``"client"``),
    as in the coverage report."""
    import pandas as pd

    from analyzer.report.coverage import case_of

    body = _body(passages)
    body = body[body["client"] != ""]
    columns = ["case", "client", "date", "note_id", "worker", "outcomes_reached", *OUTCOME_CODES]
    if body.empty:
        return pd.DataFrame(columns=columns)
    hits = pd.DataFrame(_one_hot(body["labels"], OUTCOME_CODES).astype(bool), columns=list(OUTCOME_CODES))
    keys = body[["note_id", "worker", "client", "date"]].reset_index(drop=True)
    notes = pd.concat([keys, hits], axis=1).groupby("note_id", sort=False).agg(
        {"worker": "first", "client": "first", "date": "first", **{c: "max" for c in OUTCOME_CODES}}).reset_index()
    notes["case"] = [case_of(w, c, case_key) for w, c in zip(notes["worker"], notes["client"])]
    notes = notes.sort_values(["case", "date", "note_id"], kind="stable")
    notes[list(OUTCOME_CODES)] = notes.groupby("case")[list(OUTCOME_CODES)].cummax()
    notes["outcomes_reached"] = notes[list(OUTCOME_CODES)].sum(axis=1).astype(int)
    return notes[columns].reset_index(drop=True)


def breaches_over_time(passages: "pd.DataFrame") -> "pd.DataFrame":
    """Months × principles: number of passages breaching each principle."""
    body = _body(passages).explode("breaches").dropna(subset=["breaches"])
    table = body.groupby(["month", "breaches"]).size().unstack(fill_value=0)
    months = sorted(passages["month"].unique())
    return table.reindex(index=months, columns=list(PRINCIPLE_CODES), fill_value=0).rename_axis(
        index="month", columns="principle")


def coverage_by_setting(passages: "pd.DataFrame") -> "pd.DataFrame":
    """Settings × codes: share of the setting's notes with evidence for each code."""
    frame = passages.assign(worker=passages["setting"].replace("", "(none)"))
    return coverage_matrix(frame).rename_axis(index="setting")
