"""Terminal rendering with rich (readable on 80 columns) and plain JSON output."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Sequence

from analyzer.messages import text as msg

if TYPE_CHECKING:  # pragma: no cover
    from analyzer.codebook import Codebook
    from analyzer.text.segment import Passage


def console(width: int | None = None):
    from rich.console import Console

    return Console(width=width, soft_wrap=False, highlight=False)


_CONTROLS = None


def plain(value: object, style: str = ""):
    r"""Data (a name, a note's text, a file name) as a rich ``Text`` that is shown exactly as written: never read
    as rich markup (``[bold]``, ``[link=…]``) and without control characters (a terminal escape loses its ESC;
    line breaks and tabs stay). Every console renderer passes data through here.

    >>> plain("Budi [/bold] [31m").plain
    'Budi [/bold] [31m'
    """
    import re

    from rich.text import Text

    global _CONTROLS
    if _CONTROLS is None:
        _CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
    return Text(_CONTROLS.sub("", str(value)), style=style)


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def codebook_data(cb: "Codebook", lang: str) -> dict:
    """The codebook as plain data in one language (for ``--format json``)."""
    return {
        "codes": [
            {
                "code": c.code,
                "group": c.group,
                "name": c.name(lang),
                "definition": c.definition(lang),
                "reflection_prompt": c.reflection_prompt(lang),
                "indicators_id": list(c.indicators_id),
                "breach_indicators_id": list(c.breach_indicators_id),
                "source": c.source,
            }
            for c in cb
        ],
        "intake_modes": [
            {"key": m.key, "name": m.name(lang), "description": m.description_en if lang == "en" else m.description_id}
            for m in cb.intake_modes
        ],
    }


def print_codebook(cb: "Codebook", lang: str) -> None:
    from rich.table import Table

    table = Table(title=msg("ui.codebook.title", lang), show_lines=True, expand=False)
    table.add_column(msg("ui.col.code", lang), no_wrap=True)
    table.add_column(msg("ui.col.name", lang), ratio=1)
    table.add_column(msg("ui.col.definition", lang), ratio=2)
    for group in ("principle", "engagement_outcome"):
        for c in cb:
            if c.group == group:
                table.add_row(plain(c.code), plain(c.name(lang)), plain(c.definition(lang)))
    out = console()
    out.print(table)
    modes = Table(title=msg("ui.intake.title", lang), show_lines=False)
    modes.add_column(msg("ui.col.name", lang))
    modes.add_column(msg("ui.col.definition", lang), ratio=1)
    for m in cb.intake_modes:
        modes.add_row(plain(m.name(lang)), plain(m.description_en if lang == "en" else m.description_id))
    out.print(modes)


def segment_data(path: str, passages: Sequence["Passage"]) -> dict:
    return {
        "file": path,
        "passages": [
            {"index": p.index, "start": p.start, "end": p.end, "kind": p.kind, "text": p.text, "tokens": list(p.tokens)}
            for p in passages
        ],
    }


def print_segments(path: str, passages: Sequence["Passage"], lang: str) -> None:
    from rich.table import Table

    table = Table(title=plain(msg("ui.segment.title", lang, path=path, n=len(passages))), show_lines=True)
    table.add_column(msg("ui.col.passage", lang), justify="right", no_wrap=True)
    table.add_column(msg("ui.col.span", lang), no_wrap=True)
    table.add_column(msg("ui.col.kind", lang), no_wrap=True)
    table.add_column(msg("ui.col.text", lang), ratio=3)
    table.add_column(msg("ui.col.tokens", lang), ratio=2)
    for p in passages:
        table.add_row(
            str(p.index), f"{p.start}-{p.end}", msg(f"ui.kind.{p.kind}", lang), plain(p.text), plain(" ".join(p.tokens))
        )
    console().print(table)


def print_check_report(path: str, report, lang: str) -> None:
    import click

    if report.ok:
        click.echo(msg("ui.corpus.ok", lang, path=path, n=len(report.records)))
        return
    click.echo(msg("ui.corpus.problems", lang, n=len(report.problems)))
    for problem in report.problems:
        click.echo(f"- {problem}")


def print_corpus_stats(stats: dict, lang: str) -> None:
    from rich.table import Table

    out = console()
    for name, rows in stats.items():
        table = Table(title=msg("ui.stats.title", lang, table=name))
        table.add_column("", no_wrap=True)
        for col in ("train", "test", "all"):
            table.add_column(msg(f"ui.col.{col}", lang), justify="right")
        for key, row in rows.items():
            table.add_row(key, str(row["train"]), str(row["test"]), str(row["all"]))
        out.print(table)


def print_evaluation(path: str, metrics: dict, lang: str) -> None:
    from rich.table import Table

    from analyzer.model.card import target_status

    out = console()
    out.print(msg("ui.eval.title", lang, path=path, n=metrics["passages"]))
    for key, title in (("applied", "ui.eval.applied"), ("breach", "ui.eval.breach")):
        table = Table(title=msg(title, lang))
        table.add_column(msg("ui.col.code", lang))
        for col in ("precision", "recall", "f1", "support"):
            table.add_column(msg(f"ui.col.{col}", lang), justify="right")
        for code, s in metrics[key].items():
            table.add_row(code, f"{s['precision']:.2f}", f"{s['recall']:.2f}", f"{s['f1']:.2f}", str(s["support"]))
        out.print(table)
    summary = Table(title=msg("ui.eval.summary", lang))
    for col in ("metric", "value", "target"):
        summary.add_column(msg(f"ui.col.{col}", lang))
    summary.add_column("")
    for name, value, cmp, goal, met in target_status(metrics):
        summary.add_row(name, f"{value:.3f}", f"{cmp} {goal:.2f}", msg("ui.status.met" if met else "ui.status.missed", lang))
    summary.add_row("breach_micro_f1", f"{metrics['breach_micro_f1']:.3f}", "", "")
    out.print(summary)


def print_transfer(meta: dict, lang: str) -> None:
    """The model's transfer figures: one headline row per evaluation, then per genre and per style."""
    from rich.table import Table

    from analyzer.model.card import headline_rows, target_status
    from analyzer.model.card import with_interval as ci

    out = console()

    table = Table(title=msg("ui.eval.transfer", lang))
    for col in ("evaluation", "passages", "micro-F1", "macro-F1", "breach_f1", "no_code_fp", "targets"):
        table.add_column(col if "-F1" in col else msg(f"ui.col.{col}", lang))
    for key, m in headline_rows(meta):
        met = sum(ok for *_, ok in target_status(m))
        table.add_row(msg(f"ui.eval.row.{key}", lang), str(m.get("passages", 0)), ci(m, "micro_f1"),
                      ci(m, "macro_f1"), ci(m, "breach_micro_f1"), ci(m, "no_code_false_positive_rate"),
                      msg("ui.eval.targets_met", lang, met=met, n=len(target_status(m))))
    out.print(table)
    for protocol, result in (meta.get("metrics", {}).get("transfer") or {}).items():
        groups = Table(title=msg(f"ui.eval.row.{protocol}", lang))
        for col in ("group", "passages", "micro-F1", "macro-F1", "breach_f1", "no_code_fp"):
            groups.add_column(col if "-F1" in col else msg(f"ui.col.{col}", lang))
        for name, m in result.get("groups", {}).items():
            groups.add_row(name, str(m.get("passages", 0)), ci(m, "micro_f1"), f"{m.get('macro_f1', 0):.3f}",
                           f"{m.get('breach_micro_f1', 0):.3f}", f"{m.get('no_code_false_positive_rate', 0):.3f}")
        out.print(groups)
    in_style = meta.get("metrics", {}).get("in_style") or {}
    if in_style:
        out.print(msg("ui.eval.in_style", lang, micro=in_style["micro_f1"], macro=in_style["macro_f1"],
                      n=in_style["passages"]))


def print_agreement(data: dict, lang: str) -> None:
    from rich.table import Table

    table = Table(title=f"Cohen's kappa ({data['passages']} passages)")
    table.add_column(msg("ui.col.code", lang))
    table.add_column("kappa", justify="right")
    table.add_column("1", justify="right")
    table.add_column("2", justify="right")
    table.add_column("1∧2", justify="right")
    for code, row in data["per_code"].items():
        kappa = "-" if row["kappa"] is None else f"{row['kappa']:.2f}"
        table.add_row(code, kappa, str(row["first"]), str(row["second"]), str(row["both"]))
    out = console()
    out.print(table)
    fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
    out.print(f"overall {fmt(data['overall'])} · mean {fmt(data['mean'])} · exact match {fmt(data['exact_match'])}"
              f" · disagreements {len(data['disagreements'])}")
    for key in ("only_first", "only_second"):
        if data.get(key):
            ids = data[key]
            out.print(plain(msg(f"ui.agreement.{key}", lang, n=len(ids),
                                ids=", ".join(ids[:20]) + (" …" if len(ids) > 20 else ""))))
