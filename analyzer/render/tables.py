"""Spreadsheet renderings of a coverage report (CSV for one view, XLSX with one sheet per view).

Cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return) are neutralised with a leading apostrophe, in CSV and XLSX alike.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES
from analyzer.messages import text as msg

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell value that cannot be evaluated as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _weak(report: dict) -> set[str]:
    return set(report["model"].get("weak_codes", []))


def view_rows(report: dict, view: str, lang: str) -> tuple[list[str], list[list]]:
    """Header and rows of one view: worker, codes, client, month, breaches, skipped, model."""
    f1 = report["model"].get("code_f1", {})
    weak = _weak(report)
    if view == "worker":
        header = [msg(k, lang) for k in ("col.worker", "col.notes", "col.clients", "col.passages",
                                          "col.principle_coverage", "col.outcome_coverage", "col.breach_passages",
                                          "col.gaps")]
        rows = [[w["worker"], w["notes"], w["clients"], w["passages"], w["principle_coverage"],
                 w["outcome_coverage"], w["breach_passages"], " ".join(w["gaps"])] for w in report["workers"]]
        return header, rows
    if view == "codes":
        header = [msg(k, lang) for k in ("col.worker", "col.code", "col.applied", "col.breached", "col.notes_with",
                                          "col.note_share", "col.f1", "col.weak")]
        rows = []
        for w in report["workers"]:
            for code in ALL_CODES:
                c = w["codes"][code]
                rows.append([w["worker"], code, c["applied"], c["breached"] if code in PRINCIPLE_CODES else "",
                             c["notes"], c["note_share"], f1.get(code, ""), "x" if code in weak else ""])
        return header, rows
    if view == "client":
        header = [msg(k, lang) for k in ("col.client", "col.workers", "col.notes", "col.first_date", "col.last_date")]
        header += ["E1", "E2", "E3", "E4", msg("col.complete", lang)]
        rows = [[c["client"], ", ".join(c["workers"]), c["notes"], c["first_date"], c["last_date"],
                 *[c["outcomes"][e] or "" for e in ("E1", "E2", "E3", "E4")],
                 msg("word.yes" if c["engagement_complete"] else "word.no", lang)] for c in report["clients"]]
        return header, rows
    if view == "month":
        header = [msg(k, lang) for k in ("col.month", "col.notes", "col.workers_n", "col.passages",
                                          "col.principle_coverage", "col.breach_passages")] + list(ALL_CODES)
        rows = [[m["month"], m["notes"], m["workers"], m["passages"], m["principle_coverage"], m["breach_passages"],
                 *[m["codes"][c]["applied"] for c in ALL_CODES]] for m in report["months"]]
        return header, rows
    if view == "breaches":
        header = [msg(k, lang) for k in ("col.worker", "col.date", "col.note", "col.client", "col.codes", "col.excerpt")]
        rows = [[w["worker"], b["date"], b["note_id"], b["client"], " ".join(b["codes"]), b["excerpt"]]
                for w in report["workers"] for b in w["breaches"]]
        return header, rows
    if view == "skipped":
        header = [msg(k, lang) for k in ("col.note", "col.source", "col.reason")]
        return header, [[s["note_id"], s["source"], s["reason"]] for s in report["skipped"]]
    if view == "model":
        header = [msg(k, lang) for k in ("col.code", "col.name", "col.f1", "col.weak")]
        return header, [[c["code"], c["name"], c["f1"] if c["f1"] is not None else "", "x" if c["weak"] else ""]
                        for c in report["codes"]]
    raise ValueError(view)


VIEWS = ("worker", "codes", "client", "month", "breaches", "skipped", "model")


def write_csv(report: dict, view: str, lang: str, out: Path | io.TextIOBase) -> None:
    header, rows = view_rows(report, view, lang)
    close = False
    if isinstance(out, Path):
        out = out.open("w", newline="", encoding="utf-8-sig")
        close = True
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    if close:
        out.close()


def write_xlsx(report: dict, lang: str, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for view in VIEWS:
        ws = wb.create_sheet(msg(f"sheet.{view}", lang)[:31])
        header, rows = view_rows(report, view, lang)
        ws.append([neutralise(h) for h in header])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([neutralise(v) for v in row])
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula
        ws.freeze_panes = "A2"
    about = wb.create_sheet(msg("sheet.about", lang))
    about.append([report["statement"]])
    wb.save(path)
