"""Concept lexicon features: cue words of the codebook grouped into concepts (``data/lexicon.tsv``).

A passage whose normalised words contain a cue gets extra feature tokens ``§<concept>``; when a worker
("saya", "praktikan", "peksos", …) or a client ("klien", "ibu", "beliau", …) appears in the four words before
the cue, also ``§<concept>.w`` or ``§<concept>.k`` (who acts); when a negation is among the two words
before it, ``§<concept>.neg`` instead. The tokens are appended to the passage's words, so the word and
character blocks of the model read them like any other word and the saved model stays pure scikit-learn.

>>> concept_tokens("saya membentak ibu".split())
['§anger', '§anger.w']
>>> concept_tokens("saya tidak memotong cerita beliau".split())[:3]
['§ignore.neg', '§listen', '§listen.w']
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

PREFIX = "§"  # short: concept tokens also pass through the character n-gram block
WORKER, CLIENT, NEGATION = "@worker", "@client", "negation"
_PREFIXES = ("meng", "meny", "mem", "men", "me", "peng", "peny", "pem", "pen", "pe", "di", "ter", "ber", "be",
             "ke", "se", "per", "ng", "ny")
_NASAL = {"mem": "p", "pem": "p", "meny": "s", "peny": "s", "ny": "s", "men": "t", "pen": "t", "meng": "k",
          "peng": "k", "ng": "k"}
_SUFFIXES = ("kannya", "annya", "inya", "kan", "an", "in", "i", "nya", "lah", "kah", "ku", "mu")
ACTOR_WINDOW = 4
NEGATION_WINDOW = 2
PAIR_WINDOW = 2


def affix_variants(word: str) -> set[str]:
    """The word and the forms left after stripping common Indonesian affixes (with nasal restoration:
    ``memotong`` → ``potong``, ``menyalahkan`` → ``salah``)."""
    out = {word}
    for s in _SUFFIXES:
        if word.endswith(s) and len(word) - len(s) >= 3:
            out.add(word[: -len(s)])
    for base in list(out):
        for p in _PREFIXES:
            if base.startswith(p) and len(base) - len(p) >= 3:
                rest = base[len(p):]
                out.add(rest)
                if p in _NASAL:
                    out.add(_NASAL[p] + rest)
    return out


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Cues by concept: single stems and two-stem pairs."""

    singles: dict[str, tuple[str, ...]]  # stem -> concepts
    pairs: dict[str, tuple[tuple[str, str], ...]]  # first stem -> ((second stem, concept), ...)
    sha256: str
    text: str = ""

    @classmethod
    def from_text(cls, text: str) -> "Lexicon":
        singles: dict[str, list[str]] = {}
        pairs: dict[str, list[tuple[str, str]]] = {}
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            concept, _, cue = line.partition("\t")
            words = cue.strip().lower().split()
            concept = concept.strip()
            if len(words) == 1:
                singles.setdefault(words[0], []).append(concept)
            elif len(words) == 2:
                pairs.setdefault(words[0], []).append((words[1], concept))
            else:
                raise ValueError(f"lexicon cue of {len(words)} words: {cue!r}")
        return cls({k: tuple(dict.fromkeys(v)) for k, v in singles.items()},
                   {k: tuple(dict.fromkeys(v)) for k, v in pairs.items()},
                   hashlib.sha256(text.encode("utf-8")).hexdigest(), text)

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(self.singles) | frozenset(self.pairs) | frozenset(s for v in self.pairs.values() for s, _ in v)


@lru_cache(maxsize=1)
def default_text() -> str:
    from importlib import resources

    return resources.files("analyzer").joinpath("data/lexicon.tsv").read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def load(text: str | None = None) -> Lexicon:
    return Lexicon.from_text(default_text() if text is None else text)


@dataclass(frozen=True)
class WordInfo:
    """What the lexicon knows about one word: the concepts it cues alone, the pairs it may start, the stems
    it matches (for the second word of a pair) and whether it names a worker, a client or a negation."""

    singles: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    stems: frozenset = frozenset()
    worker: bool = False
    client: bool = False
    negation: bool = False

    @property
    def cues(self) -> bool:
        return bool(self.singles or self.pairs)


_NONE = WordInfo()


class _Matcher:
    """Per-word lexicon information, cached (the hot path computes it once per distinct word)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.stems = lexicon.stems
        self.cache: dict[str, WordInfo] = {}

    def info(self, word: str) -> WordInfo:
        hit = self.cache.get(word)
        if hit is None:
            stems = frozenset(affix_variants(word) & self.stems) if len(word) > 1 else frozenset({word} & self.stems)
            hit = _NONE
            if stems:
                concepts = [c for st in sorted(stems) for c in self.lexicon.singles.get(st, ())]
                singles = tuple(dict.fromkeys(c for c in concepts if c not in (WORKER, CLIENT, NEGATION)))
                pairs = tuple(pair for st in sorted(stems) for pair in self.lexicon.pairs.get(st, ()))
                hit = WordInfo(singles, pairs, stems, WORKER in concepts, CLIENT in concepts, NEGATION in concepts)
            if len(self.cache) < 500_000:
                self.cache[word] = hit
        return hit


_MATCHERS: dict[str, _Matcher] = {}


def _matcher(lexicon: Lexicon) -> _Matcher:
    m = _MATCHERS.get(lexicon.sha256)
    if m is None:
        m = _MATCHERS[lexicon.sha256] = _Matcher(lexicon)
    return m


def _tokens_at(infos: Sequence[WordInfo], lo: int, hi: int, hits: Iterable[int]) -> list[str]:
    """The concept tokens of the passage ``infos[lo:hi]``, given the positions in it whose word cues a
    concept (alone or as the first word of a pair)."""
    out: set[str] = set()
    for i in hits:
        info = infos[i]
        concepts = list(info.singles)
        for second, concept in info.pairs:
            if any(second in infos[j].stems for j in range(i + 1, min(i + 1 + PAIR_WINDOW, hi))):
                concepts.append(concept)
        if not concepts:
            continue
        negated = any(infos[j].negation for j in range(max(lo, i - NEGATION_WINDOW), i))
        window = range(max(lo, i - ACTOR_WINDOW), i)
        actor = (".w" if any(infos[j].worker for j in window)
                 else ".k" if any(infos[j].client for j in window) else "")
        for concept in concepts:
            if negated:
                out.add(f"{PREFIX}{concept}.neg")
            else:
                out.add(PREFIX + concept)
                if actor:
                    out.add(PREFIX + concept + actor)
    return sorted(out)


def concept_tokens(words: Sequence[str], lexicon: Lexicon | None = None) -> list[str]:
    """The concept tokens of one passage's normalised words, sorted and without repeats."""
    m = _matcher(lexicon or load())
    infos = [m.info(w) for w in words]
    return _tokens_at(infos, 0, len(infos), [i for i, info in enumerate(infos) if info.cues])


def augment_text(feature_string: str, lexicon: Lexicon | None = None) -> str:
    """A feature string with its concept tokens appended."""
    words = feature_string.split()
    extra = concept_tokens(words, lexicon)
    return " ".join(words + extra) if extra else feature_string


def augment_ids(indptr, ids, words: Sequence[str], lexicon: Lexicon | None = None):
    """Passages given as word ids (``segment.segment_batch``'s form) with their concept tokens appended: the
    same result as :func:`augment_text` on each passage's string (a test checks it). Only the positions whose
    word cues a concept are visited in Python."""
    import numpy as np

    from analyzer.text.ragged import offsets

    m = _matcher(lexicon or load())
    words = list(words)
    ids = np.asarray(ids, dtype=np.int64)
    indptr = np.asarray(indptr, dtype=np.int64)
    word_infos = [m.info(w) for w in words]
    cues = np.fromiter((i.cues for i in word_infos), dtype=bool, count=len(word_infos))
    hit_pos = np.flatnonzero(cues[ids]) if len(ids) else np.zeros(0, dtype=np.int64)
    if not len(hit_pos):
        return indptr, ids, words
    hit_row = np.searchsorted(indptr, hit_pos, side="right") - 1
    infos = [word_infos[k] for k in ids.tolist()]
    bounds = indptr.tolist()
    table = {w: i for i, w in enumerate(words)}
    extra_rows: dict[int, list[int]] = {}
    rows = hit_row.tolist()
    positions = hit_pos.tolist()
    start = 0
    while start < len(rows):
        row = rows[start]
        end = start
        while end < len(rows) and rows[end] == row:
            end += 1
        tokens = _tokens_at(infos, bounds[row], bounds[row + 1], positions[start:end])
        if tokens:
            extra_rows[row] = [table.setdefault(t, len(table)) for t in tokens]
        start = end
    if not extra_rows:
        return indptr, ids, words
    lengths = np.diff(indptr)
    add = np.zeros(len(lengths), dtype=np.int64)
    for row, extra in extra_rows.items():
        add[row] = len(extra)
    new_ptr = offsets(lengths + add)
    out = np.empty(int(new_ptr[-1]), dtype=np.int64)
    keep = np.repeat(new_ptr[:-1], lengths) + (np.arange(len(ids)) - np.repeat(indptr[:-1], lengths))
    out[keep] = ids
    for row, extra in extra_rows.items():
        out[new_ptr[row + 1] - len(extra):new_ptr[row + 1]] = extra
    return new_ptr, out, list(table) if len(table) > len(words) else words


def is_concept(term: str) -> bool:
    """True for a feature term that is or contains a concept token (never shown as evidence)."""
    return PREFIX in term
