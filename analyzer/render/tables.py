"""Spreadsheet renderings of a coverage report (CSV for one view, XLSX with one sheet per view).

Every view is a header, rows of typed values and a kind per column (text, int, share, decimal, date), so each
format writes real numbers and dates: XLSX with column widths, percent and date formats, an autofilter, a frozen
header and a colour scale; CSV in the default dialect (comma, decimal point, ISO dates) or ``excel-id``
(semicolon, decimal comma, day/month/year) that a spreadsheet in Indonesian settings opens in columns.

Cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return) are neutralised with a leading apostrophe, in CSV and XLSX alike.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from analyzer.codebook import ALL_CODES, OUTCOME_CODES, PRINCIPLE_CODES
from analyzer.messages import text as msg

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_DIALECTS = ("excel", "excel-id")
VIEWS = ("worker", "codes", "matrix", "client", "month", "breaches", "passages", "skipped", "model")


def neutralise(value):
    """A cell value that cannot be evaluated as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _date(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def _names(report: dict) -> dict[str, str]:
    return {c["code"]: c["name"] for c in report.get("codes", [])}


def view_rows(report: dict, view: str, lang: str) -> tuple[list[str], list[list], list[str]]:
    """Header, rows and column kinds (``text``, ``int``, ``share``, ``decimal``, ``date``) of one view."""
    f1 = report["model"].get("code_f1", {})
    weak = set(report["model"].get("weak_codes", []))
    names = _names(report)
    t = lambda *keys: [msg(k, lang) for k in keys]  # noqa: E731
    yes, no = msg("word.yes", lang), msg("word.no", lang)
    if view == "worker":
        header = t("col.worker", "col.notes", "col.clients", "col.passages", "col.principles_n",
                   "col.principle_coverage", "col.outcome_coverage", "col.breach_passages", "col.gaps",
                   "col.first_date", "col.last_date")
        rows = [[w["worker"], w["notes"], w["clients"], w["passages"], w.get("principles_evidenced", 0),
                 w["principle_coverage"], w["outcome_coverage"], w["breach_passages"], " ".join(w["gaps"]),
                 _date(w.get("first_date")), _date(w.get("last_date"))] for w in report["workers"]]
        return header, rows, ["text", "int", "int", "int", "int", "share", "share", "int", "text", "date", "date"]
    if view == "codes":
        header = t("col.worker", "col.code", "col.name", "col.applied", "col.breached", "col.notes_with",
                   "col.note_share", "col.f1", "col.weak")
        rows = []
        for w in report["workers"]:
            for code in ALL_CODES:
                c = w["codes"][code]
                rows.append([w["worker"], code, names.get(code, ""), c["applied"],
                             c["breached"] if code in PRINCIPLE_CODES else None, c["notes"], c["note_share"],
                             f1.get(code), "x" if code in weak else ""])
        return header, rows, ["text", "text", "text", "int", "int", "int", "share", "decimal", "text"]
    if view == "matrix":
        header = t("col.worker") + [c + ("*" if c in weak else "") for c in ALL_CODES]
        rows = [[w["worker"], *[w["codes"][c]["note_share"] for c in ALL_CODES]] for w in report["workers"]]
        return header, rows, ["text"] + ["share"] * len(ALL_CODES)
    if view == "client":
        header = t("col.case", "col.client", "col.workers", "col.notes", "col.first_date", "col.last_date")
        header += [f"{e} {names.get(e, '')}".strip() for e in OUTCOME_CODES]
        header += t("col.out_of_order", "col.missing", "col.complete", "col.breach_passages")
        rows = [[c.get("case", c["client"]), c["client"], ", ".join(c["workers"]), c["notes"],
                 _date(c["first_date"]), _date(c["last_date"]),
                 *[_date(c["outcomes"][e]) if c["outcomes"][e] else None for e in OUTCOME_CODES],
                 "; ".join(f"{o['code']} < {', '.join(o['before'])}" for o in c.get("out_of_order", [])),
                 " ".join(c.get("outcomes_missing", [])), yes if c["engagement_complete"] else no,
                 c.get("breach_passages", 0)] for c in report["clients"]]
        return header, rows, ["text", "text", "text", "int", "date", "date", "date", "date", "date", "date", "text",
                              "text", "text", "int"]
    if view == "month":
        header = t("col.month", "col.notes", "col.workers_n", "col.passages", "col.principle_coverage",
                   "col.breach_passages") + list(ALL_CODES)
        rows = [[m["month"], m["notes"], m["workers"], m["passages"], m["principle_coverage"], m["breach_passages"],
                 *[m["codes"][c]["applied"] for c in ALL_CODES]] for m in report["months"]]
        return header, rows, ["text", "int", "int", "int", "share", "int"] + ["int"] * len(ALL_CODES)
    if view == "breaches":
        header = t("col.worker", "col.date", "col.note", "col.passage_no", "col.client", "col.principle",
                   "col.name", "col.score", "col.evidence", "col.excerpt")
        rows = [[w["worker"], _date(b["date"]), b["note_id"], b["passage"], b["client"], code, names.get(code, ""),
                 b.get("scores", {}).get(code), ", ".join(b.get("evidence", {}).get("breach:" + code, [])),
                 b["excerpt"]]
                for w in report["workers"] for b in w["breaches"] for code in b["codes"]]
        return header, rows, ["text", "date", "text", "int", "text", "text", "text", "decimal", "text", "text"]
    if view == "passages":
        header = t("col.worker", "col.date", "col.note", "col.passage_no", "col.case", "col.code", "col.name",
                   "col.kind_of", "col.score", "col.evidence", "col.excerpt")
        rows = []
        for p in report.get("passages", []):
            for code in p["labels"]:
                rows.append([p["worker"], _date(p["date"]), p["note_id"], p["passage"], p["case"], code,
                             names.get(code, ""), msg("word.applied", lang), p["scores"].get(code),
                             ", ".join(p["evidence"].get(code, [])), p["excerpt"]])
            for code in p["breaches"]:
                rows.append([p["worker"], _date(p["date"]), p["note_id"], p["passage"], p["case"], code,
                             names.get(code, ""), msg("word.breached", lang), p["scores"].get("breach:" + code),
                             ", ".join(p["evidence"].get("breach:" + code, [])), p["excerpt"]])
        return header, rows, ["text", "date", "text", "int", "text", "text", "text", "text", "decimal", "text",
                              "text"]
    if view == "skipped":
        return t("col.note", "col.source", "col.reason"), [[s["note_id"], s["source"], s["reason"]]
                                                           for s in report["skipped"]], ["text"] * 3
    if view == "model":
        header = t("col.code", "col.name", "col.f1", "col.breach_f1", "col.weak")
        return header, [[c["code"], c["name"], c["f1"], c.get("breach_f1"), "x" if c["weak"] else ""]
                        for c in report["codes"]], ["text", "text", "decimal", "decimal", "text"]
    raise ValueError(view)


def _csv_cell(value, kind: str, dialect: str) -> str:
    if value is None:
        return ""
    if kind == "date" and isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y") if dialect == "excel-id" else value.isoformat()
    if isinstance(value, float):
        text = repr(round(value, 4))
        return text.replace(".", ",") if dialect == "excel-id" else text
    return neutralise(value) if isinstance(value, str) else str(value)


def write_csv(report: dict, view: str, lang: str, out: Path | io.TextIOBase, dialect: str = "excel") -> None:
    """One view as CSV: ``excel`` (comma, decimal point, ISO dates) or ``excel-id`` (semicolon, decimal comma,
    dd/mm/yyyy). Text files are written UTF-8 with a byte-order mark so spreadsheets detect the encoding."""
    if dialect not in CSV_DIALECTS:
        raise ValueError(dialect)
    header, rows, kinds = view_rows(report, view, lang)
    close = False
    if isinstance(out, Path):
        out = out.open("w", newline="", encoding="utf-8-sig")
        close = True
    writer = csv.writer(out, delimiter=";" if dialect == "excel-id" else ",", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(v, k, dialect) for v, k in zip(row, kinds)])
    if close:
        out.close()


def _width(values: list, kind: str) -> float:
    """A column width (characters) that fits its longest value, within 8 and 60."""
    if kind == "date":
        return 12
    if kind in ("share", "decimal"):
        return 9
    longest = max((len(str(v)) for v in values if v is not None), default=0)
    return min(max(longest + 2, 8), 60)


def write_xlsx(report: dict, lang: str, path: Path) -> None:
    """One sheet per view (``VIEWS``) and an about sheet, with typed cells and formats."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    wb.set_properties({"title": msg("report.title", lang), "comments": report["statement"]})
    bold = wb.add_format({"bold": True, "bg_color": "#EEF2F5", "text_wrap": True, "valign": "top"})
    formats = {
        "share": wb.add_format({"num_format": "0%"}),
        "decimal": wb.add_format({"num_format": "0.00"}),
        "date": wb.add_format({"num_format": "dd/mm/yyyy" if lang == "id" else "d mmm yyyy"}),
        "int": wb.add_format({"num_format": "0"}),
        "text": wb.add_format({"text_wrap": False}),
    }
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    for view in VIEWS:
        header, rows, kinds = view_rows(report, view, lang)
        ws = wb.add_worksheet(msg(f"sheet.{view}", lang)[:31])
        for j, h in enumerate(header):
            ws.write_string(0, j, neutralise(h), bold)
        for i, row in enumerate(rows, start=1):
            for j, (value, kind) in enumerate(zip(row, kinds)):
                if value is None or value == "":
                    continue
                if kind == "date":
                    ws.write_datetime(i, j, dt.datetime.combine(value, dt.time()), formats["date"])
                elif kind in ("int", "share", "decimal") and isinstance(value, (int, float)):
                    ws.write_number(i, j, value, formats[kind])
                else:
                    ws.write_string(i, j, neutralise(str(value)))
        for j, kind in enumerate(kinds):
            width = _width([header[j]] + [r[j] for r in rows], kind)
            long_text = kind == "text" and width >= 60
            ws.set_column(j, j, width, wrap if long_text else formats[kind])
        ws.freeze_panes(1, 1 if view in ("matrix", "codes", "worker") else 0)
        if rows:
            ws.autofilter(0, 0, len(rows), len(header) - 1)
            for j, kind in enumerate(kinds):
                if kind == "share":
                    ws.conditional_format(1, j, len(rows), j, {"type": "2_color_scale", "min_type": "num",
                                                               "min_value": 0, "max_type": "num", "max_value": 1,
                                                               "min_color": "#F7FBF7", "max_color": "#2E7D32"})
    about = wb.add_worksheet(msg("sheet.about", lang)[:31])
    about.set_column(0, 0, 100, wrap)
    lines = [report["statement"], msg("report.legend", lang)]
    lines += [f"{msg(k, lang)}: {msg(k + '.help', lang)}" for k in ("unit.notes_with", "unit.passages",
                                                                   "unit.breaches", "unit.coverage", "unit.score")]
    lines += [msg("report.case_help", lang, case=msg("report.case_key." + report.get("case_key", "worker+client"),
                                                      lang),
                  complete=sum(1 for c in report["clients"] if c["engagement_complete"]), n=len(report["clients"]))]
    for i, line in enumerate(lines):
        about.write_string(i, 0, neutralise(line))
    wb.close()
