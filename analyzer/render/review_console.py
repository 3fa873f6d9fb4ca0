"""``analyzer review`` in the terminal: the note passage by passage with its codes inline (colour on a
terminal, plain markers otherwise), then what the note shows and the reflection prompts for what it does not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.messages import text as msg

if TYPE_CHECKING:  # pragma: no cover
    from analyzer.codebook import Codebook
    from analyzer.report.review import Review


def print_review(review: "Review", codebook: "Codebook", lang: str, color: bool | None = None) -> None:
    from rich.console import Console
    from rich.text import Text

    out = Console(highlight=False, soft_wrap=False, no_color=(color is False),
                  force_terminal=True if color else None, width=100 if color is None else None)
    plain = color is False or not out.is_terminal
    weak = set(review.weak_codes)
    out.print(Text(msg("review.title", lang), style="bold"))
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
        out.print(f"- {code} {codebook[code].name(lang)}: {prompt}")
    if review.corrections:
        out.print()
        for line in correction_lines(review.corrections, lang):
            out.print(line, markup=False)
    out.print()
    out.print(Text(msg("review.note", lang), style="italic"))


def correction_lines(summary: dict, lang: str) -> list[str]:
    """What applying a corrections file did, and every stale correction (shared by report and review)."""
    lines = [msg("corrections.summary", lang, file=summary.get("file") or "-", applied=summary["applied"],
                 moved=summary["moved"], stale=len(summary["stale"]), absent=summary["absent"])]
    for s in summary["stale"]:
        lines.append("- " + msg("corrections.stale_line", lang, id=s["id"], note_id=s["note_id"], passage=s["passage"],
                                codes=" ".join(s["codes"]), by=s.get("by") or "-", at=s["at"],
                                reason=msg("corrections.reason." + s["reason"], lang)))
    return lines
