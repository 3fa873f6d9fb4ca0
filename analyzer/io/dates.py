"""Dates as Indonesian session notes write them, parsed strictly: a date is read or refused, never guessed.

Accepted: ISO (``2026-10-15``), day-first numbers (``15/10/2026``, ``15-10-2026``, ``15.10.2026``, ``5-9-26``),
month names and their abbreviations in Indonesian or English (``15 Oktober 2026``, ``3 Agt 2026``,
``2 Sept. 2026``, ``3 Nopember 2026``), each optionally after a day name (``Senin, 14/9/2026``,
``Kamis 15 Oktober 2026``) or ``tgl``/``tanggal``. Month names are read by ``dateparser`` (offline, its
Indonesian and English data); the numeric forms and the checks below are ours.

Refused as **ambiguous** (the note is skipped with the reason, not given a guessed date):

- a numeric date that is impossible day-first but possible month-first (``10/15/2026``);
- a day name that does not match the date (``Senin, 15 Oktober 2026``: 15 October 2026 is a Thursday);
- a date without a year (``15 Oktober``).

Two-digit years follow the POSIX rule: 00–68 are 2000–2068, 69–99 are 1969–1999.

>>> read_date("Senin, 14/9/2026").date
datetime.date(2026, 9, 14)
>>> read_date("10/15/2026").problem
'ambiguous'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

# Day names as notes write them (Indonesian, the Javanese-influenced "Ahad", and English), Monday = 0.
DAY_NAMES = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "jumaat": 4, "sabtu": 5,
    "minggu": 6, "ahad": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}
_PREFIX = re.compile(r"^\s*(?:hari\s*/\s*tanggal|hari\s*,?\s*tanggal|tanggal|tgl\.?)\s*[:.]?\s*", re.I)
_DAY = re.compile(r"^\s*(" + "|".join(sorted(map(re.escape, DAY_NAMES), key=len, reverse=True))
                  + r")\b\s*[,/]?\s*", re.I)
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})$")
_HAS_MONTH_WORD = re.compile(r"[a-z]{3,}", re.I)
_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True)
class DateReading:
    """The result of reading one date: ``date``, or ``problem`` (``"unrecognised"`` or ``"ambiguous"``) with
    ``detail`` saying why."""

    date: dt.date | None = None
    problem: str | None = None
    detail: str = ""


def _valid(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _century(year: int) -> int:
    if year >= 100:
        return year
    return 2000 + year if year < 69 else 1900 + year


def _numeric(text: str) -> DateReading | None:
    """Day-first numeric dates; ``None`` when the text is not numeric."""
    m = _ISO.match(text)
    if m:
        date = _valid(int(m[1]), int(m[2]), int(m[3]))
        return DateReading(date) if date else DateReading(problem="unrecognised", detail=text)
    m = _NUMERIC.match(text)
    if not m:
        return None
    first, second, year_text = int(m[1]), int(m[3]), m[4]
    year = _century(int(year_text))
    date = _valid(year, second, first)
    if date:
        return DateReading(date)
    if _valid(year, first, second):
        return DateReading(problem="ambiguous", detail=text)  # only valid month-first: 10/15/2026
    return DateReading(problem="unrecognised", detail=text)


@lru_cache(maxsize=1)
def _month_parser():
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["id", "en"], settings={
        "DATE_ORDER": "DMY", "STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"],
        "PREFER_LOCALE_DATE_ORDER": False, "RETURN_TIME_AS_PERIOD": False,
    })


def _worded(text: str) -> DateReading:
    """Dates with a month name (``15 Oktober 2026``) through dateparser, refusing what it would complete."""
    numbers = _NUMBERS.findall(text)
    if not _HAS_MONTH_WORD.search(text) or not numbers:
        return DateReading(problem="unrecognised", detail=text)
    if len(numbers) == 1 and len(numbers[0]) <= 2:
        # a day and a month without a year (dateparser would take today's year): refused, not guessed
        probe = _strict(f"{text} 2000", numbers + ["2000"])
        return DateReading(problem="ambiguous" if probe else "unrecognised", detail=text)
    if len(numbers) != 2 or not any(len(n) == 4 for n in numbers):
        return DateReading(problem="unrecognised", detail=text)
    date = _strict(text, numbers)
    return DateReading(date) if date else DateReading(problem="unrecognised", detail=text)


def _strict(text: str, numbers: list[str]) -> dt.date | None:
    """dateparser's reading of ``text`` when its day and year are the numbers written (not relative or
    completed from today's date)."""
    parsed = _month_parser().get_date_data(text)
    if parsed is None or parsed.date_obj is None:
        return None
    date = parsed.date_obj.date()
    if str(date.day) not in {n.lstrip("0") for n in numbers} or str(date.year) not in numbers:
        return None
    return date


@lru_cache(maxsize=4096)
def read_date_text(text: str) -> DateReading:
    """Read one date written as text (see the module docstring for the forms and the refusals)."""
    raw = " ".join(text.split())
    rest = _PREFIX.sub("", raw)
    weekday = None
    m = _DAY.match(rest)
    if m:
        weekday = DAY_NAMES[m[1].lower()]
        rest = rest[m.end():]
    rest = rest.strip(" ,.")
    if not rest:
        return DateReading(problem="unrecognised", detail=raw)
    reading = _numeric(rest)
    if reading is None:
        reading = _worded(rest)
    if reading.date is None:
        return DateReading(problem=reading.problem, detail=raw)
    if weekday is not None and reading.date.weekday() != weekday:
        return DateReading(problem="ambiguous", detail=raw)  # the day name and the date disagree
    return reading


def read_date(value: object) -> DateReading:
    """Read a date from text, a ``date``/``datetime`` or a pandas timestamp; empty values give an empty
    reading (no date, no problem)."""
    if value is None or value != value:  # None, NaN, NaT
        return DateReading()
    if isinstance(value, dt.datetime):
        return DateReading(value.date())
    if isinstance(value, dt.date):
        return DateReading(value)
    if hasattr(value, "to_pydatetime"):
        try:
            return DateReading(value.to_pydatetime().date())
        except (ValueError, TypeError):
            return DateReading()
    text = str(value).strip()
    if not text or text.lower() in ("nan", "nat", "none"):
        return DateReading()
    return read_date_text(text)
