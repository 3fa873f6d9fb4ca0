"""Normalisation of informal Indonesian note writing and dictionary lemmas.

The tables are data files: ``data/normalization.tsv`` (our abbreviations and informal spellings) layered over
spacy-lookups-data's Indonesian ``lexeme_norm`` table, ``data/abbreviations.tsv`` (abbreviations with a
period) and spacy-lookups-data's ``lemma_lookup``. Negations (tidak, belum, bukan, jangan) are kept and
normalised, never removed.

>>> normalize_word("tdk")
'tidak'
>>> normalize_word("anak2")
'anak-anak'
>>> lemmatize("didengarkan")
'dengar'
"""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from importlib import resources

_REDUP_DIGIT = re.compile(r"^([^\W\d_]+)2(nya|ku|mu|lah)?$")
_CLITICS = ("nya", "lah", "kah", "pun", "ku", "mu")
NEGATIONS = frozenset({"tidak", "belum", "bukan", "jangan", "tanpa", "kurang"})


def _data_lines(name: str) -> list[str]:
    raw = resources.files("analyzer").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line for line in raw.splitlines() if line.strip() and not line.startswith("#")]


def _tsv(name: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _data_lines(name):
        key, _, value = line.partition("\t")
        table[key.strip()] = value.strip()
    return table


def _lookups_table(name: str) -> dict[str, str]:
    import spacy_lookups_data

    path = resources.files(spacy_lookups_data).joinpath(f"data/id_{name}.json.gz")
    with gzip.open(str(path), "rt", encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def norm_table() -> dict[str, str]:
    """spacy-lookups-data's lexeme norms, overridden by our own table (all keys lower case)."""
    table = {k.lower(): v.lower() for k, v in _lookups_table("lexeme_norm").items()}
    table.update(_tsv("normalization.tsv"))
    return table


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """Abbreviations written with a period (or slash) and their normal forms."""
    return _tsv("abbreviations.tsv")


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    return _lookups_table("lemma_lookup")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Function words for evidence display and keyword matching; contains no negation."""
    return frozenset(_data_lines("stopwords.txt")) - NEGATIONS


@lru_cache(maxsize=1)
def header_keys() -> frozenset[str]:
    return frozenset(_data_lines("header_keys.txt"))


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> str:
    """The standard, lower-case form of one token (informal spellings and abbreviations resolved)."""
    lower = word.lower()
    table = norm_table()
    if lower in table:
        norm = table[lower]
        return table.get(norm, norm)  # one more hop: ktm -> ketemu -> bertemu
    abbrev = abbreviations()
    for candidate in (word, word.title(), lower):
        if candidate in abbrev:
            return abbrev[candidate]
    match = _REDUP_DIGIT.match(lower)
    if match:
        base = table.get(match.group(1), match.group(1))
        return f"{base}-{base}{match.group(2) or ''}"
    return lower


def _prefix_candidates(word: str) -> list[str]:
    """Active (meN-) forms a passive di-/ter- word may stand for, so the lookup table can find its lemma."""
    for prefix in ("di", "ter"):
        if word.startswith(prefix) and len(word) > len(prefix) + 2:
            rest = word[len(prefix):]
            cands = [rest, "me" + rest, "mem" + rest, "men" + rest, "meng" + rest, "menge" + rest]
            first = rest[0]
            if first == "p":
                cands.append("mem" + rest[1:])
            elif first == "t":
                cands.append("men" + rest[1:])
            elif first == "k":
                cands.append("meng" + rest[1:])
            elif first == "s":
                cands.append("meny" + rest[1:])
            return cands
    return []


@lru_cache(maxsize=200_000)
def lemmatize(word: str) -> str:
    """Dictionary lemma of a (normalised) word via spacy-lookups-data, with fall-backs the table lacks:
    lower-casing, passive di-/ter- forms, clitics (-nya, -lah, -kah, -pun, -ku, -mu) and reduplication."""
    lower = word.lower()
    table = lemma_table()
    if lower in table:
        return table[lower]
    if "-" in lower:
        head, _, tail = lower.partition("-")
        if head and (tail == head or tail.startswith(head)):
            return lemmatize(head)
        return lower
    bases = [lower] + [lower[: -len(c)] for c in _CLITICS if lower.endswith(c) and len(lower) - len(c) >= 3]
    for base in bases:
        if base in table:
            return table[base]
        for cand in _prefix_candidates(base):
            if cand in table:
                return table[cand]
    return bases[-1] if len(bases) > 1 and lower.endswith("nya") else lower
