"""Redaction of personal identifiers in note text: NIK (16 digits), phone numbers, e-mail addresses.

Dates, times, money amounts and short numbers survive.

>>> redact("NIK 3204123009870005, hp 0813-2245-7781, surel rina@contoh.id, Rp1.500.000 pada 12/05/2023")
'NIK [NIK], hp [TELEPON], surel [EMAIL], Rp1.500.000 pada 12/05/2023'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EMAIL = r"(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
# NIK/KK: 16 digits, possibly written in groups with spaces or dots (3204 1230 0987 0005).
_NIK = r"(?P<nik>(?<![\d.,/-])\d{16}(?![\d.,/]?\d)|(?<![\d.,/-])\d{4}(?:[ .]\d{4}){3}(?![\d]))"
# Indonesian mobile and landline numbers: 08xx / +62 8xx / 62 8xx / (021) ..., with - . or space groups.
_PHONE = (
    r"(?P<phone>(?<![\w/+.,-])(?:\+62[\s.-]?|62[\s.-]?|0)8\d{1,3}(?:[\s.-]?\d{2,5}){1,3}(?!\d)"
    r"|(?<![\w/])\(0\d{2,3}\)\s?\d{3,4}[\s.-]?\d{3,4}(?!\d))"
)
_PATTERN = re.compile("|".join((_EMAIL, _NIK, _PHONE)))

LABELS = {"email": "[EMAIL]", "nik": "[NIK]", "phone": "[TELEPON]"}


@dataclass(frozen=True)
class Redaction:
    """One identifier found in a text: its kind ("email", "nik", "phone") and character offsets."""

    kind: str
    start: int
    end: int


def find_identifiers(text: str) -> list[Redaction]:
    """All personal identifiers in ``text``, in order."""
    found = []
    for match in _PATTERN.finditer(text):
        kind = match.lastgroup or "phone"
        found.append(Redaction(kind, match.start(), match.end()))
    return found


# Every NIK or phone number starts with a digit, "+" or "(": the lookahead rejects other positions before the
# alternatives (each with its own lookbehind) are tried one by one; matches are the same.
_NUMBERS = re.compile("(?=[\\d+(])(?:" + "|".join((_NIK, _PHONE)) + ")")
_DIGIT = re.compile(r"\d")


def redact(text: str, labels: dict[str, str] | None = None) -> str:
    """``text`` with every NIK, phone number and e-mail address replaced by a placeholder."""
    labels = labels or LABELS
    # Every identifier has an "@" or a digit; most passages have neither, and the e-mail alternative is the
    # slow one (tried at every letter), so it only runs on texts with an "@".
    pattern = _PATTERN if "@" in text else _NUMBERS if _DIGIT.search(text) else None
    return pattern.sub(lambda m: labels[m.lastgroup or "phone"], text) if pattern else text
