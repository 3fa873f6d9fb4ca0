from __future__ import annotations

import functools

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.text.tokenizer import get_nlp, token_features


def _texts(s: str) -> list[str]:
    return [t.text for t in get_nlp()(s)]


def test_reduplications_stay_one_token_but_slashes_and_ranges_split():
    toks = _texts("klien-klien, prinsip-prinsip dan kebutuhan-kebutuhannya; ide/nasihat 10-12 pihak-pihak")
    assert "klien-klien" in toks and "prinsip-prinsip" in toks and "kebutuhan-kebutuhannya" in toks
    assert "pihak-pihak" in toks
    assert toks[toks.index("ide") + 1] == "/" and "nasihat" in toks
    assert ["10", "-", "12"] == toks[toks.index("10") : toks.index("10") + 3]


def test_abbreviations_keep_their_period_and_do_not_break_sentences():
    doc = get_nlp()("Rumah klien di Jl. Melati Kec. Wates, Tgl. 3 Agustus pk. 10.00 di RS. Sehat. Lalu sy pulang.")
    toks = [t.text for t in doc]
    for abbr in ("Jl.", "Kec.", "Tgl.", "pk.", "RS."):
        assert abbr in toks
    assert len(list(doc.sents)) == 2


def test_money_dates_and_phones_are_single_tokens():
    toks = _texts("Bantuan Rp1.500.000 cair 12/05/2023, hubungi 0812-3456-7890 atau Rp.250.000,-")
    assert "Rp1.500.000" in toks and "12/05/2023" in toks and "0812-3456-7890" in toks and "Rp.250.000,-" in toks


def test_informal_note_is_normalised_and_keeps_negations():
    doc = get_nlp()("Sy sdh ktm dgn ibunya yg tdk mau dtg krn blm sembuh, bkn krn malas.")
    feats = token_features(doc)
    assert feats == [
        "saya", "sudah", "bertemu", "dengan", "ibunya", "yang", "tidak", "mau", "datang", "karena", "belum",
        "sembuh", "bukan", "karena", "malas",
    ]


def test_multiword_norms_are_split_into_words():
    assert token_features(get_nlp()("Ortu peksos")) == ["orang", "tua", "pekerja", "sosial"]


_CHUNKS = ["Ny.", "Tn.", "Sdr.", "Kec.", "Jl.", "dr.", "a.", "R.", "klien", "klien.", "(klien)", "dgn", "yg",
           "tdk,", "\"ya\"", "—", "):", "8)", "(6–7/8):", "Rp1.500.000,-", "12/05/2023", "0812-3456-7890", ":)",
           "klien-klien", "ide/nasihat", "10-12", "Dr. med", "°C.", "e-mail@contoh.id", "https://contoh.id/a",
           "sdh.", "Ibu.\"", "KAB.:", "'", "''", "…", "?!", "(Jl.", "Jl.,"]
_SPACES = [" ", "  ", "\n", "\n\n", "\t", "\r\n", "\u00a0", " \n ", "\n \n"]


@functools.lru_cache(maxsize=1)
def _reference_tokenizer():
    """A tokenizer with all of spaCy's rules, its prefix regex and an empty cache of its own (built once: its
    cache only holds chunks it has split, so sharing it between examples changes no split)."""
    from spacy.lang.id.tokenizer_exceptions import TOKENIZER_EXCEPTIONS
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_prefix_regex

    from analyzer.text.tokenizer import _special_cases

    nlp = get_nlp()
    ours = nlp.tokenizer
    rules = dict(_special_cases())
    rules.update({k: v for k, v in TOKENIZER_EXCEPTIONS.items() if k.isspace()})
    return Tokenizer(nlp.vocab, rules=rules, prefix_search=compile_prefix_regex(nlp.Defaults.prefixes).search,
                     suffix_search=ours.suffix_search, infix_finditer=ours.infix_finditer,
                     token_match=ours.token_match, url_match=ours.url_match)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_CHUNKS) | st.text(max_size=6), st.sampled_from(_SPACES)), max_size=25))
def test_our_tokenizer_splits_like_spacy_with_every_rule_and_no_priming(parts):
    """Dropping the whitespace-only special cases, the faster prefix finder and priming the chunk cache change
    nothing: tokens equal those of a tokenizer with all of spaCy's rules, its prefix regex and an empty cache of
    its own."""
    from analyzer.text.tokenizer import tokenize

    text = "".join(chunk + space for chunk, space in parts)
    expected = [(t.text, t.idx, t.whitespace_) for t in _reference_tokenizer()(text)]
    assert [(t.text, t.idx, t.whitespace_) for t in next(tokenize([text, text]))] == expected
    assert [(t.text, t.idx, t.whitespace_) for t in get_nlp().tokenizer(text)] == expected


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=12) | st.sampled_from(_CHUNKS).flatmap(lambda c: st.just(c) | st.text(max_size=4).map(lambda t: t + c)))
def test_prefix_finder_matches_spacys(chunk):
    """Our prefix finder (``match`` at position 0) returns spaCy's prefix (``search`` with ``^`` on every
    alternative) for any chunk."""
    from spacy.util import compile_prefix_regex

    spacy_search = compile_prefix_regex(get_nlp().Defaults.prefixes).search
    ours = get_nlp().tokenizer.prefix_search
    expected, found = spacy_search(chunk), ours(chunk)
    assert (found and (found.start(), found.end())) == (expected and (expected.start(), expected.end()))
