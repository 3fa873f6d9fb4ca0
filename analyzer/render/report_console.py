"""The coverage report in the terminal (rich tables, readable on 80 columns)."""

from __future__ import annotations

from analyzer.codebook import ALL_CODES, OUTCOME_CODES, PRINCIPLE_CODES
from analyzer.messages import text as msg
from analyzer.render.console import plain

MAX_BREACHES = 12


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _code_header(code: str, report: dict) -> str:
    weak = set(report["model"].get("weak_codes", []))
    return code + ("*" if code in weak else "")


def print_report(report: dict, lang: str, by: str = "worker", width: int | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Console(width=width or 80, highlight=False, soft_wrap=False)
    t = report["totals"]
    out.print(f"[bold]{msg('report.title', lang)}[/bold]")
    out.print(msg("report.totals", lang, **t))
    out.print(f"[italic]{report['statement']}[/italic]")
    out.print()

    if by == "worker":
        table = Table(title=msg("report.workers", lang), show_lines=False)
        for key, justify in (("col.worker", "left"), ("col.notes", "right"), ("col.clients", "right"),
                             ("col.principle_coverage", "right"), ("col.breach_passages", "right"),
                             ("col.gaps", "left")):
            table.add_column(msg(key, lang), justify=justify, overflow="fold")
        for w in report["workers"]:
            gaps = " ".join(w["gaps"]) or msg("report.gaps_none", lang)
            table.add_row(plain(w["worker"]), str(w["notes"]), str(w["clients"]),
                          f"{w['principles_evidenced']}/16 ({_pct(w['principle_coverage'])})",
                          str(w["breach_passages"]), gaps)
        out.print(table)
        for codes in (PRINCIPLE_CODES[:8], PRINCIPLE_CODES[8:], OUTCOME_CODES):
            matrix = Table(title=msg("report.codes_matrix", lang), show_lines=False, pad_edge=False)
            matrix.add_column(msg("col.worker", lang), overflow="fold", max_width=16)
            for code in codes:
                matrix.add_column(_code_header(code, report), justify="right")
            for w in report["workers"]:
                cells = []
                for code in codes:
                    c = w["codes"][code]
                    cell = str(c["notes"])
                    if c.get("breached"):
                        cell += f"/[red]!{c['breached']}[/red]"
                    cells.append(cell)
                matrix.add_row(plain(w["worker"]), *cells)
            out.print(matrix)
    elif by == "client":
        table = Table(title=msg("report.clients", lang))
        table.add_column(msg("col.client", lang), overflow="fold")
        table.add_column(msg("col.workers", lang), overflow="fold")
        table.add_column(msg("col.notes", lang), justify="right")
        for e in OUTCOME_CODES:
            table.add_column(_code_header(e, report), justify="center")
        table.add_column(msg("col.complete", lang), justify="center")
        for c in report["clients"]:
            marks = ["✓" if c["outcomes"][e] else "·" for e in OUTCOME_CODES]
            table.add_row(plain(c["client"]), plain(", ".join(c["workers"])), str(c["notes"]), *marks,
                          msg("word.yes" if c["engagement_complete"] else "word.no", lang))
        out.print(table)
    else:
        table = Table(title=msg("report.months", lang))
        for key, justify in (("col.month", "left"), ("col.notes", "right"), ("col.workers_n", "right"),
                             ("col.principle_coverage", "right"), ("col.breach_passages", "right")):
            table.add_column(msg(key, lang), justify=justify)
        for m in report["months"]:
            table.add_row(m["month"] or "—", str(m["notes"]), str(m["workers"]), _pct(m["principle_coverage"]),
                          str(m["breach_passages"]))
        out.print(table)

    breaches = [(w["worker"], b) for w in report["workers"] for b in w["breaches"]]
    if breaches:
        table = Table(title=msg("report.breaches", lang), show_lines=True)
        table.add_column(msg("col.worker", lang), overflow="fold", max_width=14)
        table.add_column(msg("col.date", lang), no_wrap=True)
        table.add_column(msg("col.codes", lang), no_wrap=True)
        table.add_column(msg("col.excerpt", lang), overflow="fold")
        for worker, b in breaches[:MAX_BREACHES]:
            table.add_row(plain(worker), b["date"] or "—", " ".join(b["codes"]), plain(b["excerpt"]))
        out.print(table)
        if len(breaches) > MAX_BREACHES:
            out.print(msg("report.more_breaches", lang, n=len(breaches) - MAX_BREACHES))

    out.print(f"[bold]{msg('report.skipped', lang)}[/bold]")
    if report["skipped"]:
        for s in report["skipped"]:
            out.print(f"- {s['note_id']} ({s['source']}): {s['reason']}", markup=False)
    else:
        out.print(msg("report.none_skipped", lang))
    out.print()
    model = report["model"]
    out.print(msg("report.model_line", lang, model_id=model.get("model_id", ""),
                  f1=model.get("test_macro_f1", ""), weak=", ".join(model.get("weak_codes", [])) or "—"))
    f1 = model.get("code_f1", {})
    out.print(" ".join(f"{_code_header(c, report)}({f1.get(c, 0):.2f})" for c in ALL_CODES), markup=False)
    out.print(msg("report.reliability", lang))
