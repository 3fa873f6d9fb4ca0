"""``analyzer review`` in the terminal: which note it is, the note passage by passage with its codes inline
(colour on a terminal, plain markers otherwise), what the note shows, the prioritised reflection prompts and, with
``--history``, how it compares with the worker's earlier notes. Lines wrap at word boundaries at the terminal's
width."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.messages import text as msg
from analyzer.render import formats

if TYPE_CHECKING:  # pragma: no cover
    from analyzer.codebook import Codebook
    from analyzer.report.review import Review


def print_review(review: "Review", codebook: "Codebook", lang: str, color: bool | None = None,
                 width: int | None = None) -> None:
    from rich.console import Console
    from rich.text import Text

    out = Console(highlight=False, soft_wrap=False, no_color=(color is False),
                  force_terminal=True if color else None, width=width)
    plain = color is False or not out.is_terminal
    weak = set(review.weak_codes)
    out.print(Text(msg("review.title", lang), style="bold"))
    note = review.note or {}
    if any(note.values()):
        out.print(Text(msg("review.header", lang, note_id=note.get("note_id") or "—",
                           worker=note.get("worker") or "—", client=note.get("client") or "—",
                           date=formats.date(note.get("date"), lang, "long")), style="bold"))
    for p in review.passages:
        out.print()
        line = Text(f"[{p.index + 1}] ", style="dim")
        line.append(p.text, style="dim" if p.kind == "header" else "")
        out.print(line)
        if p.kind == "header":
            continue
        for code in p.labels:
            mark = "+" if plain else "✓"
            t = Text(f"    {mark} {code}{'*' if code in weak else ''} {codebook[code].name(lang)}", style="green")
            if code in p.confirmed:
                t.append(f" [{msg('review.confirmed', lang)}]", style="bold")
            terms = p.evidence.get(code) or []
            if terms:
                t.append(f"  ({', '.join(terms)})", style="dim")
            out.print(t)
        for code in p.breaches:
            mark = "!" if plain else "✗"
            t = Text(f"    {mark} {code} {msg('review.breached', lang)}: {codebook[code].name(lang)}", style="bold red")
            if "!" + code in p.confirmed:
                t.append(f" [{msg('review.confirmed', lang)}]", style="bold")
            terms = p.evidence.get("breach:" + code) or []
            if terms:
                t.append(f"  ({', '.join(terms)})", style="dim")
            out.print(t)
    out.print()
    out.print(Text(msg("review.summary", lang), style="bold"))
    shown = ", ".join(review.principles_shown) or "—"
    out.print(f"{msg('review.principles_shown', lang)} ({len(review.principles_shown)}/16): {shown}")
    out.print(f"{msg('review.outcomes_reached', lang)}: {', '.join(review.outcomes_reached) or '—'}")
    if review.breaches:
        out.print(Text(f"{msg('review.breaches', lang)}: {', '.join(review.breaches)}", style="bold red"))
    out.print()
    out.print(Text(msg("review.prompts", lang), style="bold"))
    for code, prompt in review.prompts.items():
        style = "red" if code in review.breaches else ""
        out.print(Text(f"- {code} {codebook[code].name(lang)}: {prompt}", style=style))
    more = len(review.principles_missing) + len(review.outcomes_missing) - (len(review.prompts)
                                                                             - len(review.breaches))
    if more > 0:
        out.print(Text(msg("review.prompts_more", lang, n=more), style="dim"))
    if review.history is not None:
        _print_history(out, review, codebook, lang)
    if review.corrections:
        out.print()
        for line in correction_lines(review.corrections, lang):
            out.print(plain(line))
    out.print()
    out.print(Text(msg("review.note", lang), style="italic"))


def _print_history(out, review: "Review", codebook: "Codebook", lang: str) -> None:
    from rich.text import Text

    h = review.history
    out.print()
    out.print(Text(msg("review.history_title", lang), style="bold"))
    if not h["notes"]:
        out.print(msg("review.history_none", lang, worker=h["worker"]))
        return
    out.print(msg("review.history_line", lang, notes=formats.number(h["notes"], lang),
                  first=formats.date(h["first_date"], lang), last=formats.date(h["last_date"], lang)))
    for key, codes in (("review.history_new", h["new"]), ("review.history_usual_missing", h["usual_missing"]),
                       ("review.history_repeated", h["repeated_breaches"])):
        if codes:
            repeated = key == "review.history_repeated"
            items = ", ".join(f"{c} {codebook[c].name(lang)} ("
                              + (msg("review.history_breached_notes", lang, n=h["codes"][c]["breached_notes"])
                                 if repeated else formats.percent(h["codes"][c]["share"], lang)) + ")"
                              for c in codes)
            out.print(Text(f"- {msg(key, lang)}: {items}"))
    out.print(Text(f"  (%) = {msg('review.history_share', lang)}", style="dim"))


def correction_lines(summary: dict, lang: str) -> list[str]:
    """What applying a corrections file did, and every stale correction (shared by report and review)."""
    lines = [msg("corrections.summary", lang, file=summary.get("file") or "-", applied=summary["applied"],
                 moved=summary["moved"], stale=len(summary["stale"]), absent=summary["absent"])]
    for s in summary["stale"]:
        lines.append("- " + msg("corrections.stale_line", lang, id=s["id"], note_id=s["note_id"], passage=s["passage"],
                                codes=" ".join(s["codes"]), by=s.get("by") or "-", at=s["at"],
                                reason=msg("corrections.reason." + s["reason"], lang)))
    return lines
