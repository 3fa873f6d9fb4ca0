"""Split a note into passages with exact character offsets.

Paragraphs (separated by blank lines) come first. Header/biodata lines ("Nama klien: ...", "Hari/tanggal: ...")
and short all-capital titles become passages of their own with ``kind == "header"``. A long paragraph is cut
into windows of whole sentences. Every passage satisfies ``note[p.start:p.end] == p.text``.

>>> ps = segment_note("Nama klien: Ibu R\\n\\nSaya datang ke rumah Ibu R. Beliau menyambut dengan ramah.")
>>> [(p.kind, p.text) for p in ps]
[('header', 'Nama klien: Ibu R'), ('body', 'Saya datang ke rumah Ibu R. Beliau menyambut dengan ramah.')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from analyzer import normalize

MAX_SENTENCES = 4
MAX_WORDS = 90
WINDOW_SENTENCES = 3
WINDOW_WORDS = 70

_LINE = re.compile(r"[^\n]*\n|[^\n]+$")
_KEY_VALUE = re.compile(r"^\s*(?:[-•*]\s*)?(?P<key>[^:\n\"“”]{1,40}?)\s*:\s*(?P<value>.*?)\s*$")
_TITLE = re.compile(r"^[^a-z\n]*[A-Z][^a-z\n]*$")


@dataclass(frozen=True)
class Passage:
    """A passage of a note: ``text == note[start:end]``; ``tokens`` are its normalised words."""

    index: int
    start: int
    end: int
    text: str
    kind: str  # "header" or "body"
    tokens: tuple[str, ...] = ()

    @property
    def is_header(self) -> bool:
        return self.kind == "header"


def _key(raw: str) -> str:
    key = re.sub(r"\s*/\s*", "/", raw.strip().lower())
    key = re.sub(r"\s+", " ", key)
    return key.rstrip(". ")


def is_header_line(line: str) -> bool:
    """True for a biodata line ``<known key>: <value>`` or a short all-capital title line."""
    stripped = line.strip()
    if not stripped:
        return False
    match = _KEY_VALUE.match(stripped)
    if match and _key(match.group("key")) in normalize.header_keys():
        value = match.group("value")
        return not value.startswith(("\"", "“", "'"))
    if _TITLE.match(stripped) and len(stripped.split()) <= 8 and not stripped.endswith((".", "!", "?")):
        return any(ch.isalpha() for ch in stripped)
    return False


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _blocks(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield (kind, start, end) for header lines and runs of body lines within paragraphs."""
    body_start: int | None = None
    body_end = 0
    for match in _LINE.finditer(text):
        line = match.group()
        if not line.strip():
            if body_start is not None:
                yield "body", body_start, body_end
                body_start = None
            continue
        if is_header_line(line):
            if body_start is not None:
                yield "body", body_start, body_end
                body_start = None
            yield "header", match.start(), match.end()
            continue
        if body_start is None:
            body_start = match.start()
        body_end = match.end()
    if body_start is not None:
        yield "body", body_start, body_end


def _word_count(span) -> int:
    return sum(1 for t in span if not (t.is_punct or t.is_space))


def _windows(doc) -> Iterator[tuple[int, int, object]]:
    """Sentence windows (start_char, end_char, span) of a body block's Doc."""
    sents = list(doc.sents)
    if len(sents) <= MAX_SENTENCES and _word_count(doc) <= MAX_WORDS:
        yield 0, len(doc.text), doc[:]
        return
    group: list = []
    words = 0
    for sent in sents:
        n = _word_count(sent)
        if group and (len(group) >= WINDOW_SENTENCES or words + n > WINDOW_WORDS):
            yield group[0].start_char, group[-1].end_char, doc[group[0].start : group[-1].end]
            group, words = [], 0
        group.append(sent)
        words += n
    if group:
        yield group[0].start_char, group[-1].end_char, doc[group[0].start : group[-1].end]


def segment_notes(texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Passage]]:
    """Segment many notes, tokenising all their body blocks in one ``nlp.pipe`` stream."""
    from analyzer.pipeline import get_nlp, token_features

    nlp = get_nlp()
    for text in texts:
        blocks = []
        for kind, raw_start, raw_end in _blocks(text):
            start, end = _trim(text, raw_start, raw_end)
            if start < end:
                blocks.append((kind, start, end))
        docs = nlp.pipe((text[s:e] for _, s, e in blocks), batch_size=batch_size)
        passages: list[Passage] = []
        for (kind, start, end), doc in zip(blocks, docs):
            if kind == "header":
                spans = [(0, len(doc.text), doc[:])]
            else:
                spans = list(_windows(doc))
            for s, e, span in spans:
                ps, pe = _trim(text, start + s, start + e)
                if ps < pe:
                    passages.append(
                        Passage(len(passages), ps, pe, text[ps:pe], kind, tuple(token_features(span)))
                    )
        yield passages


def segment_note(text: str) -> list[Passage]:
    """Segment one note into passages (see module docstring)."""
    return next(segment_notes([text]))
