"""Numbers, shares and dates as each language writes them (Babel's CLDR data): Indonesian ``1.234``, ``0,72``,
``69%``, ``15 Okt 2026``; English ``1,234``, ``0.72``, ``69%``, ``15 Oct 2026``.

>>> number(1234, "id"), decimal(0.718, "id"), percent(0.6875, "id"), date("2026-10-15", "id")
('1.234', '0,72', '69%', '15 Okt 2026')
>>> number(1234, "en"), decimal(0.718, "en"), month("2026-10", "en"), date("2026-10-15", "en", "long")
('1,234', '0.72', 'October 2026', 'Thursday, 15 October 2026')
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

_DATE_FORMS = {"compact": "d/M/yy", "short": "d/M/y", "medium": "d MMM y", "long": "EEEE, d MMMM y"}


@lru_cache(maxsize=65536)
def number(value: int, lang: str) -> str:
    """A whole number with the language's grouping separator."""
    from babel.numbers import format_decimal

    return format_decimal(int(value), locale=lang)


@lru_cache(maxsize=65536)
def decimal(value: float | None, lang: str, digits: int = 2) -> str:
    """A decimal with ``digits`` places and the language's decimal separator (``—`` for none)."""
    if value is None:
        return "—"
    from babel.numbers import format_decimal

    return format_decimal(value, format="0." + "0" * digits if digits else "0", locale=lang)


@lru_cache(maxsize=65536)
def percent(share: float, lang: str, digits: int = 0) -> str:
    """A share (0–1) as a percentage."""
    from babel.numbers import format_percent

    return format_percent(share, format="#,##0" + ("." + "0" * digits if digits else "") + "%", locale=lang)


@lru_cache(maxsize=8192)
def date(iso: str | None, lang: str, form: str = "medium") -> str:
    """An ISO date (``2026-10-15``) in the language's words; ``—`` when there is none."""
    if not iso:
        return "—"
    from babel.dates import format_date

    return format_date(dt.date.fromisoformat(iso), _DATE_FORMS[form], locale=lang)


@lru_cache(maxsize=1024)
def month(key: str | None, lang: str, short: bool = False) -> str:
    """A month key (``2026-10``) as ``Oktober 2026`` (``Okt 2026`` when short); ``—`` for notes without a date."""
    if not key:
        return "—"
    from babel.dates import format_date

    year, mon = map(int, key.split("-"))
    return format_date(dt.date(year, mon, 1), "LLL y" if short else "LLLL y", locale=lang)
