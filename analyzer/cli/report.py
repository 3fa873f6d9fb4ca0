"""Commands that show results to people: ``report`` (coverage per worker, case and month) and ``review`` (one
note before supervision)."""

from __future__ import annotations

from pathlib import Path

import click

from analyzer.cli.app import cli
from analyzer.cli.options import (OutputPath, codebook_option, columns_option, corrections_for, corrections_option,
                                  format_option, lang_option, model_option, redact_option, redaction)
from analyzer.cli.output import Progress, emit
from analyzer.io.atomic import atomic_path
from analyzer.io.outputs import check_output


@cli.command()
@click.argument("inputs", metavar="NOTES_OR_RESULTS...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--by", type=click.Choice(["worker", "client", "month"]), default="worker", show_default=True,
              help="Main view of the table and csv formats.")
@click.option("--worker", default=None, help="Only this worker's notes.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only notes on or after this date (YYYY-MM-DD).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only notes on or before this date (YYYY-MM-DD).")
@format_option("table", "csv", "xlsx", "json", "html")
@click.option("-o", "--output", type=OutputPath(), default=None,
              help="Output file (default: the terminal; xlsx needs a file).")
@click.option("--case-key", type=click.Choice(["worker+client", "client"]), default="worker+client",
              show_default=True, help="What one case is: a worker's work with a client, or the client across "
                                      "workers (when client ids are unique register numbers).")
@click.option("--csv-dialect", type=click.Choice(["excel", "excel-id"]), default="excel", show_default=True,
              help="CSV: comma and decimal point (excel), or semicolon and decimal comma for a spreadsheet in "
                   "Indonesian settings (excel-id).")
@lang_option
@redact_option
@columns_option
@model_option
@codebook_option
@corrections_option
def report(inputs: tuple[Path, ...], by: str, worker: str | None, date_from, date_to, fmt: str,
           output: str | None, case_key: str, csv_dialect: str, lang: str, redact_mode: str, no_redact: bool,
           columns_spec: str | None, model_dir: Path | None, codebook_path: Path | None,
           corrections_path: Path | None, no_corrections: bool) -> None:
    """Coverage report per worker (and per client/case and month) from notes, or from a results file of
    'analyzer analyze': which principles and engagement outcomes each worker's notes show, breaches for
    review, gaps, and the model's reliability per code. Corrections (corrections.jsonl beside the input, or
    --corrections) win over the model, and the report says which findings a person confirmed.

    \b
    Examples:
      analyzer report corpora/demo/notes
      analyzer report hasil.parquet --by client --format html -o laporan.html --lang en
    """
    import sys

    from analyzer.errors import InputError
    from analyzer.messages import text as msg
    from analyzer.io.notes import parse_columns
    from analyzer.codebook import load_codebook
    from analyzer.report.source import load_analysis, make_report

    if fmt == "xlsx" and output is None:
        raise InputError("report.needs_output", fmt="xlsx")
    from analyzer.io.note_count import count_notes
    from analyzer.io.results import results_metadata

    if output is not None:
        output = check_output(output, inputs)
    results_file = len(inputs) == 1 and results_metadata(inputs[0]) is not None
    records, file = corrections_for(corrections_path, no_corrections, inputs[0])
    with Progress(msg("ui.analyze.progress", lang), bar=True,
                   total=None if results_file else lambda: count_notes(inputs)) as progress:
        analysis = load_analysis(inputs, model_dir, parse_columns(columns_spec), redaction(redact_mode, no_redact),
                                 progress.advance, corrections=records, corrections_file=file)
    data = make_report(analysis, by, worker, date_from and date_from.date(), date_to and date_to.date(), lang,
                       redaction(redact_mode, no_redact), load_codebook(codebook_path), case_key)
    if fmt == "table":
        from analyzer.render.report_console import print_report

        if output is None:
            print_report(data, lang, by)
        else:
            import io
            from contextlib import redirect_stdout

            buf = io.StringIO()
            with redirect_stdout(buf):
                print_report(data, lang, by, width=100)
            emit(buf.getvalue(), output)
    elif fmt == "json":
        from analyzer.render.console import dump_json

        emit(dump_json(data) + "\n", output)
    elif fmt == "csv":
        import io

        from analyzer.render.tables import write_csv

        buf = io.StringIO()
        write_csv(data, by if by != "worker" else "codes", lang, buf, csv_dialect)
        emit(buf.getvalue(), output, encoding="utf-8-sig")
    elif fmt == "xlsx":
        from analyzer.render.tables import write_xlsx

        with atomic_path(output) as tmp:
            write_xlsx(data, lang, tmp)
    else:
        from analyzer.render.html import render_report_html

        emit(render_report_html(data, lang), output)
    if output is not None:
        click.echo(msg("ui.report.written", lang, path=output), err=True)
    sys.stdout.flush()


@cli.command()
@click.argument("note", type=click.Path(dir_okay=False, allow_dash=True))
@format_option("terminal", "html", "json")
@click.option("-o", "--output", type=OutputPath(), default=None,
              help="Output file (default: the terminal).")
@click.option("--color/--no-color", default=None, help="Force or disable colour (default: colour on a terminal).")
@click.option("--history", "history_path", type=click.Path(exists=True, path_type=Path), default=None,
              metavar="RESULTS", help="Results of 'analyzer analyze' with the worker's earlier notes: compare this "
                                      "note with them (the worker comes from the note's front matter).")
@lang_option
@redact_option
@model_option
@codebook_option
@corrections_option
def review(note: str, fmt: str, output: str | None, color: bool | None, history_path: Path | None, lang: str,
           redact_mode: str, no_redact: bool, model_dir: Path | None, codebook_path: Path | None,
           corrections_path: Path | None, no_corrections: bool) -> None:
    """Review one note or reflection before supervision (.txt, .md, .docx, or - for stdin): each passage
    with its codes and breaches inline and the evidence terms, then the principles and engagement outcomes the
    note shows, those it does not, and the reflection questions that matter most: breaches first, then at most
    three missing codes. With --history, how this note compares with the worker's earlier notes. Corrections of
    this note (its note_id in the front matter, else the file name; corrections.jsonl beside it, or
    --corrections) win over the model and are marked.

    \b
    Examples:
      analyzer review catatan.txt
      analyzer review catatan.md --history hasil.parquet
      cat refleksi.md | analyzer review - --lang en --format html -o review.html
    """
    from analyzer.codebook import load_codebook
    from analyzer.errors import InputError
    from analyzer.io.documents import read_note_file
    from analyzer.io.notes import split_front_matter
    from analyzer.model.persist import load_model
    from analyzer.report.review import note_header, review_text

    if output is not None:
        output = check_output(output, [note])
    meta, body = split_front_matter(read_note_file(note))
    header = note_header(meta, note)
    history = None
    if history_path is not None:
        from analyzer.io.results import read_results

        if not header["worker"]:
            raise InputError("review.history_no_worker")
        history, _, _ = read_results(history_path)
    codebook = load_codebook(codebook_path)
    note_id = str(meta.get("note_id") or "").strip() or (Path(note).stem if note != "-" else None)
    records, file = corrections_for(corrections_path, no_corrections, note)
    result = review_text(body, load_model(model_dir), codebook, lang, redaction(redact_mode, no_redact), header,
                         history, note_id=note_id, corrections=records, corrections_file=file)
    if fmt == "json":
        from analyzer.render.console import dump_json

        emit(dump_json(result.to_dict()) + "\n", output)
    elif fmt == "html":
        from analyzer.render.html import render_review_html

        emit(render_review_html(result, codebook, lang), output)
    else:
        from analyzer.render.review_console import print_review

        if output is None:
            print_review(result, codebook, lang, color)
        else:
            from contextlib import redirect_stdout

            import io

            buf = io.StringIO()
            with redirect_stdout(buf):
                print_review(result, codebook, lang, False, width=100)
            emit(buf.getvalue(), output)
