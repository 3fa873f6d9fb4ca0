"""``analyzer serve``: the local web page (``analyzer/serve/``) started from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from analyzer.cli.app import cli
from analyzer.cli.options import OutputPath, codebook_option, columns_option, lang_option, model_option
from analyzer.cli.output import Progress


@cli.command()
@click.argument("inputs", metavar="[NOTES_OR_RESULTS...]", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but 127.0.0.1/localhost lets others on the network connect: "
                   "it prints a warning and requires a token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@model_option
@click.option("--corrections", "corrections_path", type=OutputPath(dir_okay=False, path_type=Path), default=None,
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

        with Progress(msg("ui.serve.loading", lang), bar=bool(inputs)) as progress:
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
