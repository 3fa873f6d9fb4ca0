"""Commands that let people teach the model (issue 16): ``correct``, ``export``, ``import`` and ``suggest``
(``train --add`` is an option of ``train``). Thin: parse, call one library function, render."""

from __future__ import annotations

from pathlib import Path

import click

from analyzer.cli.app import cli
from analyzer.cli.options import (OutputPath, corrections_for, corrections_option, format_option, lang_option,
                                  model_option, redact_option, redaction)

TOOL_CHOICE = click.Choice(["label-studio", "doccano", "prodigy", "refi-qda"])


def _corrections_file(path: Path | None, results: Path) -> Path:
    from analyzer.io.corrections import default_path

    return path if path is not None else default_path(results)


@cli.command()
@click.argument("results", type=click.Path(path_type=Path))
@click.argument("note_id", required=False)
@click.argument("passage", required=False)
@click.option("--add", "add_code", metavar="CODE", default=None, help="Add CODE to the passage (the model missed it).")
@click.option("--remove", "remove_code", metavar="CODE", default=None,
              help="Reject CODE on the passage (the model was wrong).")
@click.option("--confirm", "confirm_code", metavar="CODE", default=None,
              help="Confirm CODE, which the passage has (a person checked it).")
@click.option("--breach", is_flag=True, help="CODE is a breach of the principle, not the principle applied.")
@click.option("--undo", "undo_id", metavar="ID", default=None, help="Undo the correction with this id.")
@click.option("--by", default=None, help="Who corrects (default: the account name).")
@click.option("--corrections", "corrections_path", type=OutputPath(dir_okay=False, path_type=Path), default=None,
              help="Corrections file (default: corrections.jsonl beside RESULTS).")
@format_option("table", "json")
@lang_option
def correct(results: Path, note_id: str | None, passage: str | None, add_code: str | None, remove_code: str | None,
            confirm_code: str | None, breach: bool, undo_id: str | None, by: str | None,
            corrections_path: Path | None, fmt: str, lang: str) -> None:
    """Correct a code of one passage of RESULTS: --add a code the model missed, --remove (reject) one it gave
    wrongly, --confirm one it gave rightly (--breach: the breach of that principle). PASSAGE is the passage
    number of the report's breach list and of 'analyzer export'. The correction is added to corrections.jsonl
    beside RESULTS (who, when, the passage's offsets and key) and wins over the model in every later analyze,
    report and review. --undo ID takes one back. Without an action: lists the corrections and whether each is
    applied, stale (the passage's text changed), undone or about a note not in RESULTS.

    \b
    Examples:
      analyzer correct hasil.parquet RA-LS-20261015 4 --add P10 --by Sari
      analyzer correct hasil.parquet RA-LS-20261015 7 --remove P05 --breach
      analyzer correct hasil.parquet --undo 3f9a1c2b7d4e
      analyzer correct hasil.parquet
    """
    from analyzer.errors import InputError
    from analyzer.io.corrections import default_person, undo
    from analyzer.messages import text as msg

    file = _corrections_file(corrections_path, results)
    actions = [(a, c) for a, c in (("add", add_code), ("reject", remove_code), ("confirm", confirm_code)) if c]
    if len(actions) + bool(undo_id) > 1:
        raise InputError("corrections.one_action")
    if undo_id:
        undo(file, undo_id, by or default_person())
        click.echo(msg("ui.correct.undone", lang, id=undo_id, path=file))
        return
    if not actions:
        from analyzer.analysis.corrections import correction_status, read_results_file
        from analyzer.io.corrections import read_corrections

        df, _ = read_results_file(results)
        rows = correction_status(df, read_corrections(file))
        if fmt == "json":
            from analyzer.render.console import dump_json

            click.echo(dump_json(rows))
        else:
            from analyzer.render.corrections_console import print_correction_list

            print_correction_list(rows, file, lang)
        return
    if note_id is None or passage is None:
        raise InputError("corrections.needs_passage")
    from analyzer.analysis.corrections import correct as make

    (action, code), = actions
    record = make(results, file, note_id, passage, action, code, breach, by or default_person())
    label = ("!" if record["breach"] else "") + record["code"]
    click.echo(msg("ui.correct.saved", lang, id=record["id"], action=msg(f"ui.correct.action.{action}", lang),
                   code=label, note_id=note_id, passage=record["passage"], path=file))


@cli.command("export")
@click.argument("results", type=click.Path(path_type=Path))
@click.option("--to", "fmt", type=TOOL_CHOICE, required=True, help="The annotation tool's format.")
@click.option("-o", "--output", "out_dir", type=OutputPath(path_type=Path), required=True,
              help="Folder to write the files into (created if needed).")
@click.option("--schema", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="REFI-QDA project schema (Project.xsd) to validate the .qdpx against (default: "
                   "../shared/refi-qda/Project.xsd beside a source checkout, when present).")
@corrections_option
@redact_option
@lang_option
def export_command(results: Path, fmt: str, out_dir: Path, schema: Path | None, corrections_path: Path | None,
                   no_corrections: bool, redact_mode: str, no_redact: bool, lang: str) -> None:
    """Export the passages of RESULTS for people to label in an annotation tool, with the codes in effect as
    pre-annotations: Label Studio (tasks JSON with predictions, and the labelling config XML), doccano (JSONL with
    label lists), Prodigy (choice tasks) or REFI-QDA (a .qdpx project for NVivo, ATLAS.ti, MAXQDA, QualCoder).
    Texts are masked as --redact says (never less than RESULTS); a breach is the label !P05. Bring the labels
    back with 'analyzer import'.

    \b
    Examples:
      analyzer export hasil.parquet --to label-studio -o untuk-label/
      analyzer export hasil.parquet --to refi-qda -o qda/ --lang en
    """
    from analyzer.analysis.annotation import export_file
    from analyzer.codebook import load_codebook
    from analyzer.messages import text as msg

    records, _ = corrections_for(corrections_path, no_corrections, results)
    written, passages, notes = export_file(results, fmt, out_dir, load_codebook(),
                                           mode=redaction(redact_mode, no_redact), lang=lang, schema=schema,
                                           corrections=records)
    click.echo(msg("ui.export.done", lang, passages=passages, notes=notes, fmt=fmt,
                   files=", ".join(str(p) for p in written)))


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--results", "results", type=click.Path(path_type=Path), required=True,
              help="The results file the labelled passages were exported from ('analyzer export').")
@click.option("-o", "--output", "out", type=OutputPath(dir_okay=False, path_type=Path), default=None,
              help="Corrections file to add the labels to (default: corrections.jsonl beside the results).")
@click.option("--by", default=None, help="Who labelled, when the tool does not record it.")
@click.option("--schema", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Validate a REFI-QDA project against this schema (Project.xsd) first.")
@lang_option
def import_command(file: Path, results: Path, out: Path | None, by: str | None, schema: Path | None,
                   lang: str) -> None:
    """Import what people labelled in an annotation tool (Label Studio JSON, doccano JSONL/JSON/zip, Prodigy
    JSONL, REFI-QDA .qdpx; recognised by content) as corrections: every labelled passage becomes one 'label'
    correction (its codes exactly as the person chose them) in corrections.jsonl beside the results. Labels are
    mapped to codes (P05, !P05 for a breach, or a codebook name); unknown labels are refused, all named. Tasks
    skipped, rejected or not labelled in the tool, and passages whose text no longer matches the results, are
    listed and not imported.

    \b
    Examples:
      analyzer import project-7-at-2026-09-03.json --results hasil.parquet
      analyzer import reviewed.qdpx --results hasil.parquet -o corrections.jsonl
    """
    from analyzer.analysis.annotation import describe_skipped, import_file_into
    from analyzer.codebook import load_codebook
    from analyzer.io.corrections import default_path
    from analyzer.messages import text as msg

    imported, path = import_file_into(file, results, out or default_path(results), load_codebook(), by=by,
                                      schema=schema)
    click.echo(msg("ui.import.done", lang, n=len(imported.corrections), fmt=imported.source_format,
                   skipped=len(imported.skipped), path=path))
    for line in describe_skipped(imported.skipped, lang):
        click.echo("- " + line)
    for key in imported.warnings:
        click.echo(msg(key, lang), err=True)


@cli.command()
@click.argument("results", type=click.Path(path_type=Path))
@click.option("-n", "n", type=click.IntRange(1, 10_000), default=50, show_default=True,
              help="How many passages to suggest.")
@click.option("--to", "fmt_to", type=TOOL_CHOICE, default=None,
              help="Export the suggested passages for this annotation tool (with -o).")
@click.option("-o", "--output", "out_dir", type=OutputPath(path_type=Path), default=None,
              help="With --to: the folder to write the files into.")
@click.option("--schema", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --to refi-qda: the project schema to validate against.")
@format_option("table", "json")
@model_option
@corrections_option
@redact_option
@lang_option
def suggest(results: Path, n: int, fmt_to: str | None, out_dir: Path | None, schema: Path | None, fmt: str,
            model_dir: Path | None, corrections_path: Path | None, no_corrections: bool, redact_mode: str,
            no_redact: bool, lang: str) -> None:
    """Suggest the passages of RESULTS whose labels would teach the model most: those whose scores lie closest to
    a code's threshold, spread over codes, workers and notes, without near-duplicates, leaving out passages
    already labelled. Prints them, or with --to exports them for labelling; then 'analyzer import' and
    'analyzer train --add'.

    \b
    Examples:
      analyzer suggest hasil.parquet -n 50
      analyzer suggest hasil.parquet -n 100 --to label-studio -o untuk-label/
    """
    from analyzer.analysis.suggest import suggest_results, target_name
    from analyzer.errors import InputError
    from analyzer.messages import text as msg
    from analyzer.text.redact import redact

    if (fmt_to is None) != (out_dir is None):
        raise InputError("suggest.to_needs_output")
    records, _ = corrections_for(corrections_path, no_corrections, results)
    picks, _, meta = suggest_results(results, model_dir, n, records)
    if fmt_to is not None:
        from analyzer.analysis.annotation import export_file
        from analyzer.codebook import load_codebook

        written, passages, notes = export_file(results, fmt_to, out_dir, load_codebook(),
                                               mode=redaction(redact_mode, no_redact), lang=lang, schema=schema,
                                               corrections=records, select={(p.note_id, p.passage) for p in picks})
        click.echo(msg("ui.export.done", lang, passages=passages, notes=notes, fmt=fmt_to,
                       files=", ".join(str(p) for p in written)))
        return
    mode = redaction(redact_mode, no_redact)
    rows = [{**p.to_dict(), "label": target_name(p.target), "text": redact(p.text, mode)} for p in picks]
    if fmt == "json":
        from analyzer.render.console import dump_json

        click.echo(dump_json(rows))
        return
    from analyzer.render.corrections_console import print_suggestions

    print_suggestions(rows, lang)
    click.echo(msg("ui.suggest.next", lang))
