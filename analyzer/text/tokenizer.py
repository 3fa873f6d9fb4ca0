"""The spaCy pipeline: ``spacy.blank("id")`` with our tokenizer rules, normalisation and lemmas.

Differences from the stock Indonesian tokenizer, all measured on session notes:
- every hyphenated word (``klien-klien``, ``kebutuhan-kebutuhannya``) stays one token through a token
  pattern instead of spaCy's 15,963 casing variants of reduplications (which cost ~2 s to build), while
  ``ide/nasihat`` and ``10-12`` still split;
- abbreviations with a period (``Jl.``, ``Kec.``, ``Tgl.``, ``RS.``, ``pk.``; ``data/abbreviations.tsv``) are one
  token and do not end a sentence;
- money (``Rp1.500.000``), dates (``12/05/2023``) and phone numbers (``0812-3456-7890``) are one token;
- ``Token.norm_`` comes from our normalisation table, computed once per lexeme (no per-token cost);
- three changes for speed leave every token as spaCy would make it (a test compares): no whitespace-only special
  cases, a chunk cache primed by ``tokenize`` (and 10× larger), and a prefix regex matched at position 0.

>>> nlp = get_nlp()
>>> [t.text for t in nlp("Sy sdh ktm klien-klien di Jl. Melati")]
['Sy', 'sdh', 'ktm', 'klien-klien', 'di', 'Jl.', 'Melati']
>>> [t.norm_ for t in nlp("Sy sdh ktm klien-klien")]
['saya', 'sudah', 'bertemu', 'klien-klien']
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING, Callable, Iterator

from analyzer.text import normalize

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    from spacy.language import Language
    from spacy.tokens import Doc

TOKENIZER_NAME = "analyzer.id_tokenizer.v1"

_TOKEN_PATTERNS = [
    r"[^\W\d_]+(?:-[^\W\d_]+)+",  # reduplications and hyphenated words: klien-klien, pihak-pihak, sehari-hari
    r"Rp\.?\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?(?:,-)?",  # Rp1.500.000 / Rp.250.000,-
    r"Rp\.?\d+(?:,-)?",  # Rp50000
    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}",  # 12/05/2023, 12-05-2023
    r"(?:\+62|62|0)8\d{1,3}(?:[-.]\d{2,5}){1,3}",  # 0812-3456-7890, +62812-3456
    r"\d{1,2}[.:]\d{2}",  # 10.00, 09:30
]
_TOKEN_MATCH = re.compile("^(?:" + "|".join(_TOKEN_PATTERNS) + ")$").match


class Normalizer:
    """Lexeme NORM getter (picklable): maps a token's text to its standard lower-case form."""

    def __call__(self, text: str) -> str:
        return normalize.normalize_word(text)


def _special_cases() -> dict[str, list[dict]]:
    from spacy.lang.id.tokenizer_exceptions import TOKENIZER_EXCEPTIONS
    from spacy.symbols import NORM, ORTH

    # Hyphenated forms are left to the token pattern; whitespace-only rules (" ", "\n", "\t", "\xa0") only say a
    # whitespace run is one token, which the tokenizer does anyway, but a rule match stops spaCy from caching
    # anything else in that text (see ``tokenize``), and almost every note has a line break.
    rules = {k: v for k, v in TOKENIZER_EXCEPTIONS.items() if "-" not in k and not k.isspace()}
    for abbr, norm in normalize.abbreviations().items():
        for form in {abbr, abbr.lower(), abbr.upper(), abbr[:1].upper() + abbr[1:].lower()}:
            rules[form] = [{ORTH: form, NORM: norm}]
    return rules


def _prefix_match(prefixes) -> Callable:
    """The tokenizer's prefix finder, 5× faster than spaCy's and with the same matches: spaCy anchors every
    alternative with ``^`` and calls ``search``, which tries (and rejects) every position of the chunk; the same
    alternatives tried once at position 0 with ``match`` find the same prefix (a test compares them)."""
    return re.compile("|".join(piece for piece in prefixes if piece.strip())).match


def _make_tokenizer(nlp: "Language"):
    from spacy.attrs import NORM
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_suffix_regex

    nlp.vocab.lex_attr_getters[NORM] = Normalizer()
    defaults = nlp.Defaults
    return Tokenizer(
        nlp.vocab,
        rules=_special_cases(),
        prefix_search=_prefix_match(defaults.prefixes),
        suffix_search=compile_suffix_regex(defaults.suffixes).search,
        infix_finditer=compile_infix_regex(defaults.infixes).finditer,
        token_match=_TOKEN_MATCH,
        url_match=defaults.url_match,
        max_cache_size=CACHE_CHUNKS,
    )


def _register() -> None:
    from spacy.util import registry

    if TOKENIZER_NAME not in registry.tokenizers:

        @registry.tokenizers(TOKENIZER_NAME)
        def create_tokenizer() -> Callable[["Language"], object]:
            return _make_tokenizer


@lru_cache(maxsize=1)
def get_nlp() -> "Language":
    """The shared pipeline: tokenizer with our rules, sentence splitter. Built once per process (~0.1 s)."""
    import spacy

    _register()
    nlp = spacy.blank("id", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})
    nlp.add_pipe("sentencizer")
    return nlp


CACHE_CHUNKS = 100_000  # whitespace-delimited chunks whose tokenisation spaCy keeps (spaCy's default: 10,000)


class _ChunkPrimer:
    """Keeps spaCy's tokenizer cache useful on whole notes.

    The tokenizer caches how it split each whitespace-delimited chunk (``"klien."`` → ``klien`` ``.``), but once
    a special case (an abbreviation such as ``Ny.`` or ``Kec.``) has matched in a text it saves nothing more for
    the rest of that text, so in most notes most chunks were split again on every occurrence. Priming
    tokenises the chunks not seen before first: those that contain no special case anywhere in one text (so
    all are cached), the few others one by one. Tokens are unchanged: the cache holds exactly what the
    tokenizer computes for a chunk (a test compares against an unprimed tokenizer with every rule)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.seen: set[str] = set()
        self._special: re.Pattern | None = None

    def prime(self, tokenizer, texts: list[str]) -> None:
        if len(self.seen) >= self.limit:  # the tokenizer's cache is full: priming would not be kept
            return
        if self._special is None:
            keys = sorted(tokenizer.rules or {}, key=len, reverse=True)
            self._special = re.compile("|".join(map(re.escape, keys))) if keys else re.compile(r"(?!)")
        chunks: set[str] = set()
        for text in texts:
            chunks.update(text.split())
        new = chunks - self.seen
        if not new:
            return
        search = self._special.search
        plain = [c for c in new if not search(c)]
        tokenizer(" ".join(plain))
        for chunk in new.difference(plain):
            tokenizer(chunk)
        self.seen |= new


_PRIMER = _ChunkPrimer(CACHE_CHUNKS)


def tokenize(texts, batch_size: int = 256) -> Iterator["Doc"]:
    """Tokenise many texts with the shared pipeline's tokenizer (a batch at a time, priming its cache)."""
    tokenizer = get_nlp().tokenizer
    iterator = iter(texts)
    while True:
        batch = list(islice(iterator, batch_size))
        if not batch:
            return
        _PRIMER.prime(tokenizer, batch)
        yield from tokenizer.pipe(batch)


class _FeatureCache:
    """Per-lexeme feature strings: computed once per distinct word form, then a dict lookup per token."""

    def __init__(self) -> None:
        self.by_orth: dict[int, str] = {}

    def lookup(self, vocab, orth: int) -> str:
        feat = self.by_orth.get(orth)
        if feat is None:
            lex = vocab[orth]
            if lex.is_punct or lex.is_space:
                feat = ""
            else:
                feat = " ".join(_NUM if _NUMERIC.match(w) else w for w in lex.norm_.split())
            self.by_orth[orth] = feat
        return feat


_NUM = "<num>"
_NUMERIC = re.compile(r"^[\d.,:/-]+$|^rp[\d.,-]+$")
_CACHE = _FeatureCache()


class FeatureWords:
    """Feature words as integers: every distinct feature word gets an id for the life of the process
    (``words[id]`` is the word), and every lexeme the ids of its feature words (none for punctuation and
    spaces, several for a multi-word norm such as "orang tua"). Batches are then handled as integer arrays."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self.by_orth: dict[int, tuple[int, ...]] = {}
        self._lock = threading.Lock()

    def _orth_ids(self, vocab, orth: int) -> tuple[int, ...]:
        found = self.by_orth.get(orth)
        if found is None:
            feat = _CACHE.lookup(vocab, orth)
            with self._lock:  # several threads of one Dask worker may intern at once
                found = tuple(self.ids[w] if w in self.ids else self._add(w) for w in feat.split(" ")) if feat else ()
                self.by_orth[orth] = found
        return found

    def _add(self, word: str) -> int:
        self.ids[word] = len(self.words)
        self.words.append(word)
        return self.ids[word]

    def for_orths(self, vocab, uniq: "np.ndarray", inverse: "np.ndarray") -> tuple["np.ndarray", "np.ndarray"]:
        """For a sequence of tokens given as distinct orth ids and each token's index among them
        (``np.unique(orths, return_inverse=True)``): the number of feature words of each token, and all their
        feature word ids concatenated in token order."""
        import numpy as np

        from analyzer.text.ragged import gather_ranges, offsets

        get = self.by_orth.get
        per_orth = [get(o) or self._orth_ids(vocab, o) for o in uniq.tolist()]
        lengths = np.fromiter(map(len, per_orth), dtype=np.int64, count=len(per_orth))
        flat = np.fromiter((i for ids in per_orth for i in ids), dtype=np.int64, count=int(lengths.sum()))
        token_lengths = lengths[inverse]
        positions = gather_ranges(offsets(lengths)[:-1][inverse], token_lengths)
        return token_lengths, flat[positions]


FEATURE_WORDS = FeatureWords()
_FLAGS: dict[int, tuple[bool, bool, int]] = {}


def lexeme_flags(vocab, orths: "np.ndarray") -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
    """For distinct orth ids: whether each lexeme is punctuation, whether it is whitespace, and its length
    (cached per lexeme, so a batch reads only ORTH and IDX from its Docs)."""
    import numpy as np

    rows = []
    for orth in orths.tolist():
        flags = _FLAGS.get(orth)
        if flags is None:
            lex = vocab[orth]
            flags = _FLAGS[orth] = (lex.is_punct, lex.is_space, len(lex.orth_))
        rows.append(flags)
    if not rows:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64)
    punct, space, length = zip(*rows)
    return np.array(punct, dtype=bool), np.array(space, dtype=bool), np.array(length, dtype=np.int64)


def sentence_punct_orths(vocab) -> frozenset[int]:
    """Orth ids of the characters spaCy's Sentencizer treats as sentence-final (its default list, main part)."""
    key = id(vocab)
    cached = _SENT_ORTHS.get(key)
    if cached is None:
        from spacy.pipeline.sentencizer import Sentencizer

        cached = frozenset(vocab.strings.add(ch) for ch in Sentencizer.default_punct_chars)
        _SENT_ORTHS[key] = cached
    return cached


_SENT_ORTHS: dict[int, frozenset[int]] = {}


def token_features(doc: "Doc | object") -> list[str]:
    """Normalised word forms of a Doc or Span for the classifier: punctuation and spaces dropped, numbers,
    dates, money and phone numbers folded to ``<num>``, negations and every other word kept, multi-word norms
    ("orang tua") split into words."""
    vocab = doc.vocab
    out: list[str] = []
    for tok in doc:
        feat = _CACHE.lookup(vocab, tok.orth)
        if feat:
            out.extend(feat.split(" "))
    return out


def feature_strings(texts, batch_size: int = 512) -> list[str]:
    """One feature string per raw passage text, with the bare tokenizer (no sentence splitting)."""
    from spacy.attrs import ORTH

    vocab = get_nlp().vocab
    lookup = _CACHE.lookup
    out = []
    for doc in tokenize(texts, batch_size=batch_size):
        parts = [lookup(vocab, o) for o in doc.to_array(ORTH).tolist()]
        out.append(" ".join(p for p in parts if p))
    return out
