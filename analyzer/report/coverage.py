"""Coverage reports: aggregate passage-level results per worker, client/case and month.

``build_report`` turns the passage DataFrame of ``analysis.analyze_notes`` into plain data (the JSON contract of
``analyzer report --format json``). Workers are listed alphabetically: a report supports supervision and is not
a ranking.
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

REPORT_FORMAT = 1
EXCERPT_CHARS = 320


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


def _excerpt(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def _code_table(body: "pd.DataFrame", note_count: int) -> dict[str, dict]:
    codes = {}
    applied = body.explode("labels")
    breached = body.explode("breaches")
    for code in ALL_CODES:
        hit = applied[applied["labels"] == code]
        row = {"applied": int(len(hit)), "notes": int(hit["note_id"].nunique())}
        if code in PRINCIPLE_CODES:
            b = breached[breached["breaches"] == code]
            row["breached"] = int(len(b))
            row["breached_notes"] = int(b["note_id"].nunique())
        else:
            row["breached"] = 0
            row["breached_notes"] = 0
        row["note_share"] = round(row["notes"] / note_count, 4) if note_count else 0.0
        codes[code] = row
    return codes


def _breach_list(body: "pd.DataFrame") -> list[dict]:
    rows = body[body["breaches"].map(len) > 0]
    out = []
    for r in rows.itertuples(index=False):
        out.append({
            "note_id": r.note_id, "date": r.date, "client": r.client, "passage": int(r.passage),
            "start": int(r.start), "end": int(r.end), "codes": list(r.breaches), "excerpt": _excerpt(r.text),
            "evidence": {k: v for k, v in json.loads(r.evidence).items() if k.startswith("breach:")},
        })
    return sorted(out, key=lambda b: (b["date"], b["note_id"], b["passage"]))


def worker_summary(worker: str, df: "pd.DataFrame") -> dict:
    body = df[df["kind"] == "body"]
    notes = int(df["note_id"].nunique())
    codes = _code_table(body, notes)
    principles_seen = [c for c in PRINCIPLE_CODES if codes[c]["applied"] > 0]
    outcomes_seen = [c for c in OUTCOME_CODES if codes[c]["applied"] > 0]
    return {
        "worker": worker,
        "notes": notes,
        "clients": int(df.loc[df["client"] != "", "client"].nunique()),
        "passages": int(len(body)),
        "principle_coverage": round(len(principles_seen) / len(PRINCIPLE_CODES), 4),
        "principles_evidenced": len(principles_seen),
        "outcome_coverage": round(len(outcomes_seen) / len(OUTCOME_CODES), 4),
        "codes": codes,
        "gaps": [c for c in PRINCIPLE_CODES if codes[c]["applied"] == 0],
        "breach_passages": int((body["breaches"].map(len) > 0).sum()),
        "breaches": _breach_list(body),
        "first_date": min((d for d in df["date"] if d), default=""),
        "last_date": max((d for d in df["date"] if d), default=""),
    }


def client_summary(client: str, df: "pd.DataFrame") -> dict:
    body = df[df["kind"] == "body"].sort_values(["date", "note_id", "passage"])
    reached: dict[str, str | None] = {}
    for code in OUTCOME_CODES:
        hits = body[body["labels"].map(lambda labels, c=code: c in labels)]
        reached[code] = (hits["date"].iloc[0] or hits["note_id"].iloc[0]) if len(hits) else None
    stage = 0
    for i, code in enumerate(OUTCOME_CODES, start=1):
        if reached[code] is not None:
            stage = i
    return {
        "client": client,
        "workers": sorted(df["worker"].unique().tolist()),
        "notes": int(df["note_id"].nunique()),
        "first_date": min((d for d in df["date"] if d), default=""),
        "last_date": max((d for d in df["date"] if d), default=""),
        "outcomes": reached,
        "outcomes_reached": [c for c in OUTCOME_CODES if reached[c] is not None],
        "engagement_complete": all(reached[c] is not None for c in OUTCOME_CODES),
        "furthest_outcome": OUTCOME_CODES[stage - 1] if stage else None,
        "breach_passages": int((body["breaches"].map(len) > 0).sum()),
    }


def month_summary(month: str, df: "pd.DataFrame") -> dict:
    body = df[df["kind"] == "body"]
    notes = int(df["note_id"].nunique())
    codes = _code_table(body, notes)
    return {
        "month": month or "",
        "notes": notes,
        "workers": int(df["worker"].nunique()),
        "passages": int(len(body)),
        "principle_coverage": round(sum(1 for c in PRINCIPLE_CODES if codes[c]["applied"]) / 16, 4),
        "breach_passages": int((body["breaches"].map(len) > 0).sum()),
        "codes": {c: {"applied": v["applied"], "breached": v["breached"], "notes": v["notes"]} for c, v in codes.items()},
        "by_worker": {
            w: {"notes": int(g["note_id"].nunique()),
                "principle_coverage": worker_summary(w, g)["principle_coverage"],
                "breach_passages": int((g[g["kind"] == "body"]["breaches"].map(len) > 0).sum())}
            for w, g in sorted(df.groupby("worker"), key=lambda kv: kv[0])
        },
    }


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


def build_report(df: "pd.DataFrame", skipped: Sequence["Skipped"] | Iterable[dict], model: dict,
                 lang: str = "id", by: str = "worker", filters: dict | None = None,
                 codebook: "Codebook | None" = None) -> dict:
    """The full report as plain data (the documented JSON contract); code names and prompts from ``codebook``
    (default: the shipped one)."""
    from analyzer.codebook import load_codebook

    cb = codebook or load_codebook()
    workers = [worker_summary(w, g) for w, g in sorted(df.groupby("worker"), key=lambda kv: kv[0])]
    clients = [client_summary(c, g) for c, g in sorted(df[df["client"] != ""].groupby("client"), key=lambda kv: kv[0])]
    months = [month_summary(m, g) for m, g in sorted(df.groupby("month"), key=lambda kv: kv[0])]
    skipped_rows = []
    for s in skipped:
        s = s if isinstance(s, dict) else {"note_id": s.note_id, "source": s.source, "reason_code": s.reason,
                                           "detail": s.detail}
        skipped_rows.append({
            "note_id": s["note_id"], "source": s.get("source", ""), "reason_code": s["reason_code"],
            "reason": msg(s["reason_code"], lang) + (f" ({s['detail']})" if s.get("detail") else ""),
        })
    return {
        "report_format": REPORT_FORMAT,
        "lang": lang,
        "by": by,
        "filters": filters or {},
        "statement": msg("report.statement", lang),
        "totals": {
            "notes": int(df["note_id"].nunique()), "workers": len(workers), "clients": len(clients),
            "passages": int((df["kind"] == "body").sum()), "skipped": len(skipped_rows),
        },
        "codes": [{"code": c.code, "group": c.group, "name": c.name(lang),
                   "f1": model.get("code_f1", {}).get(c.code),
                   "weak": c.code in model.get("weak_codes", [])} for c in cb],
        "workers": workers,
        "clients": clients,
        "months": months,
        "skipped": skipped_rows,
        "model": model,
    }
