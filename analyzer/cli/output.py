"""What commands show while they work and how they write their text: a progress display on the terminal, and
text to the terminal or atomically to a file."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import click

from analyzer.io.atomic import write_bytes


class Progress:
    """A transient rich progress display on stderr, shown only on a terminal: a spinner with the current step
    (``step``), or a bar of notes done (``advance``). ``total`` may be a function that counts it: it is called
    only when the display is shown (counting reads the inputs once more)."""

    def __init__(self, label: str = "", bar: bool = False,
                 total: "int | Callable[[], int | None] | None" = None) -> None:
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
        if callable(self.total):
            self.total = self.total() if console.is_terminal else None
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


def emit(text: str, output: Path | None, encoding: str = "utf-8") -> None:
    """``text`` to the terminal, or written atomically to ``output``."""
    if output is None:
        click.echo(text, nl=False)
    else:
        write_bytes(output, text.encode(encoding))
