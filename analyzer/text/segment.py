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
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from analyzer.text import normalize

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

MAX_SENTENCES = 4
MAX_WORDS = 90
WINDOW_SENTENCES = 3
WINDOW_WORDS = 70

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


@lru_cache(maxsize=4096)
def _key(raw: str) -> str:
    key = re.sub(r"\s*/\s*", "/", raw.strip().lower())
    key = re.sub(r"\s+", " ", key)
    return key.rstrip(". ")


def is_header_line(line: str) -> bool:
    """True for a biodata line ``<known key>: <value>`` or a short all-capital title line."""
    stripped = line.strip()
    if not stripped:
        return False
    match = _KEY_VALUE.match(stripped) if ":" in stripped else None
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
    pieces = text.split("\n")
    if not pieces[-1]:  # a final newline ends the last line; it does not open another
        pieces.pop()
    start = 0
    for piece in pieces:
        end = min(start + len(piece) + 1, len(text))  # the line with its newline
        if not piece.strip():
            if body_start is not None:
                yield "body", body_start, body_end
                body_start = None
        elif is_header_line(piece):
            if body_start is not None:
                yield "body", body_start, body_end
                body_start = None
            yield "header", start, end
        else:
            if body_start is None:
                body_start = start
            body_end = end
        start = end
    if body_start is not None:
        yield "body", body_start, body_end


_ATTRS: list[int] = []


def _token_attrs() -> list[int]:
    """The spaCy attribute ids read per token (spaCy is imported on first use); the rest is per lexeme."""
    if not _ATTRS:
        from spacy.attrs import IDX, ORTH

        _ATTRS.extend([ORTH, IDX])
    return _ATTRS


@dataclass
class PassageBatch:
    """The passages of a batch of notes as parallel columns (passage ``i`` of the batch belongs to note
    ``note[i]``, is its ``index[i]``-th passage and spans ``text == notes[note[i]][start[i]:end[i]]``), with
    every passage's feature words as integer ids: ``feature_ids[feature_ptr[i]:feature_ptr[i + 1]]``, where
    ``words[id]`` is the word."""

    n_notes: int
    note: list[int]
    index: list[int]
    start: list[int]
    end: list[int]
    kind: list[str]
    text: list[str]
    feature_ptr: "np.ndarray"
    feature_ids: "np.ndarray"
    words: Sequence[str]

    def __len__(self) -> int:
        return len(self.note)

    def tokens(self, i: int) -> tuple[str, ...]:
        """The normalised feature words of passage ``i``."""
        words = self.words
        return tuple(words[w] for w in self.feature_ids[self.feature_ptr[i]:self.feature_ptr[i + 1]].tolist())

    def by_note(self) -> list[list[Passage]]:
        """The passages as :class:`Passage` objects, one list per note."""
        out: list[list[Passage]] = [[] for _ in range(self.n_notes)]
        for i, (note, index, start, end, kind, text) in enumerate(
                zip(self.note, self.index, self.start, self.end, self.kind, self.text)):
            out[note].append(Passage(index, start, end, text, kind, self.tokens(i)))
        return out


def _window_groups(sentences: list[tuple[int, int, int]]) -> Iterator[tuple[int, int]]:
    """Token ranges of a long body block: consecutive whole sentences ``(start, end, words)``, at most
    ``WINDOW_SENTENCES`` sentences and ``WINDOW_WORDS`` words a window (a longer sentence stays whole)."""
    group_start, group_end, count, words = None, 0, 0, 0
    for s, e, n in sentences:
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


def _note_tokens(texts: Sequence[str]):
    """Every token of every note, as columns: note, orth id, character offset."""
    import numpy as np

    from analyzer.text.tokenizer import tokenize

    attrs = _token_attrs()
    arrays = [doc.to_array(attrs) for doc in tokenize(texts, batch_size=max(1, len(texts)))]
    table = np.concatenate(arrays) if arrays else np.zeros((0, len(attrs)), dtype=np.uint64)
    note = np.repeat(np.arange(len(texts), dtype=np.int64), [len(a) for a in arrays])
    return note, table[:, 0], table[:, 1].astype(np.int64)


def _batch_blocks(texts: Sequence[str]) -> tuple[list[int], list[int], list[int], list[bool]]:
    """The non-empty blocks of every note, as columns: note, start, end (trimmed), whether a header line."""
    b_note, b_start, b_end, b_header = [], [], [], []
    for n, text in enumerate(texts):
        for kind, raw_start, raw_end in _blocks(text):
            start, end = _trim(text, raw_start, raw_end)
            if start < end:
                b_note.append(n)
                b_start.append(start)
                b_end.append(end)
                b_header.append(kind == "header")
    return b_note, b_start, b_end, b_header


def _sentence_starts(blk: "np.ndarray", first: "np.ndarray", last: "np.ndarray", punct: "np.ndarray",
                     final: "np.ndarray") -> "np.ndarray":
    """The token positions that open a sentence, as spaCy's Sentencizer decides them: each block's first token,
    and after a sentence-final punctuation token the next token that is neither punctuation nor sentence-final
    punctuation. ``blk`` is each token's block, ``first``/``last`` each block's token range."""
    import numpy as np

    from analyzer.text.ragged import offsets

    finals_before = offsets(final)
    candidates = np.flatnonzero(~(punct | final))
    since = first[blk[candidates]]  # where the search for a sentence-final token starts
    if len(candidates) > 1:
        same_block = blk[candidates[1:]] == blk[candidates[:-1]]
        since[1:][same_block] = candidates[:-1][same_block] + 1
    opens = candidates[finals_before[candidates] > finals_before[since]]
    return np.sort(np.concatenate([first[first < last], opens]), kind="stable")  # merges two sorted runs


def segment_batch(texts: Sequence[str]) -> PassageBatch:
    """Segment many notes at once (see the module docstring): each note is tokenised once, and the sentence
    and window boundaries and feature words of the whole batch are computed on token arrays."""
    import numpy as np

    from analyzer.text.tokenizer import FEATURE_WORDS, get_nlp, lexeme_flags, sentence_punct_orths
    from analyzer.text.ragged import gather_ranges, offsets

    texts = list(texts)
    vocab = get_nlp().vocab
    b_note, b_start, b_end, b_header = _batch_blocks(texts)
    n_blocks = len(b_note)

    # tokens of the whole notes, kept when they fall inside a block (in batch-wide character positions)
    t_note, orth, idx = _note_tokens(texts)
    base = offsets(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    where = base[t_note] + idx
    block_start = base[np.asarray(b_note, dtype=np.int64)] + np.asarray(b_start, dtype=np.int64)
    block_end = base[np.asarray(b_note, dtype=np.int64)] + np.asarray(b_end, dtype=np.int64)
    blk = np.searchsorted(block_start, where, side="right") - 1
    inside = blk >= 0
    inside[inside] = where[inside] < block_end[blk[inside]]
    keep = np.flatnonzero(inside)
    blk, orth, idx = blk[keep], orth[keep], idx[keep]
    uniq, inverse = np.unique(orth, return_inverse=True)
    inverse = inverse.ravel()
    punct, space, length = (values[inverse] for values in lexeme_flags(vocab, uniq))
    n_tokens = len(blk)
    first = np.searchsorted(blk, np.arange(n_blocks), side="left")
    last = np.searchsorted(blk, np.arange(n_blocks), side="right")
    words_before = offsets(~(punct | space))  # words among the tokens before each position

    final = np.isin(uniq, np.fromiter(sentence_punct_orths(vocab), dtype=np.uint64))[inverse]
    sent_start = _sentence_starts(blk, first, last, punct, final)
    sent_end = np.minimum(np.append(sent_start[1:], n_tokens), last[blk[sent_start]])
    sent_words = words_before[sent_end] - words_before[sent_start]
    sent_ptr = offsets(np.bincount(blk[sent_start], minlength=n_blocks))
    block_words = words_before[last] - words_before[first]
    whole = (np.diff(sent_ptr) <= MAX_SENTENCES) & (block_words <= MAX_WORDS)

    # passages: a header block whole, a short body block whole, a long one in windows of sentences
    columns: dict[str, list] = {k: [] for k in ("note", "index", "start", "end", "kind", "text", "ts", "te")}
    starts_char, ends_char = idx.tolist(), (idx + length).tolist()
    sentences = list(zip(sent_start.tolist(), sent_end.tolist(), sent_words.tolist()))
    sent_bounds = sent_ptr.tolist()
    add_note, add_index, add_start, add_end, add_kind, add_text, add_ts, add_te = (
        columns[k].append for k in ("note", "index", "start", "end", "kind", "text", "ts", "te"))
    counter, current = 0, -1
    for b, (note, header, ts, te, bs, be, short) in enumerate(zip(
            b_note, b_header, first.tolist(), last.tolist(), b_start, b_end, whole.tolist())):
        if note != current:
            counter, current = 0, note
        if header:
            ranges: Iterable[tuple[int, int]] = [(ts, te)]
        elif ts == te:
            continue
        elif short:
            ranges = [(ts, te)]
        else:
            ranges = _window_groups(sentences[sent_bounds[b]:sent_bounds[b + 1]])
        text = texts[note]
        for ws, we in ranges:
            ps, pe = (bs, be) if header else _trim(text, starts_char[ws], ends_char[we - 1])
            if ps < pe:
                add_note(note)
                add_index(counter)
                add_start(ps)
                add_end(pe)
                add_kind("header" if header else "body")
                add_text(text[ps:pe])
                add_ts(ws)
                add_te(we)
                counter += 1

    # feature words of every passage
    per_token, flat = FEATURE_WORDS.for_orths(vocab, uniq, inverse)
    feats_before = offsets(per_token)
    ts, te = np.asarray(columns.pop("ts"), dtype=np.int64), np.asarray(columns.pop("te"), dtype=np.int64)
    lengths = feats_before[te] - feats_before[ts]
    return PassageBatch(len(texts), **columns, feature_ptr=offsets(lengths),
                        feature_ids=flat[gather_ranges(feats_before[ts], lengths)], words=FEATURE_WORDS.words)


def segment_notes(texts: Iterable[str], notes_per_batch: int = 256) -> Iterator[list[Passage]]:
    """Segment many notes, a batch of them at a time (see :func:`segment_batch`); one list per note."""
    iterator = iter(texts)
    while True:
        chunk = list(islice(iterator, notes_per_batch))
        if not chunk:
            return
        yield from segment_batch(chunk).by_note()


def segment_note(text: str) -> list[Passage]:
    """Segment one note into passages (see module docstring)."""
    return segment_batch([text]).by_note()[0]
