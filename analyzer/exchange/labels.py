"""Our codes as the annotation tools see them, and the way back: one place for every format.

A code is written as itself (``P01``, ``E3``), a breach of a principle with a leading ``!`` (``!P05``). Option
texts for people add the name: ``P01 — Berkonsentrasi …``, ``!P05 — Pelanggaran: Bersikap profesional``. Reading
labels back accepts all three forms (and a bare codebook name), and collects every unknown label so one error can
name them all.

>>> option_text("!P05", "Bersikap profesional")
'!P05 — Pelanggaran: Bersikap profesional'
>>> parse_label("!p05 — anything the tool kept"), parse_label("E2"), parse_label("!E2"), parse_label("P17")
(('P05', True), ('E2', False), None, None)
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Sequence

from analyzer import messages
from analyzer.exchange.errors import ExchangeError

PRINCIPLES: tuple[str, ...] = tuple(f"P{i:02d}" for i in range(1, 17))
OUTCOMES: tuple[str, ...] = ("E1", "E2", "E3", "E4")
CODES: tuple[str, ...] = PRINCIPLES + OUTCOMES
BREACH = "!"
KINDS = {"principle": PRINCIPLES, "outcome": OUTCOMES}
KIND_ALIASES = {"engagement_outcome": "outcome"}  # the codebook file's group name
_ORDER = {label: i for i, label in enumerate(CODES + tuple(BREACH + p for p in PRINCIPLES))}
_LABEL = re.compile(r"\s*(!?)\s*(P(?:0[1-9]|1[0-6])|E[1-4])(?:[\s—–:.\-)].*)?", re.IGNORECASE | re.DOTALL)


def label_id(code: str, breach: bool = False) -> str:
    """``P05`` or, for a breach, ``!P05``."""
    return BREACH + code if breach else code


def split_label(label: str) -> tuple[str, bool]:
    """(code, is_breach) of one of our own label ids."""
    return label.removeprefix(BREACH), label.startswith(BREACH)


def hint_text(label: str, name: str, lang: str = "id") -> str:
    """The code's name, for a breach preceded by the word for breach: ``Pelanggaran: name``."""
    return f"{messages.text('exchange.breach', lang)}: {name}" if split_label(label)[1] else name


def option_text(label: str, name: str, lang: str = "id") -> str:
    """The text a person sees for a label: ``P01 — name``, ``!P01 — Pelanggaran: name``."""
    return f"{label} — {hint_text(label, name, lang)}"


def sort_labels(labels: Iterable[str]) -> list[str]:
    """Labels in codebook order (codes first, then breaches), without duplicates."""
    return sorted(set(labels), key=lambda label: _ORDER.get(label, len(_ORDER)))


def parse_label(label: object) -> tuple[str, bool] | None:
    """(code, is_breach) for ``P01``, ``!P01`` or ``P01 — name`` style texts; None when it names no code.

    Breaches exist only for principles, so ``!E1`` is no label."""
    if not isinstance(label, str):
        return None
    match = _LABEL.fullmatch(label)
    if match is None:
        return None
    breach, code = match.group(1) == BREACH, match.group(2).upper()
    if breach and code not in PRINCIPLES:
        return None
    return code, breach


def check_codebook(codebook: Sequence[Mapping]) -> dict[str, dict]:
    """The codebook entries keyed by code, after checking each has a known code of the right kind and a name."""
    entries: dict[str, dict] = {}
    for index, entry in enumerate(codebook, start=1):
        if not isinstance(entry, Mapping):
            raise ExchangeError("exchange.codebook_entry", index=index, field="code")
        for field in ("code", "name", "kind"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                raise ExchangeError("exchange.codebook_entry", index=index, field=field)
        code = entry["code"]
        kind = KIND_ALIASES.get(entry["kind"], entry["kind"])
        if code not in KINDS.get(kind, ()):
            raise ExchangeError("exchange.codebook_code", index=index, code=code, kind=entry["kind"])
        if code in entries:
            raise ExchangeError("exchange.codebook_duplicate", code=code)
        entries[code] = {**entry, "kind": kind, "definition": entry.get("definition") or ""}
    return {code: entries[code] for code in CODES if code in entries}


class LabelMapper:
    """Maps the labels of one imported file to (codes, breaches) and remembers every label it could not map.

    >>> mapper = LabelMapper("f.json", [{"code": "P01", "name": "Fokus", "kind": "principle"}])
    >>> mapper.map(["fokus", "!P05 — x", "P01"], "task 1")
    (['P01'], ['P05'])
    >>> mapper.map(["Menarik"], "task 2")
    ([], [])
    >>> mapper.check()
    Traceback (most recent call last):
    ...
    analyzer.exchange.errors.ExchangeError: f.json: these labels are not codebook codes: Menarik (first at task 2). ...
    """

    def __init__(self, path: object, codebook: Sequence[Mapping] | None = None) -> None:
        self.path = str(path)
        self.names = {entry["name"].strip().casefold(): code for code, entry in check_codebook(codebook or []).items()}
        self.unknown: dict[str, str] = {}  # label -> where it was first seen

    def map(self, raw: Iterable[object], where: str) -> tuple[list[str], list[str]]:
        codes: set[str] = set()
        breaches: set[str] = set()
        for label in raw:
            parsed = parse_label(label)
            if parsed is None and isinstance(label, str) and label.strip().casefold() in self.names:
                parsed = self.names[label.strip().casefold()], False
            if parsed is None:
                self.unknown.setdefault(str(label), where)
                continue
            (breaches if parsed[1] else codes).add(parsed[0])
        both = codes & breaches
        if both:
            raise ExchangeError("exchange.applied_and_breached", path=self.path, where=where,
                                codes=", ".join(sort_labels(both)))
        return sort_labels(codes), sort_labels(breaches)

    def check(self) -> None:
        """Raise one error naming every unknown label of the file, if there was any."""
        if self.unknown:
            first = next(iter(self.unknown.values()))
            raise ExchangeError("exchange.unknown_labels", path=self.path, where=first,
                                labels=", ".join(sorted(self.unknown)))
