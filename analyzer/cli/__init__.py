"""The command-line interface: ``cli`` (the group, ``app.py``) and its commands, one module per area."""

from analyzer.cli import analyze, corpus, model, report, serve, teach  # noqa: F401 - each registers its commands
from analyzer.cli.app import cli, main

__all__ = ["cli", "main"]
