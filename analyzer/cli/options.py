"""Options shared by several commands, as reusable decorators (``@lang_option``, ``@model_option``, …), and the
small helpers that read their values (``redaction``, ``corrections_for``)."""

from __future__ import annotations

from pathlib import Path

import click

LANG_CHOICE = click.Choice(["id", "en"])


class OutputPath(click.Path):
    """A path the command writes. An empty name is the error ``output.empty`` (Click would read ``''`` as ``.``,
    the current folder, and the error would then speak of a folder or of an input)."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value:
            from analyzer.cli.app import CURRENT_LANG
            from analyzer.errors import InputError

            raise click.ClickException(InputError("output.empty").render(CURRENT_LANG.get()))
        return super().convert(value, param, ctx)


def lang_option(func):
    """``--lang id|en``: language of everything the command prints."""
    return click.option(
        "--lang", type=LANG_CHOICE, default="id", show_default=True,
        help="Language of the output: Indonesian (id) or English (en).",
    )(func)


def redact_option(func):
    """``--redact all|ids|none`` (and ``--no-redact``, the same as ``--redact none``): what is masked in
    every text the command writes."""
    func = click.option(
        "--no-redact", "no_redact", is_flag=True, hidden=True, help="The same as --redact none.",
    )(func)
    return click.option(
        "--redact", "redact_mode", type=click.Choice(["all", "ids", "none"]), default="all", show_default=True,
        help="Mask personal identifiers in note text and evidence: all (names, addresses, schools and "
             "workplaces, NIK/KK, phone, e-mail, accounts, BPJS, NISN, NPWP, plates, case numbers, birth dates), "
             "ids (numbers and birth dates only) or none.",
    )(func)


def redaction(redact_mode: str, no_redact: bool) -> str:
    """The masking mode ``--redact``/``--no-redact`` ask for."""
    return "none" if no_redact else redact_mode


def format_option(*choices: str, default: str | None = None):
    """``--format``: output format, the first choice being the default."""

    def decorator(func):
        return click.option(
            "--format", "fmt", type=click.Choice(list(choices)), default=default or choices[0],
            show_default=True, help="Output format.",
        )(func)

    return decorator


def codebook_option(func):
    """``--codebook PATH``: an alternative codebook file."""
    return click.option(
        "--codebook", "codebook_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="Codebook YAML file (default: the codebook shipped in the package).",
    )(func)


def model_option(func):
    """``--model DIR``: a model directory (default: analyzer/data/model)."""
    return click.option(
        "--model", "model_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Model directory (default: analyzer/data/model of this checkout).",
    )(func)


def columns_option(func):
    """``--columns worker=Petugas,text=Catatan``: map the table's column names to the note fields."""
    return click.option(
        "--columns", "columns_spec", default=None, metavar="FIELD=COLUMN,...",
        help="Map column names of the input tables to note_id, worker, client, date, text "
             "(e.g. worker=Petugas,text=Catatan).",
    )(func)


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
