from __future__ import annotations

from analyzer.pipeline import get_nlp, token_features


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
