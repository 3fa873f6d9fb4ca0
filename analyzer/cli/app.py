"""The ``analyzer`` command group: errors as ``Error: …`` lines (exit 1) in the user's language, help texts in that
language, Ctrl-C and SIGTERM as one clean-up. The commands themselves live beside this module, one module per
area (``corpus``, ``model``, ``analyze``, ``report``, ``teach``, ``serve``), and register on ``cli``.

Heavy libraries (spaCy, scikit-learn, pandas) are imported inside the commands that need them so that
``analyzer --help`` and ``analyzer codebook`` start fast.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

import click

from analyzer import __version__
from analyzer.cli.language import click_language, help_text, language_of
from analyzer.errors import AnalyzerError

CURRENT_LANG: ContextVar[str] = ContextVar("analyzer_lang", default="id")


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


@click.group(cls=AnalyzerGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="analyzer")
def cli() -> None:
    """Find the 16 negotiation principles and the 4 engagement outcomes in Indonesian social-work session
    notes, and report their coverage per worker.

    \b
    Example:
      analyzer codebook --lang en
    """


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="analyzer")


__all__ = ["cli", "main", "CURRENT_LANG"]
