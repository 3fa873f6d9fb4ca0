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
    assert rina["codes"]["P10"] == {"applied": 2, "notes": 1, "breached": 0, "breached_notes": 0, "note_share": 0.5,
                                    "refs": ["p2", "p3"], "breach_refs": []}  # Budi (p1) comes first
    assert rina["codes"]["P02"]["breached"] == 1 and rina["codes"]["P02"]["applied"] == 0
    assert rina["principle_coverage"] == 2 / 16 and rina["principles_evidenced"] == 2
    assert rina["outcome_coverage"] == 0.75
    assert "P02" in rina["gaps"] and "P10" not in rina["gaps"]
    (breach,) = rina["breaches"]
    assert breach["codes"] == ["P02"] and breach["date"] == "2026-09-10" and breach["note_id"] == "n2"


def test_workers_are_alphabetical_not_ranked():
    assert [w["worker"] for w in report()["workers"]] == ["Budi", "Rina"]


def test_client_engagement_progression():
    clients = {c["client"]: c for c in report(case_key="client")["clients"]}
    k1 = clients["K1"]
    assert k1["workers"] == ["Budi", "Rina"]
    assert k1["outcomes"] == {"E1": "2026-08-03", "E2": None, "E3": None, "E4": "2026-09-12"}
    assert not k1["engagement_complete"] and k1["furthest_outcome"] == "E4"
    assert clients["K2"]["outcomes_reached"] == ["E2", "E3"]


def test_a_case_is_worker_and_client_by_default():
    cases = {c["case"]: c for c in report()["clients"]}
    assert sorted(cases) == ["Budi · K1", "Budi · K3", "Rina · K1", "Rina · K2"]
    assert cases["Rina · K1"]["outcomes"] == {"E1": "2026-08-03", "E2": None, "E3": None, "E4": None}
    assert cases["Budi · K1"]["outcomes_reached"] == ["E4"] and cases["Budi · K1"]["workers"] == ["Budi"]
    rep = report()
    assert rep["totals"]["cases"] == 4 and rep["totals"]["clients"] == 3


def test_months_and_skipped_and_model():
    rep = report(lang="en")
    assert [m["month"] for m in rep["months"]] == ["2026-08", "2026-09", "2026-10"]
    sep = rep["months"][1]
    assert sep["notes"] == 2 and sep["breach_passages"] == 1 and sep["by_worker"]["Rina"]["breach_passages"] == 1
    assert rep["skipped"] == [{"note_id": "n9", "source": "x.csv:9", "reason_code": "skip.empty_text",
                               "reason": "empty text"}]
    assert next(c for c in rep["codes"] if c["code"] == "P10")["weak"] is True
    assert rep["totals"] == {"notes": 4, "workers": 2, "clients": 3, "cases": 4, "passages": 5, "skipped": 1}
    assert "not a performance ranking" in rep["statement"]


def test_filters():
    df = to_frame(ROWS)
    import datetime as dt

    assert set(filter_passages(df, worker="Budi")["note_id"]) == {"n3", "n4"}
    assert set(filter_passages(df, date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 9, 30))["note_id"]) == {"n2", "n3"}


def case_rows(outcomes_by_note):
    """One worker, one client, a note per (date, codes)."""
    return [row(f"c{i}", "Rina", "K", date, codes, passage=0) for i, (date, codes) in enumerate(outcomes_by_note)]


def test_complete_engagement_and_outcomes_out_of_order():
    rows = case_rows([("2026-08-01", ["E1", "E2"]), ("2026-08-08", ["E4"]), ("2026-08-15", ["E3", "E4"])])
    (case,) = build_report(to_frame(rows), [], MODEL)["clients"]
    assert case["engagement_complete"] and case["outcomes_missing"] == []
    assert case["outcomes"] == {"E1": "2026-08-01", "E2": "2026-08-01", "E3": "2026-08-15", "E4": "2026-08-08"}
    assert case["outcome_notes"]["E4"] == "c1"
    assert case["outcome_order"] == ["E1", "E2", "E4", "E3"]
    assert case["out_of_order"] == [{"code": "E4", "before": ["E3"]}]
    assert [(t["note_id"], t["codes"]) for t in case["timeline"]] == [
        ("c0", ["E1", "E2"]), ("c1", ["E4"]), ("c2", ["E3", "E4"])]


def test_outcomes_in_order_or_in_one_note_are_not_flagged_and_missing_ones_are_listed():
    rows = case_rows([("2026-08-01", ["E2"]), ("2026-08-08", ["E3", "E4"])])
    (case,) = build_report(to_frame(rows), [], MODEL)["clients"]
    assert case["out_of_order"] == [] and case["outcomes_missing"] == ["E1"] and not case["engagement_complete"]


def test_notes_without_a_date_come_last_in_a_case():
    rows = case_rows([("", ["E1"]), ("2026-08-08", ["E2"])])
    rows[0]["month"] = ""
    (case,) = build_report(to_frame(rows), [], MODEL)["clients"]
    assert [t["note_id"] for t in case["timeline"]] == ["c1", "c0"]
    assert case["out_of_order"] == [{"code": "E2", "before": ["E1"]}] and case["outcomes"]["E1"] is None


def test_every_count_has_the_passages_behind_it():
    rep = report(lang="en")
    by_ref = {p["ref"]: p for p in rep["passages"]}
    assert len(by_ref) == len(rep["passages"])
    for w in rep["workers"]:
        for code, c in w["codes"].items():
            assert len(c["refs"]) == c["applied"] and len(c["breach_refs"]) == c["breached"]
            assert len({by_ref[r]["note_id"] for r in c["refs"]}) == c["notes"]
            assert all(code in by_ref[r]["labels"] and by_ref[r]["worker"] == w["worker"] for r in c["refs"])
        for b in w["breaches"]:
            assert by_ref[b["ref"]]["breaches"] == b["codes"]
    uncoded = [r for r in ROWS if r["kind"] == "body" and not r["labels"] and not r["breaches"]]
    assert len(rep["passages"]) == sum(1 for r in ROWS if r["kind"] == "body") - len(uncoded)


def test_scores_follow_each_code(tmp_path):
    rows = [row("n1", "Rina", "K", "2026-08-01", ["P10"], ["P02"])]
    rows[0]["score_P10"], rows[0]["breach_score_P02"], rows[0]["score_P11"] = 0.91, 0.77, 0.2
    (p,) = build_report(to_frame(rows), [], MODEL)["passages"]
    assert p["scores"] == {"P10": 0.91, "breach:P02": 0.77}


def test_month_trend_per_worker_and_code():
    rep = report()
    aug, sep, _ = rep["months"]
    assert aug["by_worker"] == {"Rina": {"notes": 1, "principle_coverage": 2 / 16, "breach_passages": 0}}
    assert sep["codes"]["P02"] == {"applied": 0, "notes": 0, "breached": 1, "note_share": 0.0}
    assert sep["breached_notes"] == 1 and aug["codes"]["P10"]["applied"] == 2


def test_aggregation_matches_a_plain_count_on_random_passages():
    """The vectorised counts agree with a direct count on random data (hypothesis)."""
    from hypothesis import given, settings, strategies as st

    from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES

    passage = st.tuples(st.sampled_from(["A", "B"]), st.integers(0, 4), st.sampled_from(["K1", "K2", ""]),
                        st.lists(st.sampled_from(ALL_CODES), max_size=3, unique=True),
                        st.lists(st.sampled_from(PRINCIPLE_CODES), max_size=2, unique=True))

    @settings(max_examples=40, deadline=None)
    @given(st.lists(passage, min_size=1, max_size=25))
    def check(items):
        rows = []
        for i, (worker, note, client, labels, breaches) in enumerate(items):
            breaches = [b for b in breaches if b not in labels]
            rows.append(row(f"{worker}{note}", worker, client, f"2026-0{note % 3 + 7}-01", labels, breaches,
                            passage=i))
        for r in rows:  # a note keeps one client
            r["client"] = next(x["client"] for x in rows if x["note_id"] == r["note_id"])
        rep = build_report(to_frame(rows), [], MODEL)
        for w in rep["workers"]:
            mine = [r for r in rows if r["worker"] == w["worker"]]
            assert w["notes"] == len({r["note_id"] for r in mine})
            for code in ALL_CODES:
                hits = [r for r in mine if code in r["labels"]]
                assert w["codes"][code]["applied"] == len(hits)
                assert w["codes"][code]["notes"] == len({r["note_id"] for r in hits})
                assert w["codes"][code]["breached"] == sum(code in r["breaches"] for r in mine)
        for m in rep["months"]:
            mine = [r for r in rows if r["month"] == m["month"]]
            assert m["breach_passages"] == sum(bool(r["breaches"]) for r in mine)

    check()
