"""Commands that read notes into passages: ``segment`` (how one note is split) and ``analyze`` (a collection
to a results file)."""

from __future__ import annotations

from pathlib import Path

import click

from analyzer.cli.app import cli
from analyzer.cli.options import (OutputPath, columns_option, corrections_for, corrections_option, echo_summary,
                                  format_option, lang_option, model_option, redact_option, redaction)
from analyzer.cli.output import Progress


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
    from analyzer.text.segment import segment_note
    from analyzer.io.documents import read_note_file

    passages = segment_note(read_note_file(file))
    if fmt == "json":
        click.echo(console.dump_json(console.segment_data(file, passages)))
    else:
        console.print_segments(file, passages, lang)


@cli.command()
@click.argument("notes", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=OutputPath(),
              help="Results to write: a Parquet file (local engine) or a folder of Parquet parts (dask engine).")
@columns_option
@model_option
@redact_option
@click.option("--jobs", type=click.IntRange(1, None), default=None,
              help="Worker processes for the local engine (default: all cores); results are identical to --jobs 1.")
@click.option("--cache", "cache_path", type=OutputPath(), default=None,
              help="Result cache file (default: OUTPUT.cache.sqlite); reruns re-analyse only changed notes.")
@click.option("--no-cache", is_flag=True, help="Analyse every note again and keep no cache.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Run on this machine, or on a Dask cluster.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler address (tcp://host:8786); without it --engine dask starts a local cluster.")
@corrections_option
@lang_option
def analyze(notes: tuple[Path, ...], output: str, columns_spec: str | None, model_dir: Path | None,
            redact_mode: str, no_redact: bool, jobs: int | None, cache_path: str | None, no_cache: bool, engine: str,
            scheduler: str | None, corrections_path: Path | None, no_corrections: bool, lang: str) -> None:
    """Analyse NOTES (tables: .csv .xlsx .jsonl .parquet; folders of .txt .md .docx; single note files) and
    write passage-level results (note, offsets, codes, breaches, scores, evidence) as Parquet. Streams in
    chunks with bounded memory, uses all cores, re-analyses only notes whose text changed since the last run,
    and writes atomically. Notes that cannot be analysed are kept in the results' list of skipped notes.
    Corrections (corrections.jsonl beside OUTPUT, or --corrections) win over the model; stale ones are listed.

    \b
    Examples:
      analyzer analyze corpora/demo/notes -o hasil.parquet
      analyzer analyze notes.parquet -o hasil/ --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from analyzer.analysis.corrections import Corrector
    from analyzer.messages import text as msg
    from analyzer.io.notes import parse_columns

    columns = parse_columns(columns_spec)
    records, file = corrections_for(corrections_path, no_corrections, output)
    corrector = Corrector(records or [], file)
    if engine == "dask":
        from analyzer.analysis.dask_engine import run_dask

        summary = run_dask(notes, output, model_dir, columns, redaction(redact_mode, no_redact), scheduler,
                           corrections=corrector)
    else:
        from analyzer.analysis.local import run_local

        from analyzer.io.note_count import count_notes

        with Progress(msg("ui.analyze.progress", lang), bar=True, total=lambda: count_notes(notes)) as progress:
            summary = run_local(notes, output, model_dir, columns, redaction(redact_mode, no_redact), jobs,
                                False if no_cache else cache_path, progress=progress.advance, corrections=corrector)
    click.echo(msg("ui.analyze.done", lang, notes=summary.notes, passages=summary.passages,
                   skipped=len(summary.skipped), path=output), err=True)
    if engine == "local" and not no_cache:
        click.echo(msg("ui.analyze.cache", lang, analysed=summary.analysed, cached=summary.cached), err=True)
    echo_summary(summary.corrections, lang)
