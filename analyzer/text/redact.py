"""Redaction: the one place where note text is masked before it leaves the tool.

Every output path calls these functions: analysis results (Parquet, cache), reports (HTML, CSV, XLSX, JSON,
terminal), reviews, ``predict`` output and evidence. The recognisers are in :mod:`analyzer.text.pii`; modes are
``all`` (default: names, addresses, schools and workplaces, structured identifiers, birth dates), ``ids``
(structured identifiers and birth dates only) and ``none``. Dates of sessions, money amounts, ages and counts
survive.

>>> redact("NIK 3204123009870005, hp 0813-2245-7781, surel rina@contoh.id, Rp1.500.000 pada 12/05/2023")
'NIK [NIK], hp [TELEPON], surel [EMAIL], Rp1.500.000 pada 12/05/2023'
"""

from __future__ import annotations

from typing import Sequence

from analyzer.text import pii

# Kinds the corpus check refuses unmasked (real-looking numbers and addresses of people).
CORPUS_KINDS = frozenset({"NIK", "KK", "TELEPON", "EMAIL", "NO_REK", "BPJS", "NISN", "NPWP"})


Redaction = pii.Span  # one identifier found in a text: its kind and character offsets


def mode_of(value: "bool | str | None") -> str:
    """A redaction mode from a flag or a mode name: True → "all", False/None → "none"."""
    if value is True:
        return "all"
    if value is False or value is None:
        return "none"
    if value not in pii.MODES:
        raise ValueError(f"unknown redaction mode {value!r}")
    return value


def find_identifiers(text: str, kinds: frozenset = CORPUS_KINDS) -> list[Redaction]:
    """Structured personal identifiers in ``text`` (by default the kinds the corpus check refuses)."""
    return [s for s in pii.find(text, "ids") if s.kind in kinds]


def redact(text: str, mode: "bool | str" = "all") -> str:
    """``text`` with its identifiers masked (one passage or term, no wider context)."""
    mode = mode_of(mode)
    return text if mode == "none" else pii.mask(text, mode)


def redact_passages(note: str, bounds: Sequence[tuple[int, int]], mode: "bool | str" = "all") \
        -> tuple[list[str], list[frozenset[str]]]:
    """The passages ``note[start:end]`` of one note, masked with the whole note as context (a name found in the
    header is masked wherever it recurs, and ``[NAMA-1]`` is the same person in every passage), and, per
    passage, the lower-cased words that were masked (evidence must not show them)."""
    mode = mode_of(mode)
    if mode == "none":
        return [note[a:b] for a, b in bounds], [frozenset()] * len(bounds)
    spans = pii.find(note, mode)
    names = pii.Pseudonyms()
    texts, hidden = [], []
    for a, b in bounds:
        texts.append(pii.mask_spans(note, spans, a, b, names))
        hidden.append(frozenset(w.lower() for s in spans if s.start < b and s.end > a
                                for w in note[max(s.start, a):min(s.end, b)].split()))
    return texts, hidden


def redact_terms(terms: Sequence[str], hidden: frozenset[str] = frozenset(), mode: "bool | str" = "all") -> list[str]:
    """Evidence terms without any masked word of their passage. Terms are normalised lower-case words with
    numbers folded to ``<num>``: only an e-mail address can still be an identifier, and it is masked."""
    mode = mode_of(mode)
    if mode == "none":
        return list(terms)
    return [redact(t, mode) if "@" in t else t for t in terms if not hidden.intersection(t.split())]
