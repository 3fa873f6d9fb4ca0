"""People's corrections in the terminal: the part of the report about which findings rest on codes a person
confirmed and which on the model alone, the list of corrections (``analyzer correct``), and the passages
``analyzer suggest`` proposes for labelling. Every value from the data is shown through ``plain``."""

from __future__ import annotations

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES
from analyzer.messages import text as msg
from analyzer.render.console import plain


def print_basis(out, report: dict, lang: str) -> None:
    """Per worker: findings, confirmed by a person, model only, and the codes with confirmed passages; then what
    applying the corrections file did. One line when no finding is confirmed."""
    from rich.table import Table

    from analyzer.render.review_console import correction_lines

    totals = report["totals"]
    if not totals.get("findings_confirmed"):
        out.print(msg("report.basis_model_only", lang, findings=totals.get("findings", 0)))
    else:
        table = Table(title=msg("report.basis", lang))
        table.add_column(msg("col.worker", lang), overflow="fold", max_width=16)
        for key in ("col.findings", "col.confirmed", "col.model_only"):
            table.add_column(msg(key, lang), justify="right")
        table.add_column(msg("col.confirmed_codes", lang), overflow="fold")
        for w in report["workers"]:
            codes = []
            for code in ALL_CODES:
                c = w["codes"][code]
                if c.get("applied_confirmed"):
                    codes.append(f"{code} {c['applied_confirmed']}/{c['applied']}")
                if code in PRINCIPLE_CODES and c.get("breached_confirmed"):
                    codes.append(f"!{code} {c['breached_confirmed']}/{c['breached']}")
            table.add_row(plain(w["worker"]), str(w["findings"]), str(w["findings_confirmed"]),
                          str(w["findings"] - w["findings_confirmed"]), " ".join(codes) or "—")
        out.print(table)
    if report.get("corrections"):
        for line in correction_lines(report["corrections"], lang):
            out.print(plain(line))
    out.print()


def print_correction_list(rows: list[dict], file, lang: str) -> None:
    """The corrections of a file with their status (``analysis.corrections.correction_status``)."""
    from rich.console import Console
    from rich.table import Table

    out = Console(width=100, highlight=False)
    if not rows:
        out.print(msg("ui.correct.none", lang, path=file), markup=False)
        return
    table = Table(title=plain(msg("ui.correct.title", lang, path=file)))
    for key in ("col.id", "col.action", "col.note", "col.passage_n", "col.codes", "col.by", "col.at", "col.status"):
        table.add_column(msg(key, lang), overflow="fold")
    for r in rows:
        status = r["status"]
        status_text = msg("corrections.status." + status.split(":")[0], lang)
        if ":" in status:
            status_text += f" ({msg('corrections.reason.' + status.split(':')[1], lang)})"
        where = (r.get("note_id"), r.get("passage")) if r["action"] != "undo" else (f"→ {r['target']}", "")
        table.add_row(*(plain(v) for v in (r["id"], r["action"], str(where[0]), str(where[1]), " ".join(r["codes"]),
                                           r.get("by") or "-", r["at"], status_text)))
    out.print(table)


def print_suggestions(rows: list[dict], lang: str, excerpt: int = 160) -> None:
    """The passages ``analyzer suggest`` picked, in rank order, with score and threshold in the language's
    numbers and the (masked) excerpt."""
    from rich.console import Console
    from rich.table import Table

    from analyzer.render.formats import decimal

    out = Console(width=100, highlight=False)
    table = Table(title=msg("ui.suggest.title", lang, n=len(rows)))
    for key in ("col.rank", "col.note", "col.passage_n", "col.worker", "col.code", "col.score_threshold",
                "col.excerpt"):
        table.add_column(msg(key, lang), overflow="fold")
    for rank, r in enumerate(rows, start=1):
        text = " ".join(r["text"].split())
        text = text[:excerpt] + ("…" if len(text) > excerpt else "")
        score = f"{decimal(r['score'], lang)}/{decimal(r['threshold'], lang)}"
        table.add_row(*(plain(v) for v in (str(rank), r["note_id"], str(r["passage"]), r["worker"], r["label"],
                                           score, text)))
    out.print(table)
