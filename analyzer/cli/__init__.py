"""The command line: ``analyzer …`` (Click). Each command parses, calls one library function and renders."""

from analyzer.cli import teach as _teach  # noqa: F401 - registers correct, export, import and suggest
from analyzer.cli.commands import cli, main

__all__ = ["cli", "main"]
