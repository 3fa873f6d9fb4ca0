"""Aggregation of passage results into coverage per worker, client and month (hand-made passages)."""

from __future__ import annotations

import json


from analyzer.io.results import to_frame
from analyzer.report.coverage import build_report, filter_passages
from analyzer.io.notes import Skipped


def row(note, worker, client, date, labels=(), breaches=(), kind="body", text="teks", passage=0):
    r = {"note_id": note, "worker": worker, "client": client, "date": date, "month": date[:7], "setting": "",
         "passage": passage, "start": 0, "end": 4, "kind": kind, "text": text, "labels": list(labels),
         "breaches": list(breaches), "evidence": json.dumps({})}
    from analyzer.io.results import SCORE_COLUMNS

    r.update({c: 0.0 for c in SCORE_COLUMNS})
    return r


ROWS = [
    row("n1", "Rina", "K1", "2026-08-03", ["P10", "E1"], passage=0),
    row("n1", "Rina", "K1", "2026-08-03", ["P10", "P11"], passage=1),
    row("n1", "Rina", "K1", "2026-08-03", kind="header", passage=2),
    row("n2", "Rina", "K2", "2026-09-10", ["E2", "E3"], ["P02"], text="Sy membentak. hp 081322457781", passage=0),
    row("n3", "Budi", "K1", "2026-09-12", ["E4"], passage=0),
    row("n4", "Budi", "K3", "2026-10-01", [], passage=0),
]
MODEL = {"model_id": "m", "code_f1": {"P10": 0.4, "P11": 0.8}, "weak_codes": ["P10"], "test_macro_f1": 0.7}


def report(**kw):
    return build_report(to_frame(ROWS), [Skipped("n9", "x.csv:9", "skip.empty_text")], MODEL, **kw)


def test_worker_summary_counts():
    rep = report(lang="en")
    rina = next(w for w in rep["workers"] if w["worker"] == "Rina")
    assert (rina["notes"], rina["clients"], rina["passages"]) == (2, 2, 3)  # header passage not counted
    assert rina["codes"]["P10"] == {"applied": 2, "notes": 1, "breached": 0, "breached_notes": 0, "note_share": 0.5}
    assert rina["codes"]["P02"]["breached"] == 1 and rina["codes"]["P02"]["applied"] == 0
    assert rina["principle_coverage"] == 2 / 16 and rina["principles_evidenced"] == 2
    assert rina["outcome_coverage"] == 0.75
    assert "P02" in rina["gaps"] and "P10" not in rina["gaps"]
    (breach,) = rina["breaches"]
    assert breach["codes"] == ["P02"] and breach["date"] == "2026-09-10" and breach["note_id"] == "n2"


def test_workers_are_alphabetical_not_ranked():
    assert [w["worker"] for w in report()["workers"]] == ["Budi", "Rina"]


def test_client_engagement_progression():
    clients = {c["client"]: c for c in report()["clients"]}
    k1 = clients["K1"]
    assert k1["workers"] == ["Budi", "Rina"]
    assert k1["outcomes"] == {"E1": "2026-08-03", "E2": None, "E3": None, "E4": "2026-09-12"}
    assert not k1["engagement_complete"] and k1["furthest_outcome"] == "E4"
    assert clients["K2"]["outcomes_reached"] == ["E2", "E3"]


def test_months_and_skipped_and_model():
    rep = report(lang="en")
    assert [m["month"] for m in rep["months"]] == ["2026-08", "2026-09", "2026-10"]
    sep = rep["months"][1]
    assert sep["notes"] == 2 and sep["breach_passages"] == 1 and sep["by_worker"]["Rina"]["breach_passages"] == 1
    assert rep["skipped"] == [{"note_id": "n9", "source": "x.csv:9", "reason_code": "skip.empty_text",
                               "reason": "empty text"}]
    assert next(c for c in rep["codes"] if c["code"] == "P10")["weak"] is True
    assert rep["totals"] == {"notes": 4, "workers": 2, "clients": 3, "passages": 5, "skipped": 1}
    assert "not a performance ranking" in rep["statement"]


def test_filters():
    df = to_frame(ROWS)
    import datetime as dt

    assert set(filter_passages(df, worker="Budi")["note_id"]) == {"n3", "n4"}
    assert set(filter_passages(df, date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 9, 30))["note_id"]) == {"n2", "n3"}
