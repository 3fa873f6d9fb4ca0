"""Error hierarchy. Every error a user can cause is an ``AnalyzerError``.

An error carries a message key and parameters; the text is looked up in ``data/messages.yaml`` so the CLI can
show it in Indonesian (default) or English.
"""

from __future__ import annotations

from analyzer import messages


class AnalyzerError(Exception):
    """Base class of all errors the tool reports to a user (never a traceback)."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: str = "id") -> str:
        """The message in ``lang`` ("id" or "en")."""
        return messages.text(self.key, lang, **self.params)


class CodebookError(AnalyzerError):
    """The codebook file is missing or malformed."""


class InputError(AnalyzerError):
    """A note, table or file given by the user cannot be used."""


class CorpusError(AnalyzerError):
    """The annotated corpus is malformed."""


class ModelError(AnalyzerError):
    """A model directory is missing, from another version, or not trusted."""
