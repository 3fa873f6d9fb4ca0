"""The coverage report in the terminal (rich tables, readable on 80 columns, as wide as the terminal).

Every table names its codes (a legend follows the code matrix) and states its units; numbers and dates are
written as the chosen language writes them; every breach is listed with its principle, evidence, note and date.
"""

from __future__ import annotations

from analyzer.codebook import ALL_CODES, OUTCOME_CODES, PRINCIPLE_CODES
from analyzer.messages import text as msg
from analyzer.render import formats
from analyzer.render.console import plain


def _code_header(code: str, report: dict) -> str:
    weak = set(report["model"].get("weak_codes", []))
    return code + ("*" if code in weak else "")


def print_report(report: dict, lang: str, by: str = "worker", width: int | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    n = lambda v: formats.number(v, lang)  # noqa: E731
    pct = lambda v: formats.percent(v, lang)  # noqa: E731
    day = lambda v: formats.date(v, lang, "short")  # noqa: E731
    names = {c["code"]: c["name"] for c in report["codes"]}
    import sys

    # as wide as the terminal; 80 columns in a file or a pipe, so saved reports do not depend on the window
    out = Console(width=width or (None if sys.stdout.isatty() else 80), highlight=False, soft_wrap=False)
    t = report["totals"]
    out.print(f"[bold]{msg('report.title', lang)}[/bold]")
    out.print(msg("report.totals_units", lang, **{k: n(v) for k, v in t.items()}))
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
            table.add_row(plain(w["worker"]), n(w["notes"]), n(w["clients"]),
                          f"{w['principles_evidenced']}/16 ({pct(w['principle_coverage'])})",
                          n(w["breach_passages"]), gaps)
        out.print(table)
        for codes in (PRINCIPLE_CODES[:8], PRINCIPLE_CODES[8:], OUTCOME_CODES):
            matrix = Table(title=msg("report.codes_matrix", lang), caption=msg("report.codes_matrix_units", lang),
                           show_lines=False, pad_edge=False)
            matrix.add_column(msg("col.worker", lang), overflow="fold", max_width=16)
            for code in codes:
                matrix.add_column(_code_header(code, report), justify="right")
            for w in report["workers"]:
                cells = []
                for code in codes:
                    c = w["codes"][code]
                    cell = n(c["notes"])
                    if c.get("breached"):
                        cell += f" [red]!{n(c['breached'])}[/red]"
                    cells.append(cell)
                matrix.add_row(plain(w["worker"]), *cells)
            out.print(matrix)
        _legend(out, report, lang)
    elif by == "client":
        table = Table(title=msg("report.clients", lang),
                      caption=msg("report.case_help", lang, case=msg("report.case_key." + report.get(
                          "case_key", "worker+client"), lang),
                          complete=n(sum(1 for c in report["clients"] if c["engagement_complete"])),
                          n=n(len(report["clients"]))))
        table.add_column(msg("col.case", lang), overflow="fold")
        table.add_column(msg("col.notes", lang), justify="right")
        for e in OUTCOME_CODES:
            table.add_column(_code_header(e, report), justify="center", overflow="fold")
        table.add_column(msg("col.complete", lang), justify="center")
        for c in report["clients"]:
            late = {o["code"] for o in c.get("out_of_order", [])}
            marks = [(formats.date(c["outcomes"][e], lang, "compact") if c["outcomes"][e] else "✓") + (" ⚠" if e in late else "")
                     if c["outcome_notes"][e] else "·" for e in OUTCOME_CODES] if "outcome_notes" in c else \
                ["✓" if c["outcomes"][e] else "·" for e in OUTCOME_CODES]
            table.add_row(plain(c.get("case", c["client"])), n(c["notes"]), *marks,
                          msg("word.yes" if c["engagement_complete"] else "word.no", lang))
        out.print(table)
        out.print(" · ".join(f"{e} {names.get(e, '')}" for e in OUTCOME_CODES))
    else:
        table = Table(title=msg("report.months", lang))
        for key, justify in (("col.month", "left"), ("col.notes", "right"), ("col.workers_n", "right"),
                             ("col.principle_coverage", "right"), ("col.breach_passages", "right")):
            table.add_column(msg(key, lang), justify=justify)
        for m in report["months"]:
            table.add_row(formats.month(m["month"], lang), n(m["notes"]), n(m["workers"]),
                          pct(m["principle_coverage"]), n(m["breach_passages"]))
        out.print(table)

    breaches = [(w["worker"], b) for w in report["workers"] for b in w["breaches"]]
    out.print()
    out.print(f"[bold]{msg('report.breaches', lang)} ({n(len(breaches))})[/bold]")
    for worker, b in breaches:
        out.print(plain(f"- {day(b['date'])} · {worker} · {b['note_id']} ¶{b['passage']}"))
        for code in b["codes"]:
            terms = ", ".join(b.get("evidence", {}).get("breach:" + code, []))
            out.print(plain(f"  ! {code} {names.get(code, '')}" + (f" ({terms})" if terms else ""), "red"))
        out.print(plain(f"  {formats_excerpt(b['excerpt'])}", "dim"))
    out.print()

    from analyzer.render.corrections_console import print_basis

    print_basis(out, report, lang)
    out.print(f"[bold]{msg('report.skipped', lang)}[/bold]")
    if report["skipped"]:
        for s in report["skipped"]:
            out.print(plain(f"- {s['note_id']} ({s['source']}): {s['reason']}"))
    else:
        out.print(msg("report.none_skipped", lang))
    out.print()
    model = report["model"]
    out.print(msg("report.model_line", lang, model_id=model.get("model_id", ""),
                  f1=formats.decimal(model.get("test_macro_f1"), lang, 3),
                  weak=", ".join(model.get("weak_codes", [])) or "—"))
    f1 = model.get("code_f1", {})
    out.print(" ".join(f"{_code_header(c, report)}({formats.decimal(f1.get(c, 0), lang)})" for c in ALL_CODES),
              markup=False)
    out.print(msg("report.reliability", lang))


def formats_excerpt(text: str, limit: int = 160) -> str:
    """A breach excerpt short enough for a terminal list."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _legend(out, report: dict, lang: str) -> None:
    """The codes of the matrix with their names, in the user's language."""
    from rich.table import Table

    legend = Table(title=msg("report.legend", lang), show_header=False, box=None, pad_edge=False)
    legend.add_column(no_wrap=True)
    legend.add_column(overflow="fold")
    for c in report["codes"]:
        legend.add_row(_code_header(c["code"], report), plain(c["name"]))
    out.print(legend)
