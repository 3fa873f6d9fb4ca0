"""The part of the terminal report about people's corrections: which findings rest on codes a person confirmed
and which on the model alone, and the corrections that were applied or are stale."""

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
            table.add_row(w["worker"], str(w["findings"]), str(w["findings_confirmed"]),
                          str(w["findings"] - w["findings_confirmed"]), " ".join(codes) or "—")
        out.print(table)
    if report.get("corrections"):
        for line in correction_lines(report["corrections"], lang):
            out.print(plain(line))
    out.print()
