"""Coverage reports: aggregate passage-level results per worker, case and month.

``build_report`` turns the passage DataFrame of ``analysis.analyze_notes`` into plain data (the JSON contract of
``analyzer report --format json``). Every count is computed with pandas group-bys on the exploded code lists
(no Python loop per passage or per worker × month), so a million passages aggregate in seconds. Workers are
listed alphabetically: a report supports supervision and is not a ranking.

A **case** is one worker's work with one client (``case_key="worker+client"``, the default; initials such as
"Ibu S" are not unique across workers) or, where client identifiers are unique register numbers, the client
alone (``case_key="client"``). A case's engagement is **complete** when each of the four outcomes E1–E4 is
evidenced in at least one of its notes. An outcome is **out of order** when an earlier outcome (E1 before E2 …)
is first evidenced in a later note than it; the flag asks for a look, it does not make a case incomplete.

>>> sorted(CASE_KEYS)
['client', 'worker+client']
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Iterable, Sequence

from analyzer.codebook import ALL_CODES, OUTCOME_CODES, PRINCIPLE_CODES
from analyzer.messages import text as msg

if TYPE_CHECKING:  # pragma: no cover
    from analyzer.codebook import Codebook
    import pandas as pd

    from analyzer.io.notes import Skipped

REPORT_FORMAT = 2
EXCERPT_CHARS = 320
CASE_KEYS = ("worker+client", "client")
_NO_DATE = "9999-99-99"


def filter_passages(df: "pd.DataFrame", worker: str | None = None, date_from: dt.date | None = None,
                    date_to: dt.date | None = None) -> "pd.DataFrame":
    """Rows of one worker and/or a date range (inclusive); notes without a date drop out of a date filter."""
    out = df
    if worker:
        out = out[out["worker"] == worker]
    if date_from or date_to:
        dates = out["date"].astype(str)
        keep = dates != ""
        if date_from:
            keep &= dates >= date_from.isoformat()
        if date_to:
            keep &= dates <= date_to.isoformat()
        out = out[keep]
    return out


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` on one line, cut at ``limit`` characters with an ellipsis.

    >>> excerpt("Saya  dengarkan\\nsampai selesai.", 12)
    'Saya dengar…'
    """
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def case_of(worker: str, client: str, case_key: str = "worker+client") -> str:
    """The case label of a note (empty when the note names no client).

    >>> case_of("Rina", "Ibu S"), case_of("Rina", "Ibu S", "client"), case_of("Rina", "")
    ('Rina · Ibu S', 'Ibu S', '')
    """
    if not client:
        return ""
    return client if case_key == "client" else f"{worker} · {client}"


# preparation --------------------------------------------------------------------------------------------------


class _Frames:
    """The passage table prepared once for every view. Note fields (worker, client, case, date, month) live in
    ``notes`` (one row per note, its position the note's number); passages and the exploded code rows carry the
    note number and categorical keys, so group-bys run on integer codes."""

    def __init__(self, df: "pd.DataFrame", case_key: str) -> None:
        import numpy as np
        import pandas as pd

        if case_key not in CASE_KEYS:
            raise ValueError(f"case_key must be one of {CASE_KEYS}")
        df = df.reset_index(drop=True)
        note_of, _ = pd.factorize(df["note_id"].fillna("").astype(str))
        _, first = np.unique(note_of, return_index=True)
        notes = df.iloc[first][["note_id", "worker", "client", "date", "month"]].reset_index(drop=True)
        for col in notes.columns:
            notes[col] = notes[col].fillna("").astype(str)
        case = notes["client"] if case_key == "client" else notes["worker"] + " · " + notes["client"]
        notes["case"] = case.where(notes["client"] != "", "")
        notes["_d"] = notes["date"].replace("", _NO_DATE)
        rank = np.empty(len(notes), dtype=np.int64)  # report order of notes: worker, date, note id
        rank[notes.sort_values(["worker", "_d", "note_id"], kind="stable").index.to_numpy()] = np.arange(len(notes))
        self.df, self.notes, self.note_of, self.note_rank = df, notes, note_of, rank
        self.cats = {k: pd.factorize(notes[k], sort=True) for k in ("worker", "month", "case")}

        body_rows = np.flatnonzero(df["kind"].to_numpy() == "body")
        self.body = self._keyed(body_rows)
        labels, breaches = df["labels"].to_numpy()[body_rows], df["breaches"].to_numpy()[body_rows]
        self.labels_n = np.fromiter(map(len, labels), dtype=np.int64, count=len(labels))
        self.breaches_n = np.fromiter(map(len, breaches), dtype=np.int64, count=len(breaches))
        self.body["breach"] = self.breaches_n > 0
        self.applied = self._exploded(body_rows, labels, self.labels_n)
        self.breached = self._exploded(body_rows, breaches, self.breaches_n)

    def _keyed(self, rows) -> "pd.DataFrame":
        """A frame of ``rows`` (positions in ``df``) with their note number and categorical note keys."""
        import pandas as pd

        note = self.note_of[rows]
        frame = pd.DataFrame({"row": rows, "note": note})
        for key, (codes, uniques) in self.cats.items():
            frame[key] = pd.Categorical.from_codes(codes[note], categories=uniques)
        return frame

    def _exploded(self, body_rows, lists, lengths) -> "pd.DataFrame":
        """One row per (passage, code) of ``lists``, with the passage's keys."""
        import numpy as np
        import pandas as pd

        frame = self._keyed(np.repeat(body_rows, lengths))
        frame["code"] = pd.Categorical([c for codes in lists for c in codes], categories=list(ALL_CODES))
        return frame

    def note_column(self, column: str) -> list:
        return self.notes[column].tolist()


def _counts(applied: "pd.DataFrame", breached: "pd.DataFrame", key: str, keys: Sequence[str]) -> "pd.DataFrame":
    """(key, code) × applied / applied_notes / breached / breached_notes, for every key and code."""
    import pandas as pd

    def tally(rows: "pd.DataFrame", prefix: str) -> "pd.DataFrame":
        passages = rows.groupby([key, "code"], observed=True).size().rename(prefix)
        notes = rows.drop_duplicates([key, "note", "code"]).groupby([key, "code"], observed=True).size()
        return pd.concat([passages, notes.rename(prefix + "_notes")], axis=1)

    table = pd.concat([tally(applied, "applied"), tally(breached, "breached")], axis=1)
    if len(table):
        table.index = pd.MultiIndex.from_arrays([table.index.get_level_values(0).astype(str),
                                                 table.index.get_level_values(1).astype(str)])
    full = pd.MultiIndex.from_product([list(keys), list(ALL_CODES)])
    table = table.reindex(full)
    for col in ("applied", "applied_notes", "breached", "breached_notes"):
        if col not in table:
            table[col] = 0
    return table.fillna(0).astype(int)


def _code_dicts(counts: "pd.DataFrame", notes: "pd.Series", with_share: bool = True) -> dict[str, dict]:
    """{key: {code: {applied, breached, notes, breached_notes, note_share}}} from the counts table."""
    out: dict[str, dict] = {}
    arrays = {c: counts[c].to_numpy().tolist() for c in counts.columns}
    index = counts.index.tolist()
    note_count = notes.to_dict()
    for i, (key, code) in enumerate(index):
        n = note_count.get(key, 0)
        row = {"applied": arrays["applied"][i], "notes": arrays["applied_notes"][i],
               "breached": arrays["breached"][i] if code in PRINCIPLE_CODES else 0,
               "breached_notes": arrays["breached_notes"][i] if code in PRINCIPLE_CODES else 0}
        if with_share:
            row["note_share"] = round(row["notes"] / n, 4) if n else 0.0
        out.setdefault(key, {})[code] = row
    return out


def _scores(f: _Frames, rows: "pd.DataFrame", breach: bool) -> dict[int, dict[str, float]]:
    """row → {code: the model's score} for the exploded ``rows`` (``score_CODE`` or ``breach_score_CODE``;
    breach codes keyed ``breach:CODE``)."""
    import numpy as np

    prefix, key = ("breach_score_", "breach:") if breach else ("score_", "")
    out: dict[int, dict[str, float]] = {}
    positions = rows["row"].to_numpy()
    codes = rows["code"].cat.codes.to_numpy()
    values = np.zeros(len(rows))
    for i, code in enumerate(ALL_CODES):
        mask = codes == i
        if mask.any() and prefix + code in f.df.columns:
            values[mask] = f.df[prefix + code].to_numpy(dtype=float)[positions[mask]]
    names = [key + c for c in ALL_CODES]
    for row, code, value in zip(positions.tolist(), codes.tolist(), np.round(values, 3).tolist()):
        out.setdefault(row, {})[names[code]] = value
    return out


# drill-down ---------------------------------------------------------------------------------------------------


def _passages(f: _Frames) -> tuple[list[dict], "np.ndarray"]:
    """Every body passage with a code or a breach, ordered by worker, date, note and position, with its
    reference (``ref``, an HTML anchor), excerpt, evidence and the model's score of each of its codes. Also
    returns each ``df`` row's reference number (0: not listed)."""
    import numpy as np

    coded = f.body[(f.labels_n > 0) | (f.breaches_n > 0)]
    rows = coded["row"].to_numpy()
    passage_no = f.df["passage"].to_numpy()[rows]
    order = np.lexsort((passage_no, f.note_rank[coded["note"].to_numpy()]))
    rows = rows[order]
    refnum = np.zeros(len(f.df), dtype=np.int64)
    refnum[rows] = np.arange(1, len(rows) + 1)
    scores = _scores(f, f.applied, False)
    for row, s in _scores(f, f.breached, True).items():
        scores.setdefault(row, {}).update(s)
    note_fields = {c: f.note_column(c) for c in ("note_id", "worker", "client", "case", "date")}
    notes = f.note_of[rows].tolist()
    columns = {c: f.df[c].take(rows).tolist() for c in ("passage", "start", "end", "labels", "breaches", "evidence",
                                                          "text")}
    loads = json.loads
    out = []
    for i, (row, note) in enumerate(zip(rows.tolist(), notes)):
        evidence = columns["evidence"][i]
        out.append({
            "ref": f"p{i + 1}", "note_id": note_fields["note_id"][note], "worker": note_fields["worker"][note],
            "client": note_fields["client"][note], "case": note_fields["case"][note],
            "date": note_fields["date"][note], "passage": int(columns["passage"][i]),
            "start": int(columns["start"][i]), "end": int(columns["end"][i]),
            "labels": list(columns["labels"][i]), "breaches": list(columns["breaches"][i]),
            "scores": scores.get(row, {}), "evidence": loads(evidence) if evidence else {},
            "excerpt": excerpt(columns["text"][i]),
        })
    return out, refnum


def _breach_lists(passages: list[dict]) -> dict[str, list[dict]]:
    """Per worker: the breach passages (the contract's ``breaches``), with their reference."""
    out: dict[str, list[dict]] = {}
    for p in passages:
        if p["breaches"]:
            out.setdefault(p["worker"], []).append({
                "note_id": p["note_id"], "date": p["date"], "client": p["client"], "case": p["case"],
                "passage": p["passage"], "start": p["start"], "end": p["end"], "codes": p["breaches"],
                "excerpt": p["excerpt"], "ref": p["ref"],
                "scores": {c: p["scores"]["breach:" + c] for c in p["breaches"]},
                "evidence": {k: v for k, v in p["evidence"].items() if k.startswith("breach:")},
            })
    for rows in out.values():
        rows.sort(key=lambda b: (b["date"] or _NO_DATE, b["note_id"], b["passage"]))
    return out


def _refs_by(rows: "pd.DataFrame", refnum, key: str) -> dict[tuple[str, str], list[str]]:
    """(key, code) → the references of the passages behind a count, in report order."""
    import numpy as np

    keys = rows[key].cat.codes.to_numpy()
    codes = rows["code"].cat.codes.to_numpy()
    nums = refnum[rows["row"].to_numpy()]
    order = np.lexsort((nums, codes, keys))
    names = rows[key].cat.categories.tolist()
    out: dict[tuple[str, str], list[str]] = {}
    for k, c, n in zip(keys[order].tolist(), codes[order].tolist(), nums[order].tolist()):
        out.setdefault((names[k], ALL_CODES[c]), []).append(f"p{n}")
    return out


# views --------------------------------------------------------------------------------------------------------


def _size(frame: "pd.DataFrame", *keys: str) -> dict:
    """Rows per key (or key tuple) of a frame with categorical keys, as a plain dict."""
    return frame.groupby(list(keys), observed=True).size().to_dict() if len(frame) else {}


def _workers(f: _Frames, breaches: dict[str, list[dict]], refnum) -> list[dict]:
    notes = f.notes.groupby("worker")["note_id"].size()
    clients = f.notes[f.notes["client"] != ""].groupby("worker")["client"].nunique()
    passages = _size(f.body, "worker")
    breach_passages = _size(f.body[f.body["breach"]], "worker")
    dated = f.notes[f.notes["date"] != ""].groupby("worker")["date"]
    first_date, last_date = dated.min().to_dict(), dated.max().to_dict()
    notes_n, clients = notes.to_dict(), clients.to_dict()
    codes = _code_dicts(_counts(f.applied, f.breached, "worker", sorted(notes.index)), notes)
    applied_refs = _refs_by(f.applied, refnum, "worker")
    breached_refs = _refs_by(f.breached, refnum, "worker")
    out = []
    for worker in sorted(notes.index):
        table = codes[worker]
        for code, row in table.items():
            row["refs"] = applied_refs.get((worker, code), [])
            row["breach_refs"] = breached_refs.get((worker, code), [])
        principles_seen = [c for c in PRINCIPLE_CODES if table[c]["applied"]]
        outcomes_seen = [c for c in OUTCOME_CODES if table[c]["applied"]]
        out.append({
            "worker": worker,
            "notes": int(notes_n[worker]),
            "clients": int(clients.get(worker, 0)),
            "passages": int(passages.get(worker, 0)),
            "principle_coverage": round(len(principles_seen) / len(PRINCIPLE_CODES), 4),
            "principles_evidenced": len(principles_seen),
            "outcome_coverage": round(len(outcomes_seen) / len(OUTCOME_CODES), 4),
            "codes": table,
            "gaps": [c for c in PRINCIPLE_CODES if not table[c]["applied"]],
            "breach_passages": int(breach_passages.get(worker, 0)),
            "breaches": breaches.get(worker, []),
            "first_date": first_date.get(worker, ""),
            "last_date": last_date.get(worker, ""),
        })
    return out


def _codes_per_note(rows: "pd.DataFrame") -> dict[int, list[str]]:
    """note number → its distinct codes in codebook order (one pass over the sorted, de-duplicated pairs)."""
    import numpy as np

    pairs = np.unique(rows["note"].to_numpy() * 32 + rows["code"].cat.codes.to_numpy())
    out: dict[int, list[str]] = {}
    for pair in pairs.tolist():
        out.setdefault(pair // 32, []).append(ALL_CODES[pair % 32])
    return out


def _cases(f: _Frames) -> list[dict]:
    """Per case: outcomes in order with the date and note each was first reached, out-of-order flags,
    completeness and the timeline of its notes with the codes each shows."""
    notes = f.notes[f.notes["case"] != ""].sort_values(["case", "_d", "note_id"], kind="stable")
    note_codes = _codes_per_note(f.applied)
    note_breaches = _codes_per_note(f.breached)
    breach_count = _size(f.body[f.body["breach"]], "case")
    timelines: dict[str, list[dict]] = {}
    for number, case, note_id, date, worker, client in zip(notes.index.tolist(), *(notes[c].tolist() for c in (
            "case", "note_id", "date", "worker", "client"))):
        timelines.setdefault(case, []).append({"note_id": note_id, "date": date, "worker": worker, "client": client,
                                               "codes": note_codes.get(number, []),
                                               "breaches": note_breaches.get(number, [])})
    out = []
    for case, timeline in timelines.items():
        first: dict[str, tuple[int, str, str]] = {}  # outcome → (position in the timeline, note id, date)
        for i, entry in enumerate(timeline):
            for code in entry["codes"]:
                if code in OUTCOME_CODES and code not in first:
                    first[code] = (i, entry["note_id"], entry["date"])
        reached = [c for c in OUTCOME_CODES if c in first]
        out_of_order = []
        for k, code in enumerate(reached):
            later = [e for e in reached[:k] if first[e][0] > first[code][0]]
            if later:
                out_of_order.append({"code": code, "before": later})
        dated = [e["date"] for e in timeline if e["date"]]
        client = timeline[0]["client"]
        for e in timeline:
            del e["client"]
        out.append({
            "case": case,
            "client": client,
            "workers": sorted({e["worker"] for e in timeline}),
            "notes": len(timeline),
            "first_date": min(dated, default=""),
            "last_date": max(dated, default=""),
            "outcomes": {c: (first[c][2] or None) if c in first else None for c in OUTCOME_CODES},
            "outcome_notes": {c: first[c][1] if c in first else None for c in OUTCOME_CODES},
            "outcomes_reached": reached,
            "outcome_order": sorted(reached, key=lambda c: (first[c][0], OUTCOME_CODES.index(c))),
            "out_of_order": out_of_order,
            "outcomes_missing": [c for c in OUTCOME_CODES if c not in first],
            "engagement_complete": len(reached) == len(OUTCOME_CODES),
            "furthest_outcome": reached[-1] if reached else None,
            "breach_passages": int(breach_count.get(case, 0)),
            "timeline": timeline,
        })
    return out


def _months(f: _Frames) -> list[dict]:
    notes = f.notes.groupby("month")["note_id"].size()
    workers = f.notes.groupby("month")["worker"].nunique()
    passages = _size(f.body, "month")
    breaching = f.body[f.body["breach"]]
    breach_passages = _size(breaching, "month")
    codes = _code_dicts(_counts(f.applied, f.breached, "month", sorted(notes.index)), notes)
    principle_rows = f.applied[f.applied["code"].cat.codes.to_numpy() < len(PRINCIPLE_CODES)]
    coverage = _size(principle_rows.drop_duplicates(["month", "code"]), "month")
    mw_notes = f.notes.groupby(["month", "worker"]).size()
    mw_cover = _size(principle_rows.drop_duplicates(["month", "worker", "code"]), "month", "worker")
    mw_breach = _size(breaching, "month", "worker")
    breached_notes = _size(f.breached.drop_duplicates("note"), "month")
    by_worker: dict[str, dict] = {}
    for (month, worker), n in mw_notes.items():
        by_worker.setdefault(month, {})[worker] = {
            "notes": int(n),
            "principle_coverage": round(int(mw_cover.get((month, worker), 0)) / len(PRINCIPLE_CODES), 4),
            "breach_passages": int(mw_breach.get((month, worker), 0)),
        }
    out = []
    for month in sorted(notes.index):
        for c in codes[month].values():
            del c["breached_notes"]
        out.append({
            "month": month,
            "notes": int(notes[month]),
            "workers": int(workers[month]),
            "passages": int(passages.get(month, 0)),
            "principle_coverage": round(int(coverage.get(month, 0)) / len(PRINCIPLE_CODES), 4),
            "breach_passages": int(breach_passages.get(month, 0)),
            "breached_notes": int(breached_notes.get(month, 0)),
            "codes": codes[month],
            "by_worker": dict(sorted(by_worker.get(month, {}).items())),
        })
    return out


def _code_totals(f: _Frames) -> dict[str, dict]:
    """Per code over the whole report: the counts of ``_counts`` and the number of workers with evidence."""
    import pandas as pd

    counts = _counts(f.applied.assign(all=""), f.breached.assign(all=""), "all", [""])
    totals = _code_dicts(counts, pd.Series({"": len(f.notes)}))[""]
    workers_with = _size(f.applied.drop_duplicates(["worker", "code"]), "code")
    for code, row in totals.items():
        row["workers"] = int(workers_with.get(code, 0))
    return totals


def model_info(model_meta: dict, model_id: str = "") -> dict:
    """What a report says about the model: version, per-code transfer F1 (``model.reliability_metrics``) and
    weak codes."""
    from analyzer.model.metadata import reliability_metrics

    test = reliability_metrics(model_meta)
    return {
        "model_id": model_id,
        "analyzer_version": model_meta.get("analyzer_version", ""),
        "corpus_sha256": model_meta.get("corpus_sha256", ""),
        "code_f1": {c: round(s["f1"], 3) for c, s in test.get("applied", {}).items()},
        "breach_f1": {c: round(s["f1"], 3) for c, s in test.get("breach", {}).items() if s.get("support")},
        "weak_codes": list(model_meta.get("weak_codes", [])),
        "test_macro_f1": round(test.get("macro_f1", 0.0), 3),
    }


def _skipped_rows(skipped, lang: str) -> list[dict]:
    rows = []
    for s in skipped:
        s = s if isinstance(s, dict) else {"note_id": s.note_id, "source": s.source, "reason_code": s.reason,
                                           "detail": s.detail}
        rows.append({
            "note_id": s["note_id"], "source": s.get("source", ""), "reason_code": s["reason_code"],
            "reason": msg(s["reason_code"], lang) + (f" ({s['detail']})" if s.get("detail") else ""),
        })
    return rows


def build_report(df: "pd.DataFrame", skipped: Sequence["Skipped"] | Iterable[dict], model: dict,
                 lang: str = "id", by: str = "worker", filters: dict | None = None,
                 codebook: "Codebook | None" = None, case_key: str = "worker+client") -> dict:
    """The full report as plain data (the documented JSON contract); code names and prompts from ``codebook``
    (default: the shipped one)."""
    from analyzer.bulk import REPORT_COLLECT_AFTER, fewer_collections
    from analyzer.codebook import load_codebook

    cb = codebook or load_codebook()
    with fewer_collections(REPORT_COLLECT_AFTER):
        return _build(df, skipped, model, lang, by, filters, case_key, cb)


def _build(df, skipped, model, lang, by, filters, case_key, cb) -> dict:
    f = _Frames(df, case_key)
    passages, refnum = _passages(f)
    workers = _workers(f, _breach_lists(passages), refnum)
    cases = _cases(f)
    totals = _code_totals(f)
    skipped_rows = _skipped_rows(skipped, lang)
    return {
        "report_format": REPORT_FORMAT,
        "lang": lang,
        "by": by,
        "case_key": case_key,
        "filters": filters or {},
        "statement": msg("report.statement", lang),
        "totals": {
            "notes": int(len(f.notes)), "workers": len(workers),
            "clients": int(f.notes.loc[f.notes["client"] != "", "client"].nunique()), "cases": len(cases),
            "passages": int(len(f.body)), "skipped": len(skipped_rows),
        },
        "codes": [{"code": c.code, "group": c.group, "name": c.name(lang), "definition": c.definition(lang),
                   "reflection_prompt": c.reflection_prompt(lang),
                   "f1": model.get("code_f1", {}).get(c.code), "breach_f1": model.get("breach_f1", {}).get(c.code),
                   "weak": c.code in model.get("weak_codes", []), "totals": totals.get(c.code, {})} for c in cb],
        "workers": workers,
        "clients": cases,
        "months": _months(f),
        "passages": passages,
        "skipped": skipped_rows,
        "model": model,
    }
