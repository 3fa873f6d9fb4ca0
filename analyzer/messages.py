"""User-facing texts in Indonesian and English, kept in ``data/messages.yaml``."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

LANGS = ("id", "en")


@lru_cache(maxsize=1)
def _catalog() -> dict[str, dict[str, str]]:
    import yaml

    raw = resources.files("analyzer").joinpath("data/messages.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(raw)


def text(key: str, lang: str = "id", **params: object) -> str:
    """Return message ``key`` in ``lang`` with ``params`` filled in.

    >>> text("codebook.missing", "en", path="x.yaml")
    'codebook file not found: x.yaml. Pass an existing file with --codebook.'
    """
    entry = _catalog().get(key)
    if entry is None:
        raise KeyError(f"no message {key!r} in data/messages.yaml")
    template = entry.get(lang) or entry["en"]
    return template.format(**params)
