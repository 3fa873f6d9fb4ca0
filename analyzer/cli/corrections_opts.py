"""``--corrections FILE`` / ``--no-corrections``: the corrections file every analysis, report and review applies
(``io/corrections.py``), by default ``corrections.jsonl`` beside the results (or the notes)."""

from __future__ import annotations

from pathlib import Path

import click


def corrections_option(func):
    func = click.option(
        "--no-corrections", is_flag=True,
        help="Apply no corrections: every code as the model decided.",
    )(func)
    return click.option(
        "--corrections", "corrections_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="Corrections file (default: corrections.jsonl beside the results or notes, when it exists); "
             "a corrected code wins over the model.",
    )(func)


def corrections_for(path: Path | None, no_corrections: bool, anchor: str | Path | None) \
        -> tuple[list[dict] | None, str | None]:
    """(corrections, file) to apply: none with ``--no-corrections``; the file named (which must exist); or the
    default file beside ``anchor`` when there is one."""
    from analyzer.io.corrections import default_path, read_corrections

    if no_corrections:
        return None, None
    if path is not None:
        return read_corrections(path, missing_ok=False), str(path)
    if anchor is None or str(anchor) == "-":
        return None, None
    default = default_path(anchor)
    if not default.is_file():
        return None, None
    return read_corrections(default), str(default)


def echo_summary(summary: dict | None, lang: str) -> None:
    """What applying the corrections did, on stderr (one line, then every stale correction)."""
    if not summary:
        return
    from analyzer.render.review_console import correction_lines

    for line in correction_lines(summary, lang):
        click.echo(line, err=True)
