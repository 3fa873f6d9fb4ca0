"""The one normaliser for identifiers a user types: worker, client and note id.

Unicode NFC, zero-width characters, byte-order marks and control characters (C0 and C1: terminal escape
sequences lose their ESC) removed, every run of white space (line breaks and no-break spaces included) one
space, no space at either end. Two spellings that print the same become the same worker.

>>> clean_identifier("\\ufeffBu  Rina\\u200b ") == clean_identifier("Bu Rina")
True
>>> clean_identifier("Jose\\u0301") == "Jos\\u00e9"
True
>>> clean_identifier("\\x1b[31mBudi\\x1b[0m\\nSantoso")
'[31mBudi[0m Santoso'
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # C0 and C1 controls; white space (\t\n\v\f\r) is a space


def clean_identifier(value: str) -> str:
    text = _CONTROLS.sub("", _INVISIBLE.sub("", unicodedata.normalize("NFC", value)))
    return _SPACES.sub(" ", text).strip()
