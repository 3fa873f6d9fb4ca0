"""Command-line interface: a thin shell over the library (parse, call one function, render).

Heavy libraries (spaCy, scikit-learn, pandas) are imported inside the commands that need them so that
``analyzer --help`` and ``analyzer codebook`` start fast.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import click

from analyzer import __version__
from analyzer.cli.corrections_opts import corrections_for, corrections_option, echo_summary
from analyzer.errors import AnalyzerError
from analyzer.io.atomic import atomic_path, write_bytes
from analyzer.io.outputs import check_output
from analyzer.cli.language import click_language, help_text, language_of

CURRENT_LANG: ContextVar[str] = ContextVar("analyzer_lang", default="id")

LANG_CHOICE = click.Choice(["id", "en"])


class AnalyzerCommand(click.Command):
    """Turns library errors into ``Error: …`` (exit code 1) in the language the user chose, and shows its help
    in that language."""

    def invoke(self, ctx: click.Context):
        lang = ctx.params.get("lang") or CURRENT_LANG.get()
        try:
            return super().invoke(ctx)
        except AnalyzerError as err:
            raise click.ClickException(err.render(lang)) from None
        except OSError as exc:  # the last net: a system error on a path, never a traceback
            from analyzer.errors import InputError

            detail = exc.strerror or type(exc).__name__
            raise click.ClickException(InputError("input.read_failed", path=exc.filename or "-",
                                                  detail=detail).render(lang)) from None

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with localised_help(self, ctx):
            super().format_help(ctx, formatter)


class AnalyzerGroup(click.Group):
    """The command group: every usage error, like every bad input, is ``Error: …`` with exit code 1, in
    Indonesian unless the arguments ask for ``--lang en`` (Click's own messages included)."""

    command_class = AnalyzerCommand

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.group_class = AnalyzerGroup

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with localised_help(self, ctx):
            super().format_help(ctx, formatter)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        import sys

        args = list(sys.argv[1:] if args is None else args)
        lang = language_of(args)
        token = CURRENT_LANG.set(lang)
        previous = _terminate_like_interrupt()
        try:
            with click_language(lang):
                try:
                    code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
                except click.ClickException as exc:
                    if not standalone_mode:
                        raise
                    exc.show()
                    sys.exit(1)
                except click.Abort:
                    if not standalone_mode:
                        raise
                    click.echo(click.core._("Aborted!"), err=True)
                    sys.exit(1)
        finally:
            CURRENT_LANG.reset(token)
            _restore_terminate(previous)
        if standalone_mode:
            sys.exit(code if isinstance(code, int) else 0)
        return code


def _terminate_like_interrupt():
    """Ctrl-C and SIGTERM run the same clean-up (temporary files removed, workers stopped): both raise
    ``KeyboardInterrupt``. Never inside a finaliser (``__del__``), where Python would print the exception as
    ignored and carry on: there the signal is sent again a moment later, when the finaliser is done."""
    import os
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):
        while frame is not None:
            if frame.f_code.co_name == "__del__":
                threading.Timer(0.05, os.kill, (os.getpid(), signum)).start()
                return
            frame = frame.f_back
        raise KeyboardInterrupt

    return [(sig, signal.signal(sig, interrupt)) for sig in (signal.SIGINT, signal.SIGTERM)]


def _restore_terminate(previous) -> None:
    import signal

    for sig, handler in previous or ():
        if handler is not None:  # None: a handler not set from Python, which cannot be put back
            signal.signal(sig, handler)


@contextmanager
def localised_help(command: click.Command, ctx: click.Context):
    """The help texts of ``command`` (and, for a group, of its commands) in the chosen language while its help
    is formatted."""
    lang = CURRENT_LANG.get()
    prefix = " ".join(ctx.command_path.split()[1:]).replace(" ", ".")
    commands = [(prefix, command)]
    if isinstance(command, click.Group):
        commands += [(f"{prefix}.{name}".strip("."), sub) for name, sub in command.commands.items()]
    saved = []
    for key, cmd in commands:
        saved.append((cmd, "help", cmd.help))
        cmd.help = help_text(key or "cli", lang, cmd.help)
        if cmd is command:
            for param in cmd.params:
                if isinstance(param, click.Option):
                    saved.append((param, "help", param.help))
                    param.help = help_text(f"{key or 'cli'}.{param.name}", lang, param.help)
    try:
        yield
    finally:
        for obj, attr, value in saved:
            setattr(obj, attr, value)


# Shared options -------------------------------------------------------------------------------------------


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


def _mode(redact_mode: str, no_redact: bool) -> str:
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
    from analyzer.text.segment import segment_note
    from analyzer.io.documents import read_note_file

    passages = segment_note(read_note_file(file))
    if fmt == "json":
        click.echo(console.dump_json(console.segment_data(file, passages)))
    else:
        console.print_segments(file, passages, lang)


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


def model_option(func):
    """``--model DIR``: a model directory (default: analyzer/data/model)."""
    return click.option(
        "--model", "model_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Model directory (default: analyzer/data/model of this checkout).",
    )(func)


class _Progress:
    """A transient rich progress display on stderr, shown only on a terminal: a spinner with the current step
    (``step``), or a bar of notes done (``advance``)."""

    def __init__(self, label: str = "", bar: bool = False, total: int | None = None) -> None:
        self.label, self.bar, self.total = label, bar, total
        self._progress = None
        self._task = None

    def __enter__(self):
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        console = Console(stderr=True)
        columns = ([TextColumn(self.label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()] if self.bar
                   else [SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()])
        self._progress = Progress(*columns, console=console, transient=True, disable=not console.is_terminal)
        self._progress.__enter__()
        self._task = self._progress.add_task(self.label, total=self.total)
        return self

    def step(self, description: str) -> None:
        self._progress.update(self._task, description=description)

    def advance(self, done: int, total: int | None = None) -> None:
        """``done`` of ``total`` (a total counted up front is kept when the caller does not know one)."""
        self.total = total if total is not None else self.total
        self._progress.update(self._task, completed=done, total=self.total)

    def __exit__(self, *exc) -> None:
        self._progress.__exit__(*exc)


@cli.command()
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Annotated corpus folder (default: corpora/annotated); every test*.jsonl file is held out.")
@click.option("--out", "out_dir", type=click.Path(), default=None,
              help="Where to write the model (default: analyzer/data/model).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (training is deterministic).")
@click.option("--transfer/--no-transfer", default=False, show_default=True,
              help="Also measure leave-one-genre-out and leave-one-style-out (about 20 more fits; the shipped "
                   "model's card is written with it).")
@click.option("--add", "labels_path", type=click.Path(path_type=Path), default=None,
              help="Your agency's labelled passages: a results file whose passages were labelled in an annotation "
                   "tool and imported (analyzer import), or JSONL lines {text, labels, breaches[, note_id]}. "
                   "Trains a local model on the corpus plus them (needs --out).")
@click.option("--weight", type=click.IntRange(1, 50), default=3, show_default=True,
              help="With --add: how many times each of your passages counts beside a corpus passage.")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True,
              help="With --add: cross-validation folds over your notes for the local reliability figures.")
@click.option("--base", "base_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="With --add: the model whose configuration and thresholds the local model keeps "
                   "(default: analyzer/data/model).")
@corrections_option
@lang_option
def train(corpus_dir: Path | None, out_dir: Path | None, seed: int, transfer: bool, labels_path: Path | None,
          weight: int, folds: int, base_dir: Path | None, corrections_path: Path | None, no_corrections: bool,
          lang: str) -> None:
    """Train the passage classifier on every corpus file except the test*.jsonl files, tune per-code
    thresholds by cross-validation over genres and styles, evaluate on the held-out writers and genres
    (test-v2.jsonl), the in-style split (test.jsonl), the external set and the contrast set, and write
    model.skops, scoring.npz, lexicon.tsv, metadata.json and MODEL_CARD.md. With --add, train a local model on
    the corpus plus your agency's labelled passages, measure it on them by cross-validation grouped by note,
    and write its card with the local reliability per code beside the shipped figures; use it everywhere with
    --model DIR.

    \b
    Examples:
      analyzer train --corpus corpora/annotated --out analyzer/data/model --transfer
      analyzer train --add hasil.parquet --out model-lokal
    """
    from analyzer.messages import text as msg
    from analyzer.resources import DEFAULT_CORPUS_DIR, DEFAULT_MODEL_DIR
    from analyzer.model.training import train_and_save

    if labels_path is not None:
        _train_local(labels_path, out_dir, corpus_dir, base_dir, weight, folds, transfer, corrections_path,
                     no_corrections, lang)
        return

    with _Progress() as progress:
        result = train_and_save(corpus_dir or DEFAULT_CORPUS_DIR, DEFAULT_MODEL_DIR if out_dir is None else out_dir,
                                seed, progress.step,
                                transfer=transfer)
    from analyzer.model.card import headline_rows

    key, first = (headline_rows(result.metadata) or [("cv", result.metadata["metrics"]["cv"])])[0]
    click.echo(msg("ui.train.done", lang, path=result.out_dir, name=msg(f"ui.eval.row.{key}", lang),
                   micro=first["micro_f1"],
                   macro=first["macro_f1"], breach=first["breach_micro_f1"],
                   fpr=first["no_code_false_positive_rate"]))


def _train_local(labels_path: Path, out_dir: Path | None, corpus_dir: Path | None, base_dir: Path | None, weight: int,
                 folds: int, transfer: bool, corrections_path: Path | None, no_corrections: bool, lang: str) -> None:
    from analyzer.errors import InputError
    from analyzer.messages import text as msg
    from analyzer.model.local import train_local_and_save

    if out_dir is None:
        raise InputError("local.needs_out")
    if transfer:
        raise InputError("local.no_transfer")
    records, _ = corrections_for(corrections_path, no_corrections, labels_path)
    with _Progress() as progress:
        result = train_local_and_save(labels_path, out_dir, records, weight, folds, base_dir, corpus_dir,
                                      progress.step)
    local = result.metadata["metrics"]["local"]
    click.echo(msg("ui.train.local_done", lang, path=result.out_dir, n=local["passages"], notes=local["notes"],
                   folds=local["folds"], micro=local["cv"]["micro_f1"], macro=local["cv"]["macro_f1"],
                   base_micro=local["base"]["micro_f1"], base_macro=local["base"]["macro_f1"]))


@cli.command()
@click.option("--corpus", "corpus_file", type=click.Path(path_type=Path), default=None,
              help="Annotated JSONL file to evaluate on (default: the model's transfer figures, and the held-out "
                   "sets test-v2.jsonl, test.jsonl and corpora/external/external.jsonl).")
@model_option
@format_option("table", "json")
@lang_option
def evaluate(corpus_file: Path | None, model_dir: Path | None, fmt: str, lang: str) -> None:
    """Evaluate a model. Without --corpus: the transfer figures the model was trained with (leave-one-genre-out
    and leave-one-style-out, per genre and style, with 95% bootstrap intervals), and fresh figures on the
    held-out writers and genres, the external set and the in-style split. With --corpus FILE: per-code
    precision/recall/F1, micro/macro F1 and the no-code false-positive rate on that file.

    \b
    Example:
      analyzer evaluate
      analyzer evaluate --corpus corpora/external/external.jsonl --format json
    """
    from analyzer.corpus.records import read_gold, read_records
    from analyzer.model.persist import load_model
    from analyzer.model.training import evaluate_held_out_sets, evaluate_with_ci
    from analyzer.render import console
    from analyzer.resources import DEFAULT_CORPUS_DIR

    model = load_model(model_dir)
    if corpus_file is not None:
        metrics = evaluate_with_ci(model, read_gold(corpus_file))
        if fmt == "json":
            click.echo(console.dump_json(metrics))
        else:
            console.print_evaluation(str(corpus_file), metrics, lang)
        return
    meta = dict(model.metadata)
    metrics = dict(meta.get("metrics", {}))
    metrics.update(evaluate_held_out_sets(model, [r for r in read_records(DEFAULT_CORPUS_DIR) if r.kind == "body"]))
    meta["metrics"] = metrics
    if fmt == "json":
        click.echo(console.dump_json({"transfer": metrics.get("transfer", {}), "test": metrics["test"],
                                      "external": metrics["external"], "in_style": metrics["in_style"]}))
    else:
        console.print_transfer(meta, lang)


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(allow_dash=True))
@click.option("-o", "--output", type=click.Path(allow_dash=True), default=None,
              help="Output JSONL file (default: standard output).")
@model_option
@redact_option
@lang_option
def predict(input_path: str, output: str | None, model_dir: Path | None, redact_mode: str, no_redact: bool,
            lang: str) -> None:
    """Predict codes for passages in INPUT (JSONL with fields id and text, or CSV with those columns; other
    fields are kept). Writes one JSON line per input line, in the same order, with labels, breaches,
    scores, breach_scores and evidence.

    \b
    Example:
      analyzer predict passages.jsonl -o predictions.jsonl
    """
    import sys

    from analyzer.analysis.passages import analyze_texts
    from analyzer.io.passages import output_record, read_passages, write_jsonl
    from analyzer.messages import text as msg
    from analyzer.model.persist import load_model

    if output is not None and output != "-":
        output = check_output(output, [input_path])
    rows = read_passages(input_path)
    model = load_model(model_dir)
    texts = [row["text"] if isinstance(row.get("text"), str) else "" for row in rows]
    passages = analyze_texts(texts, model, _mode(redact_mode, no_redact), whole=True)
    records = (output_record(row, passage) for row, (passage,) in zip(rows, passages))
    if output is None or output == "-":
        write_jsonl(records, sys.stdout)
        return
    with atomic_path(output) as tmp, tmp.open("w", encoding="utf-8") as fh:
        write_jsonl(records, fh)
    click.echo(msg("ui.predict.done", lang, n=len(rows), path=output), err=True)


def columns_option(func):
    """``--columns worker=Petugas,text=Catatan``: map the table's column names to the note fields."""
    return click.option(
        "--columns", "columns_spec", default=None, metavar="FIELD=COLUMN,...",
        help="Map column names of the input tables to note_id, worker, client, date, text "
             "(e.g. worker=Petugas,text=Catatan).",
    )(func)


@cli.command()
@click.argument("notes", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(),
              help="Results to write: a Parquet file (local engine) or a folder of Parquet parts (dask engine).")
@columns_option
@model_option
@redact_option
@click.option("--jobs", type=click.IntRange(1, None), default=None,
              help="Worker processes for the local engine (default: all cores); results are identical to --jobs 1.")
@click.option("--cache", "cache_path", type=click.Path(), default=None,
              help="Result cache file (default: OUTPUT.cache.sqlite); reruns re-analyse only changed notes.")
@click.option("--no-cache", is_flag=True, help="Analyse every note again and keep no cache.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Run on this machine, or on a Dask cluster.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler address (tcp://host:8786); without it --engine dask starts a local cluster.")
@corrections_option
@lang_option
def analyze(notes: tuple[Path, ...], output: Path, columns_spec: str | None, model_dir: Path | None,
            redact_mode: str, no_redact: bool, jobs: int | None, cache_path: Path | None, no_cache: bool, engine: str,
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

        summary = run_dask(notes, output, model_dir, columns, _mode(redact_mode, no_redact), scheduler,
                           corrections=corrector)
    else:
        from analyzer.analysis.local import run_local

        from analyzer.io.note_count import count_notes

        with _Progress(msg("ui.analyze.progress", lang), bar=True, total=count_notes(notes)) as progress:
            summary = run_local(notes, output, model_dir, columns, _mode(redact_mode, no_redact), jobs,
                                False if no_cache else cache_path, progress=progress.advance, corrections=corrector)
    click.echo(msg("ui.analyze.done", lang, notes=summary.notes, passages=summary.passages,
                   skipped=len(summary.skipped), path=output), err=True)
    if engine == "local" and not no_cache:
        click.echo(msg("ui.analyze.cache", lang, analysed=summary.analysed, cached=summary.cached), err=True)
    echo_summary(summary.corrections, lang)


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
@click.option("-o", "--output", type=click.Path(), default=None,
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
           output: Path | None, case_key: str, csv_dialect: str, lang: str, redact_mode: str, no_redact: bool,
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
    with _Progress(msg("ui.analyze.progress", lang), bar=True,
                   total=None if results_file else count_notes(inputs)) as progress:
        analysis = load_analysis(inputs, model_dir, parse_columns(columns_spec), _mode(redact_mode, no_redact),
                                 progress.advance, corrections=records, corrections_file=file)
    data = make_report(analysis, by, worker, date_from and date_from.date(), date_to and date_to.date(), lang,
                       _mode(redact_mode, no_redact), load_codebook(codebook_path), case_key)
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
            _emit(buf.getvalue(), output)
    elif fmt == "json":
        from analyzer.render.console import dump_json

        _emit(dump_json(data) + "\n", output)
    elif fmt == "csv":
        import io

        from analyzer.render.tables import write_csv

        buf = io.StringIO()
        write_csv(data, by if by != "worker" else "codes", lang, buf, csv_dialect)
        _emit(buf.getvalue(), output, encoding="utf-8-sig")
    elif fmt == "xlsx":
        from analyzer.render.tables import write_xlsx

        with atomic_path(output) as tmp:
            write_xlsx(data, lang, tmp)
    else:
        from analyzer.render.html import render_report_html

        _emit(render_report_html(data, lang), output)
    if output is not None:
        click.echo(msg("ui.report.written", lang, path=output), err=True)
    sys.stdout.flush()


def _emit(text: str, output: Path | None, encoding: str = "utf-8") -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        write_bytes(output, text.encode(encoding))


@cli.command()
@click.argument("note", type=click.Path(dir_okay=False, allow_dash=True))
@format_option("terminal", "html", "json")
@click.option("-o", "--output", type=click.Path(), default=None,
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
def review(note: str, fmt: str, output: Path | None, color: bool | None, history_path: Path | None, lang: str,
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
    result = review_text(body, load_model(model_dir), codebook, lang, _mode(redact_mode, no_redact), header, history,
                         note_id=note_id, corrections=records, corrections_file=file)
    if fmt == "json":
        from analyzer.render.console import dump_json

        _emit(dump_json(result.to_dict()) + "\n", output)
    elif fmt == "html":
        from analyzer.render.html import render_review_html

        _emit(render_review_html(result, codebook, lang), output)
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
            _emit(buf.getvalue(), output)


@cli.command()
@click.argument("inputs", metavar="[NOTES_OR_RESULTS...]", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but 127.0.0.1/localhost lets others on the network connect: "
                   "it prints a warning and requires a token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@model_option
@click.option("--corrections", "corrections_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Corrections file the pages read and write (default: corrections.jsonl beside the inputs).")
@click.option("--token", default=None,
              help="Access token every request must carry (generated and printed when another --host is given "
                   "without one).")
@click.option("--no-redact", "no_redact", is_flag=True,
              help="Show note text and evidence unmasked (only at start-up; reports mask by default).")
@columns_option
@codebook_option
@lang_option
def serve(inputs: tuple[Path, ...], host: str, port: int, model_dir: Path | None, corrections_path: Path | None,
          token: str | None, no_redact: bool, columns_spec: str | None, codebook_path: Path | None, lang: str) -> None:
    """Start a local web page for supervisors and workers: the coverage report with drill-down to the
    passages, cases and their timelines, reviewing a pasted or uploaded note, correcting codes, export, and the
    model's reliability. For one person or a small team on this machine or a local network, not for the
    internet. Stop it with Ctrl-C.

    \b
    Examples:
      analyzer serve corpora/demo/notes
      analyzer serve hasil.parquet --port 8080 --lang en
    """
    from analyzer.io.notes import parse_columns
    from analyzer.messages import text as msg
    from analyzer.serve.run import allowed_hosts, bind, is_loopback, new_token, serve as run_server, url_of

    public = not is_loopback(host)
    if public:
        click.echo(msg("ui.serve.public_warning", lang, host=host), err=True)
        if not token:
            token = new_token()
            click.echo(msg("ui.serve.token_generated", lang), err=True)
    sock = bind(host, port)  # before loading: a port in use fails at once
    try:
        from analyzer.serve.app import create_app

        with _Progress(msg("ui.serve.loading", lang), bar=bool(inputs)) as progress:
            app = create_app(inputs, model_dir, corrections_path, redact="none" if no_redact else "all",
                             token=token, columns=parse_columns(columns_spec), codebook=codebook_path,
                             allowed_hosts=allowed_hosts(host, token), progress=progress.advance, warm=True)
        url = url_of(sock)
        click.echo(msg("ui.serve.started", lang, url=url), err=True)
        if token:
            click.echo(msg("ui.serve.token_line", lang, token=token, url=url), err=True)
    except BaseException:
        sock.close()
        raise
    run_server(app, sock)
    click.echo(msg("ui.serve.stopped", lang), err=True)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="analyzer")


__all__ = ["cli", "main", "lang_option", "format_option", "codebook_option"]
