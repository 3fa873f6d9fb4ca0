from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.text.redact import find_identifiers, redact


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
        ("No. rekening 1234567890", "No. rekening [NO_REK]"),
        ("NIK 32.04.12.300987.0005 dan KK 3204-1230-0987-0001", "NIK [NIK] dan KK [KK]"),
        ("kartu KIS 0001234567890, NISN 0123456789", "kartu KIS [BPJS], NISN [NISN]"),
        ("NPWP 12.345.678.9-012.345", "NPWP [NPWP]"),
        ("motor AG 4521 KL", "motor [PLAT]"),
        ("No. Reg: 045/PPA/V/2026.", "No. Reg: [NO_KASUS]."),
        ("lahir di Kediri, 12-03-1987", "lahir di [TGL_LAHIR]"),
        ("Ibu Siti Rahmawati datang; Siti menangis.", "Ibu [NAMA-1] datang; [NAMA-1] menangis."),
        ("Nama: Budi Santoso\nAlamat: Jl. Kenanga No. 3, RT 02/RW 05, Desa Sukamaju",
         "Nama: [NAMA-1]\nAlamat: [ALAMAT]"),
        ("ke SDN Sukamaju 2 bersama Mas Andi", "ke [SEKOLAH] bersama Mas [NAMA-1]"),
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
        "Bu Kades, Pak RT dan Bu Bidan hadir di Puskesmas; dana PKH dari Dinsos",
        "Ibu S dan An. R datang bersama Sdr. AB",
        "Senin, 12 Mei 2026 pukul 09.30, usia 9 th, 3 anak",
        "pada 31 Juli 2026, Minggu depan kami kembali",
        "NIK sudah disamarkan 3201xxxxxxxxxxxx",
        "skor 08 dari 10, usia 08 tahun",
        "17 digit 32041230098700051 bukan NIK",
    ],
)
def test_look_alikes_survive(text):
    assert redact(text) == text
    assert find_identifiers(text) == []


def test_modes():
    text = "Ibu Siti (hp 0813-2245-7781) di Jl. Melati No. 4"
    assert redact(text, "none") == text
    assert redact(text, "ids") == "Ibu Siti (hp [TELEPON]) di Jl. Melati No. 4"
    assert redact(text, "all") == "Ibu [NAMA-1] (hp [TELEPON]) di [ALAMAT]"


def test_passages_share_pseudonyms_with_their_note():
    from analyzer.text.redact import redact_passages

    note = "Nama: Rukmini Astuti\n\nRukmini datang terlambat.\n\nMbak Dewi Lestari dan Rukmini berbicara."
    bounds = [(0, 20), (22, 47), (49, len(note))]
    texts, hidden = redact_passages(note, bounds)
    assert texts == ["Nama: [NAMA-1]", "[NAMA-1] datang terlambat.", "Mbak [NAMA-2] dan [NAMA-1] berbicara."]
    assert "rukmini" in hidden[1] and "dewi" in hidden[2]


def test_find_identifiers_offsets():
    text = "A 3204123009870005 B x@y.id"
    found = find_identifiers(text)
    assert [(f.kind, text[f.start : f.end]) for f in found] == [("NIK", "3204123009870005"), ("EMAIL", "x@y.id")]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab.@-+() 0123456789xyz_%\nIbuSitNma:", max_size=60))
def test_masking_never_fails_and_keeps_unmasked_text(text):
    """Any text masks without error; outside the placeholders nothing changes."""
    from analyzer.text.pii import find

    masked = redact(text)
    spans = find(text)
    kept = [text[a:b] for a, b in zip([0] + [s.end for s in spans], [s.start for s in spans] + [len(text)])]
    assert all(part in masked for part in kept)
