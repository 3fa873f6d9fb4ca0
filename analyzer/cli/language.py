"""The language of the command line: Indonesian by default, English with ``--lang en``, for our own texts,
the commands' help and Click's own messages (usage errors, "Usage:", "Options", …).

The language is read from the arguments before Click parses them, so even a usage error comes in the user's
language. Click's texts are translated from ``data/click.id.tsv``; the commands' help texts are written in
English in the code and in Indonesian in ``data/help.id.yaml`` (keys ``<command>`` and ``<command>.<option>``,
e.g. ``report`` and ``report.by``; ``cli`` is the group itself).
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from typing import Iterator, Sequence

_CLICK_MODULES = ("core", "exceptions", "types", "parser", "formatting", "decorators", "termui")


def language_of(args: Sequence[str]) -> str:
    """``en`` when the arguments ask for English (``--lang en`` or ``--lang=en``), else ``id``.

    >>> language_of(["report", "x", "--lang", "en"]), language_of(["report", "--lang=en"]), language_of(["-h"])
    ('en', 'en', 'id')
    """
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            return "en" if args[i + 1] == "en" else "id"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1] == "en" else "id"
    return "id"


@lru_cache(maxsize=1)
def _click_table() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    text = resources.files("analyzer").joinpath("data/click.id.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            english, indonesian = line.split("\t")
            forms = [f.replace("\\n", "\n").replace("\\t", "\t") for f in indonesian.split("|")]
            for key in english.split("|"):
                table[key.replace("\\n", "\n").replace("\\t", "\t")] = forms
    return table


def _gettext_id(message: str) -> str:
    forms = _click_table().get(message)
    return forms[0] if forms else message


def _ngettext_id(singular: str, plural: str, n: int) -> str:
    forms = _click_table().get(singular if n == 1 else plural)
    if not forms:
        return singular if n == 1 else plural
    return forms[0] if n == 1 or len(forms) == 1 else forms[1]


@contextmanager
def click_language(lang: str) -> Iterator[None]:
    """Click's own messages in ``lang`` while the block runs."""
    import importlib

    modules = [importlib.import_module(f"click.{name}") for name in _CLICK_MODULES]
    saved = [(m, getattr(m, "_", None), getattr(m, "ngettext", None)) for m in modules]
    try:
        if lang == "id":
            for module in modules:
                if hasattr(module, "_"):
                    module._ = _gettext_id
                if hasattr(module, "ngettext"):
                    module.ngettext = _ngettext_id
        yield
    finally:
        for module, gettext, ngettext in saved:
            if gettext is not None:
                module._ = gettext
            if ngettext is not None:
                module.ngettext = ngettext


@lru_cache(maxsize=1)
def indonesian_help() -> dict[str, str]:
    """Every Indonesian help text, by key (``data/help.id.yaml``)."""
    import yaml

    raw = resources.files("analyzer").joinpath("data/help.id.yaml").read_text(encoding="utf-8")
    # "\b" on a line of its own keeps the next paragraph's line breaks (Click's marker, a backspace character)
    return {k: v.replace("\\b\n", "\b\n") for k, v in (yaml.safe_load(raw) or {}).items()}


def help_text(key: str, lang: str, english: str | None) -> str | None:
    """The help text of ``key`` in ``lang``: the English text in the code, or the Indonesian one from
    ``data/help.id.yaml`` (the English one when it has none)."""
    if lang == "en" or english is None:
        return english
    return indonesian_help().get(key, english)


__all__ = ["language_of", "click_language", "help_text"]
