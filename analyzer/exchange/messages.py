"""The exchange's user-facing texts (``exchange/messages.yaml``), Indonesian by default and English on request.

Kept apart from ``data/messages.yaml`` until the subpackage is merged into the main message table.

>>> text("exchange.breach", "en")
'Breach'
>>> text("exchange.not_found", path="x.json")
'berkas tidak ditemukan: x.json.'
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

LANGS = ("id", "en")


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """Every message, keyed by message key, then by language."""
    import yaml

    raw = resources.files(__package__).joinpath("messages.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(raw)


def text(key: str, lang: str = "id", **params: object) -> str:
    """Message ``key`` in ``lang`` ("id" or "en") with ``params`` filled in."""
    entry = catalog().get(key)
    if entry is None:
        raise KeyError(f"no message {key!r} in exchange/messages.yaml")
    return (entry.get(lang) or entry["en"]).format(**params)
