"""The one normaliser for identifiers a user types: worker, client and note id.

Unicode NFC, zero-width characters and byte-order marks removed, every run of white space one space, no space
at either end. Two spellings that print the same become the same worker.

>>> clean_identifier("\\ufeffBu  Rina\\u200b ") == clean_identifier("Bu Rina")
True
>>> clean_identifier("Jose\\u0301") == "Jos\\u00e9"
True
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")


def clean_identifier(value: str) -> str:
    return _SPACES.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFC", value))).strip()
