"""Commands on the codebook and the annotated corpus: ``codebook``, ``corpus check|stats|agreement``."""

from __future__ import annotations

from pathlib import Path

import click

from analyzer.cli.app import cli
from analyzer.cli.options import codebook_option, format_option, lang_option


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


def corpus_path_argument(func):
    """``[PATH]``: a corpus folder of JSONL files or one JSONL file (default: corpora/annotated)."""
    from analyzer.resources import DEFAULT_CORPUS_DIR

    return click.argument(
        "path", type=click.Path(path_type=Path), default=DEFAULT_CORPUS_DIR, required=False,
    )(func)


@cli.group()
@lang_option
def corpus(lang: str) -> None:
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
    from analyzer.corpus.records import Minimums, check_corpus
    from analyzer.errors import CorpusError
    from analyzer.render import console

    report = check_corpus(path, None if skip_minimums else Minimums(), similarity)
    console.print_check_report(str(path), report, lang)
    if not report.ok:
        raise CorpusError("corpus.check_failed", n=len(report.problems))


@corpus.command("stats")
@corpus_path_argument
@lang_option
@format_option("table", "json", "markdown")
def corpus_stats(path: Path, lang: str, fmt: str) -> None:
    """Count passages per code (applied and breached), setting, style, batch and split (markdown: the
    tables of the datasheet corpora/README.md).

    \b
    Example:
      analyzer corpus stats --format json
    """
    from analyzer.corpus.records import corpus_stats as stats, read_records
    from analyzer.render import console

    data = stats(read_records(path))
    if fmt == "json":
        click.echo(console.dump_json(data))
    elif fmt == "markdown":
        from analyzer.corpus.records import stats_markdown

        click.echo(stats_markdown(data), nl=False)
    else:
        console.print_corpus_stats(data, lang)


@corpus.command("agreement")
@click.argument("first", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("second", type=click.Path(dir_okay=False, path_type=Path))
@lang_option
@format_option("table", "json")
def corpus_agreement(first: Path, second: Path, lang: str, fmt: str) -> None:
    """Cohen's kappa per code between two annotation passes of the same passages (JSONL lines with id,
    labels, breaches), overall and averaged, and the ids that disagree.

    \b
    Example:
      analyzer corpus agreement corpora/agreement/first_annotation.jsonl corpora/agreement/second_annotation.jsonl
    """
    from analyzer.corpus.agreement import agreement, read_second_pass
    from analyzer.render import console

    from analyzer.errors import CorpusError

    passes = read_second_pass(first), read_second_pass(second)
    if not set(passes[0]) & set(passes[1]):
        raise CorpusError("agreement.no_common", first=str(first), second=str(second))
    data = agreement(*passes)
    if fmt == "json":
        click.echo(console.dump_json(data))
    else:
        console.print_agreement(data, lang)
