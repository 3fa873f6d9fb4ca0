"""What a report says about people's corrections: which figures rest on codes a person confirmed and which on the
model alone, and the corrections that were applied, are stale or are about notes outside the report.

A *finding* is one code applied to, or one principle breached in, one body passage. Per worker and code the report
gives ``applied_confirmed`` and ``breached_confirmed`` (of ``applied`` and ``breached``, the passages where a person
confirmed or added that code); the rest rests on the model alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

BREACH = "!"


def confirmed_counts(body: "pd.DataFrame") -> dict[str, tuple[int, int]]:
    """code -> (applied passages confirmed by a person, breached passages confirmed) of body passages."""
    applied = {c: 0 for c in ALL_CODES}
    breached = {c: 0 for c in PRINCIPLE_CODES}
    if "confirmed" in body:
        for labels, breaches, confirmed in zip(body["labels"], body["breaches"], body["confirmed"]):
            if not len(confirmed):
                continue
            marks = set(confirmed)
            for code in labels:
                if code in marks:
                    applied[code] += 1
            for code in breaches:
                if BREACH + code in marks:
                    breached[code] += 1
    return {c: (applied[c], breached.get(c, 0)) for c in ALL_CODES}


def _confirmed_by_worker(df: "pd.DataFrame") -> dict[str, dict[str, tuple[int, int]]]:
    """worker -> ``confirmed_counts`` of the worker's body passages, read only from the passages a person
    confirmed something in (usually few: one pass over a million passages instead of one per worker)."""
    if "confirmed" not in df or not len(df):
        return {}
    marked = df[(df["kind"] == "body").to_numpy() & (df["confirmed"].map(len) > 0).to_numpy()]
    return {worker: confirmed_counts(rows) for worker, rows in marked.groupby("worker", sort=False)}


def add_correction_figures(report: dict, df: "pd.DataFrame", summary: dict | None) -> dict:
    """Add to a coverage report (``report.coverage.build_report``) of the passages ``df``: per worker and code the
    confirmed counts, per worker and in the totals the findings and how many a person confirmed, and the
    ``corrections`` section (``analysis.corrections.CorrectionSummary``, or None when no corrections file was
    read)."""
    total = confirmed_total = 0
    by_worker = _confirmed_by_worker(df)
    none = {c: (0, 0) for c in ALL_CODES}
    for worker in report["workers"]:
        counts = by_worker.get(worker["worker"], none)
        findings = confirmed = 0
        for code, entry in worker["codes"].items():
            applied_c, breached_c = counts.get(code, (0, 0))
            entry["applied_confirmed"] = applied_c
            entry["breached_confirmed"] = breached_c
            findings += entry["applied"] + entry["breached"]
            confirmed += applied_c + breached_c
        worker["findings"] = findings
        worker["findings_confirmed"] = confirmed
        total += findings
        confirmed_total += confirmed
    report["totals"]["findings"] = total
    report["totals"]["findings_confirmed"] = confirmed_total
    report["corrections"] = summary
    return report
