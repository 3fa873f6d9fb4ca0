from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.redact import find_identifiers, redact


@pytest.mark.parametrize(
    "text, expected",
    [
        ("NIK 3204123009870005 milik klien", "NIK [NIK] milik klien"),
        ("NIK: 3204 1230 0987 0005.", "NIK: [NIK]."),
        ("hp 0813-2245-7781 (WA)", "hp [TELEPON] (WA)"),
        ("hubungi 081322457781", "hubungi [TELEPON]"),
        ("nomor +62 812 3344 5566 aktif", "nomor [TELEPON] aktif"),
        ("nomor +6281233445566.", "nomor [TELEPON]."),
        ("telp kantor (022) 7654321", "telp kantor [TELEPON]"),
        ("surel rinawati.kpm@contoh.id ya", "surel [EMAIL] ya"),
        ("Kirim ke A.B-c_d+e@mail.co.id.", "Kirim ke [EMAIL]."),
    ],
)
def test_identifiers_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Tanggal 12/05/2023 pukul 10.00",
        "tgl 2023-05-12, 12-05-2023",
        "bantuan Rp1.500.000 dan Rp 250.000,-",
        "Total 1.250.000.000 rupiah",
        "RT 02/RW 05, kode pos 40123, tahun 2026",
        "No. rekening 1234567890",
        "NIK sudah disamarkan 3201xxxxxxxxxxxx",
        "skor 08 dari 10, usia 08 tahun",
        "17 digit 32041230098700051 bukan NIK",
    ],
)
def test_look_alikes_survive(text):
    assert redact(text) == text
    assert find_identifiers(text) == []


def test_find_identifiers_offsets():
    text = "A 3204123009870005 B x@y.id"
    found = find_identifiers(text)
    assert [(f.kind, text[f.start : f.end]) for f in found] == [("nik", "3204123009870005"), ("email", "x@y.id")]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab.@-+() 0123456789xyz_%\n", max_size=60))
def test_fast_paths_give_the_same_result_as_the_full_pattern(text):
    """redact() skips the e-mail pattern without an "@" and every pattern without a digit: never a change."""
    from analyzer.redact import _PATTERN, LABELS

    assert redact(text) == _PATTERN.sub(lambda m: LABELS[m.lastgroup or "phone"], text)
