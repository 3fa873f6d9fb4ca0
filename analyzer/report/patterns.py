"""Practice-pattern views for researchers, computed from the passage-level DataFrame of ``analyze``.

All functions return tidy pandas DataFrames that the notebooks only plot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.codebook import ALL_CODES, OUTCOME_CODES, PRINCIPLE_CODES

if TYPE_CHECKING:  # pragma: no cover
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


def cooccurrence(passages: "pd.DataFrame", level: str = "passage", codes=PRINCIPLE_CODES) -> "pd.DataFrame":
    """Codes × codes: how many passages (``level="passage"``) or notes (``"note"``) show both codes; the
    diagonal counts each code alone."""
    import numpy as np
    import pandas as pd

    body = _body(passages)
    if level == "note":
        sets = body.groupby("note_id")["labels"].agg(lambda ls: set().union(*map(set, ls)))
    elif level == "passage":
        sets = body["labels"].map(set)
    else:
        raise ValueError("level must be 'passage' or 'note'")
    codes = list(codes)
    index = {c: i for i, c in enumerate(codes)}
    m = np.zeros((len(codes), len(codes)), dtype=int)
    for s in sets:
        present = [index[c] for c in s if c in index]
        for i in present:
            for j in present:
                m[i, j] += 1
    return pd.DataFrame(m, index=codes, columns=codes)


def engagement_progression(passages: "pd.DataFrame") -> "pd.DataFrame":
    """One row per client and note date: which engagement outcomes are reached so far (cumulative)."""
    import pandas as pd

    body = _body(passages)
    rows = []
    for client, group in body[body["client"] != ""].groupby("client"):
        reached: set[str] = set()
        for (date, note_id), note in group.sort_values(["date", "note_id"]).groupby(["date", "note_id"], sort=False):
            reached |= {c for labels in note["labels"] for c in labels if c in OUTCOME_CODES}
            rows.append({"client": client, "date": date, "note_id": note_id, "worker": note["worker"].iloc[0],
                         "outcomes_reached": len(reached),
                         **{c: c in reached for c in OUTCOME_CODES}})
    return pd.DataFrame(rows, columns=["client", "date", "note_id", "worker", "outcomes_reached", *OUTCOME_CODES])


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
