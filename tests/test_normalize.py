from __future__ import annotations

import pytest

from analyzer.text.normalize import NEGATIONS, lemmatize, normalize_word, stop_words


@pytest.mark.parametrize(
    "word, norm",
    [
        ("yg", "yang"), ("dgn", "dengan"), ("tdk", "tidak"), ("sdh", "sudah"), ("blm", "belum"),
        ("utk", "untuk"), ("krn", "karena"), ("sy", "saya"), ("tsb", "tersebut"), ("Peksos", "pekerja sosial"),
        ("KPM", "keluarga penerima manfaat"), ("gak", "tidak"), ("nggak", "tidak"), ("bkn", "bukan"),
        ("anak2", "anak-anak"), ("Ibu", "ibu"), ("ortu", "orang tua"), ("Jl.", "jalan"), ("u/", "untuk"),
    ],
)
def test_normalize_word(word, norm):
    assert normalize_word(word) == norm


@pytest.mark.parametrize(
    "word, lemma",
    [
        ("mendengarkan", "dengar"), ("Mendengarkan", "dengar"), ("didengarkan", "dengar"),
        ("dijelaskan", "jelas"), ("ditolak", "tolak"), ("dihubungi", "hubung"), ("kebutuhannya", "butuh"),
        ("rumahnya", "rumah"), ("klien-klien", "klien"), ("pihak-pihak", "pihak"), ("tidak", "tidak"),
    ],
)
def test_lemmatize(word, lemma):
    assert lemmatize(word) == lemma


def test_negations_are_never_stop_words():
    assert not (NEGATIONS & stop_words())
    assert "yang" in stop_words() and "dan" in stop_words()
