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
from analyzer.pipeline import feature_list, sentence_punct_orths

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


_ATTRS: list[int] = []


def _token_attrs() -> list[int]:
    """The spaCy attribute ids read per token (spaCy is imported on first use)."""
    if not _ATTRS:
        from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, ORTH

        _ATTRS.extend([ORTH, IS_PUNCT, IS_SPACE, IDX, LENGTH])
    return _ATTRS


class _DocArrays:
    """Token attributes of one Doc as plain lists (no per-token Python objects): feature strings, whether a
    token is a word, whether it ends a sentence (spaCy sentencizer's rule), and character offsets."""

    __slots__ = ("feats", "is_word", "ends", "starts_char", "ends_char", "n", "word_prefix")

    def __init__(self, doc) -> None:
        vocab = doc.vocab
        self.n = n = len(doc)
        if not n:
            self.feats, self.is_word, self.starts_char, self.ends_char, self.word_prefix, self.ends = (
                [], [], [], [], [0], [])
            return
        orths, punct, space, idx, length = doc.to_array(_token_attrs()).T.tolist()
        self.feats = feature_list(vocab, orths)
        self.is_word = is_word = [not (p or s) for p, s in zip(punct, space)]
        self.starts_char = idx
        self.ends_char = [i + n_chars for i, n_chars in zip(idx, length)]
        prefix = [0] * (n + 1)
        total = 0
        for i, w in enumerate(is_word, 1):
            total += w
            prefix[i] = total
        self.word_prefix = prefix
        # sentence starts, as spaCy's Sentencizer decides them: after a sentence-final punctuation token, the
        # next token that is neither punctuation nor sentence-final punctuation opens a new sentence
        punct_chars = sentence_punct_orths(vocab)
        self.ends = []
        seen_period = False
        start = 0
        for i, orth in enumerate(orths):
            if orth in punct_chars:
                seen_period = True
            elif seen_period and not punct[i]:
                self.ends.append((start, i))
                start, seen_period = i, False
        self.ends.append((start, n))

    def words(self, s: int, e: int) -> int:
        return self.word_prefix[e] - self.word_prefix[s]

    def tokens(self, s: int, e: int) -> tuple[str, ...]:
        return tuple(w for f in self.feats[s:e] if f for w in f.split(" "))

    def chars(self, s: int, e: int) -> tuple[int, int]:
        return self.starts_char[s], self.ends_char[e - 1]


def _windows(arrays: _DocArrays) -> Iterator[tuple[int, int]]:
    """Token ranges of a body block: the whole block when short, otherwise windows of whole sentences."""
    sents = arrays.ends
    if len(sents) <= MAX_SENTENCES and arrays.words(0, arrays.n) <= MAX_WORDS:
        if arrays.n:
            yield 0, arrays.n
        return
    group_start, group_end, count, words = None, 0, 0, 0
    for s, e in sents:
        n = arrays.words(s, e)
        if group_start is not None and (count >= WINDOW_SENTENCES or words + n > WINDOW_WORDS):
            yield group_start, group_end
            group_start, count, words = None, 0, 0
        if group_start is None:
            group_start = s
        group_end = e
        count += 1
        words += n
    if group_start is not None:
        yield group_start, group_end


def segment_notes(texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Passage]]:
    """Segment many notes, tokenising all their blocks in one tokenizer stream."""
    from analyzer.pipeline import get_nlp

    tokenizer = get_nlp().tokenizer
    for text in texts:
        blocks = []
        for kind, raw_start, raw_end in _blocks(text):
            start, end = _trim(text, raw_start, raw_end)
            if start < end:
                blocks.append((kind, start, end))
        docs = tokenizer.pipe((text[s:e] for _, s, e in blocks), batch_size=batch_size)
        passages: list[Passage] = []
        for (kind, start, end), doc in zip(blocks, docs):
            arrays = _DocArrays(doc)
            ranges = [(0, arrays.n)] if kind == "header" else list(_windows(arrays))
            for ts, te in ranges:
                if kind == "header" or not arrays.n:
                    cs, ce = 0, end - start
                else:
                    cs, ce = arrays.chars(ts, te)
                ps, pe = _trim(text, start + cs, start + ce)
                if ps < pe:
                    passages.append(Passage(len(passages), ps, pe, text[ps:pe], kind, arrays.tokens(ts, te)))
        yield passages


def segment_note(text: str) -> list[Passage]:
    """Segment one note into passages (see module docstring)."""
    return next(segment_notes([text]))
