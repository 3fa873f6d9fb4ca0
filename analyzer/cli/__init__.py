"""The command line: ``analyzer …`` (Click). Each command parses, calls one library function and renders."""

from analyzer.cli.commands import cli, main

__all__ = ["cli", "main"]
