"""The concept lexicon: cue matching with affixes, who acts, negation, and the two code paths agreeing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.text import lexicon
from analyzer.model.scoring import intern_docs


def test_affixes_and_nasal_restoration():
    assert "potong" in lexicon.affix_variants("memotong")
    assert "salah" in lexicon.affix_variants("menyalahkan")
    assert "dengar" in lexicon.affix_variants("didengarkan")


def test_worker_breach_cue_carries_the_actor():
    assert lexicon.concept_tokens("lalu saya membentak bapaknya".split()) == ["§anger", "§anger.w"]


def test_client_as_actor():
    assert "§listen.k" in lexicon.concept_tokens("beliau mendengarkan penjelasan bidan".split())


def test_negation_replaces_the_concept():
    tokens = lexicon.concept_tokens("saya tidak memotong ceritanya".split())
    assert "§ignore.neg" in tokens and "§ignore" not in tokens


def test_two_word_cue_needs_both_words_close():
    assert "§anger" in lexicon.concept_tokens("nada suara saya tinggi".split())
    assert "§anger" not in lexicon.concept_tokens("nada dering hp sudah diganti yang tinggi".split())


def test_no_cue_no_tokens_and_text_unchanged():
    assert lexicon.concept_tokens("pagi hari hujan".split()) == []
    assert lexicon.augment_text("pagi hari hujan") == "pagi hari hujan"


def test_shipped_lexicon_parses_and_every_cue_has_at_most_two_words():
    lex = lexicon.load()
    assert len(lex.singles) > 300
    assert all(len(second.split()) == 1 for pairs in lex.pairs.values() for second, _ in pairs)


def test_concept_terms_are_never_evidence():
    assert lexicon.is_concept("§anger.w")
    assert lexicon.is_concept("membentak §anger")
    assert not lexicon.is_concept("membentak")


WORDS = st.sampled_from(["saya", "tidak", "membentak", "ibu", "mendengarkan", "nada", "tinggi", "pagi",
                         "klien", "memuji", "koordinasi", "rt", "sepakat", "<num>", "cerita"])


@given(st.lists(st.lists(WORDS, max_size=12), min_size=1, max_size=6))
@settings(max_examples=60, deadline=None)
def test_augment_ids_matches_augment_text_per_passage(passages):
    """The word-id path (analysis) and the string path (training) add the same concept tokens."""
    strings = [" ".join(p) for p in passages]
    indptr, ids, words = lexicon.augment_ids(*intern_docs(strings))
    got = [" ".join(words[i] for i in ids[indptr[k]:indptr[k + 1]]) for k in range(len(strings))]
    assert got == [lexicon.augment_text(s) for s in strings]
