"""JSON Lines: one JSON value per line, blank lines ignored. Each reader (notes, passages to predict, corrections,
an agency's labels, annotation-tool exports) raises its own error for a line that is not JSON; this module only
walks the lines."""

from __future__ import annotations

import json
from typing import Callable, Iterable, Iterator


def json_lines(lines: Iterable[str], bad_line: Callable[[int, json.JSONDecodeError], Exception]) \
        -> Iterator[tuple[int, object]]:
    """(line number from 1, value) for every non-blank line; a line that is not JSON raises
    ``bad_line(number, error)``.

    >>> list(json_lines(['{"a": 1}', "", " [2] "], lambda n, e: ValueError(n)))
    [(1, {'a': 1}), (3, [2])]
    >>> list(json_lines(["{", "1"], lambda n, e: ValueError(f"line {n}: {e.msg}")))
    Traceback (most recent call last):
    ValueError: line 1: Expecting property name enclosed in double quotes
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise bad_line(number, exc) from None
        yield number, value
