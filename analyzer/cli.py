"""Command-line interface: a thin shell over the library (parse, call one function, render).

Heavy libraries (spaCy, scikit-learn, pandas) are imported inside the commands that need them so that
``analyzer --help`` and ``analyzer codebook`` start fast.
"""

from __future__ import annotations

import functools
from pathlib import Path

import click

from analyzer import __version__
from analyzer.errors import AnalyzerError

LANG_CHOICE = click.Choice(["id", "en"])


class AnalyzerCommand(click.Command):
    """Turns library errors into ``Error: …`` (exit code 1) in the language the user chose."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AnalyzerError as err:
            raise click.ClickException(err.render(ctx.params.get("lang") or "id")) from None


class AnalyzerGroup(click.Group):
    command_class = AnalyzerCommand

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.group_class = AnalyzerGroup


# Shared options -------------------------------------------------------------------------------------------


def lang_option(func):
    """``--lang id|en``: language of everything the command prints."""
    return click.option(
        "--lang", type=LANG_CHOICE, default="id", show_default=True,
        help="Language of the output: Indonesian (id) or English (en).",
    )(func)


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
        help="Codebook YAML file (default: corpora/codebook.yaml of this checkout).",
    )(func)


# Commands ---------------------------------------------------------------------------------------------------


@click.group(cls=AnalyzerGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="analyzer")
def cli() -> None:
    """Find the 16 negotiation principles and the 4 engagement outcomes in Indonesian social-work session
    notes, and report their coverage per worker.

    \b
    Example:
      analyzer codebook --lang en
    """


@cli.command()
@lang_option
@format_option("table", "json")
@codebook_option
def codebook(lang: str, fmt: str, codebook_path: Path | None) -> None:
    """List the codes (P01-P16 principles, E1-E4 engagement outcomes) with names and definitions.

    \b
    Example:
      analyzer codebook --lang en --format json
    """
    from analyzer.codebook import load_codebook
    from analyzer.render import console

    cb = load_codebook(codebook_path)
    if fmt == "json":
        click.echo(console.dump_json(console.codebook_data(cb, lang)))
    else:
        console.print_codebook(cb, lang)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=True, allow_dash=True))
@lang_option
@format_option("table", "json")
def segment(file: str, lang: str, fmt: str) -> None:
    """Show how a note FILE (.txt, .md, .docx, or - for stdin) is split into passages: offsets, kind
    (header/body) and normalised tokens. For debugging.

    \b
    Example:
      analyzer segment catatan.txt --format json
    """
    from analyzer.render import console
    from analyzer.segment import segment_note
    from analyzer.textfile import read_note_file

    passages = segment_note(read_note_file(file))
    if fmt == "json":
        click.echo(console.dump_json(console.segment_data(file, passages)))
    else:
        console.print_segments(file, passages, lang)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="analyzer")


__all__ = ["cli", "main", "lang_option", "format_option", "codebook_option", "functools"]
