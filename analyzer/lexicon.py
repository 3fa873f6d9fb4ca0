"""Concept lexicon features: cue words of the codebook grouped into concepts (``data/lexicon.tsv``).

A passage whose normalised words contain a cue gets extra feature tokens ``lex:<concept>``; when a worker
("saya", "praktikan", "peksos", …) or a client ("klien", "ibu", "beliau", …) appears in the four words before
the cue, also ``lex:<concept>.w`` or ``lex:<concept>.k`` (who acts); when a negation is among the two words
before it, ``lex:<concept>.neg`` instead. The tokens are appended to the passage's words, so the word and
character blocks of the model read them like any other word and the saved model stays pure scikit-learn.

>>> concept_tokens("saya membentak ibu".split())
['lex:anger', 'lex:anger.w']
>>> concept_tokens("saya tidak memotong cerita beliau".split())[:3]
['lex:ignore.neg', 'lex:listen', 'lex:listen.w']
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

PREFIX = "lex:"
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


class _Matcher:
    """Per-word stem matches, cached (the hot path calls it once per distinct word)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.stems = lexicon.stems
        self.cache: dict[str, frozenset[str]] = {}

    def matches(self, word: str) -> frozenset[str]:
        hit = self.cache.get(word)
        if hit is None:
            hit = frozenset(affix_variants(word) & self.stems) if len(word) > 1 else frozenset(
                {word} & self.stems)
            if len(self.cache) < 500_000:
                self.cache[word] = hit
        return hit


_MATCHERS: dict[str, _Matcher] = {}


def _matcher(lexicon: Lexicon) -> _Matcher:
    m = _MATCHERS.get(lexicon.sha256)
    if m is None:
        m = _MATCHERS[lexicon.sha256] = _Matcher(lexicon)
    return m


def concept_tokens(words: Sequence[str], lexicon: Lexicon | None = None) -> list[str]:
    """The ``lex:`` tokens of one passage's normalised words, sorted and without repeats."""
    lexicon = lexicon or load()
    m = _matcher(lexicon)
    matched = [m.matches(w) for w in words]
    roles: list[set[str]] = [set() for _ in words]
    found: list[tuple[int, str]] = []
    for i, stems in enumerate(matched):
        if not stems:
            continue
        for stem in stems:
            for concept in lexicon.singles.get(stem, ()):
                roles[i].add(concept)
            for second, concept in lexicon.pairs.get(stem, ()):
                if any(second in matched[j] for j in range(i + 1, min(i + 1 + PAIR_WINDOW, len(words)))):
                    roles[i].add(concept)
    for i, concepts in enumerate(roles):
        for concept in concepts:
            if concept not in (WORKER, CLIENT, NEGATION):
                found.append((i, concept))
    out: set[str] = set()
    for i, concept in found:
        before = roles[max(0, i - NEGATION_WINDOW):i]
        if any(NEGATION in r for r in before):
            out.add(f"{PREFIX}{concept}.neg")
            continue
        out.add(PREFIX + concept)
        window = roles[max(0, i - ACTOR_WINDOW):i]
        if any(WORKER in r for r in window):
            out.add(f"{PREFIX}{concept}.w")
        elif any(CLIENT in r for r in window):
            out.add(f"{PREFIX}{concept}.k")
    return sorted(out)


def augment_text(feature_string: str, lexicon: Lexicon | None = None) -> str:
    """A feature string with its concept tokens appended."""
    words = feature_string.split()
    extra = concept_tokens(words, lexicon)
    return " ".join(words + extra) if extra else feature_string


def augment_ids(indptr, ids, words: Sequence[str], lexicon: Lexicon | None = None):
    """Passages given as word ids (``segment.segment_batch``'s form) with their concept tokens appended: the
    same result as :func:`augment_text` on each passage's string (a test checks it)."""
    import numpy as np

    from analyzer.ragged import offsets

    words = list(words)
    table = {w: i for i, w in enumerate(words)}
    ids = np.asarray(ids, dtype=np.int64)
    bounds = np.asarray(indptr, dtype=np.int64).tolist()
    pieces, lengths = [], []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        row = ids[lo:hi]
        extra = concept_tokens([words[k] for k in row.tolist()], lexicon)
        if extra:
            row = np.concatenate([row, np.fromiter((table.setdefault(t, len(table)) for t in extra),
                                                   dtype=np.int64, count=len(extra))])
        pieces.append(row)
        lengths.append(len(row))
    if len(table) > len(words):
        words = list(table)
    out_ids = np.concatenate(pieces) if pieces else ids[:0]
    return offsets(np.asarray(lengths, dtype=np.int64)), out_ids, words


def is_concept(term: str) -> bool:
    """True for a feature term that is or contains a concept token (never shown as evidence)."""
    return PREFIX in term
