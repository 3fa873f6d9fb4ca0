"""The error every exchange function raises for bad input: an ``InputError`` whose text lives in
``data/messages.yaml``, so the CLI shows it like any other (``Error: …``, exit code 1, never a traceback).

>>> str(ExchangeError("exchange.not_found", path="x.json"))
'file not found: x.json.'
>>> ExchangeError("exchange.not_found", path="x.json").render("id")
'berkas tidak ditemukan: x.json.'
"""

from __future__ import annotations

from analyzer.errors import InputError


class ExchangeError(InputError):
    """An export or import input that cannot be used (a malformed file, unknown labels, inconsistent data)."""
