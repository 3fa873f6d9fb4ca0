"""Command-line interface: a thin shell over the library (parse, call one function, render).

Heavy libraries (spaCy, scikit-learn, pandas) are imported inside the commands that need them so that
``analyzer --help`` and ``analyzer codebook`` start fast.
"""

from __future__ import annotations

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


def corpus_path_argument(func):
    """``[PATH]``: a corpus folder of JSONL files or one JSONL file (default: corpora/annotated)."""
    from analyzer.paths import DEFAULT_CORPUS_DIR

    return click.argument(
        "path", type=click.Path(path_type=Path), default=DEFAULT_CORPUS_DIR, required=False,
    )(func)


@cli.group()
def corpus() -> None:
    """Check and count the annotated corpus (corpora/annotated/*.jsonl).

    \b
    Example:
      analyzer corpus check
    """


@corpus.command("check")
@corpus_path_argument
@click.option("--skip-minimums", is_flag=True, help="Check schema and duplicates only, not the minimum counts.")
@click.option("--similarity", type=click.FloatRange(0.5, 1.0), default=0.8, show_default=True,
              help="Character n-gram similarity at which two passages count as near-duplicates.")
@lang_option
def corpus_check(path: Path, skip_minimums: bool, similarity: float, lang: str) -> None:
    """Validate the corpus at PATH: schema, unknown codes, empty or over-long text, duplicate ids, exact and
    near-duplicate texts (listed in pairs), batches split across train/test, and minimum counts per code.
    Exits with 1 on any problem.

    \b
    Example:
      analyzer corpus check corpora/annotated
    """
    from analyzer.corpus import Minimums, check_corpus
    from analyzer.errors import CorpusError
    from analyzer.render import console

    report = check_corpus(path, None if skip_minimums else Minimums(), similarity)
    console.print_check_report(str(path), report, lang)
    if not report.ok:
        raise CorpusError("corpus.check_failed", n=len(report.problems))


@corpus.command("stats")
@corpus_path_argument
@lang_option
@format_option("table", "json")
def corpus_stats(path: Path, lang: str, fmt: str) -> None:
    """Count passages per code (applied and breached), setting, style, batch and split.

    \b
    Example:
      analyzer corpus stats --format json
    """
    from analyzer.corpus import corpus_stats as stats, read_records
    from analyzer.render import console

    data = stats(read_records(path))
    if fmt == "json":
        click.echo(console.dump_json(data))
    else:
        console.print_corpus_stats(data, lang)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="analyzer")


__all__ = ["cli", "main", "lang_option", "format_option", "codebook_option"]
