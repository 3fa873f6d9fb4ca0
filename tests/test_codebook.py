from __future__ import annotations

import dataclasses

import pytest

from analyzer.codebook import ALL_CODES, load_codebook, parse_codebook
from analyzer.errors import CodebookError

FIXED_NAMES = {
    "P01": "Berkonsentrasi pada permasalahan klien",
    "P02": "Tidak emosional, berpikir rasional",
    "P03": "Bersikap simpati dan memahami klien",
    "P04": "Menggali informasi penting",
    "P05": "Bersikap profesional",
    "P06": "Bersikap bijaksana",
    "P07": "Bersikap terbuka",
    "P08": "Peduli dan mau belajar dari klien",
    "P09": "Menjaga saluran komunikasi tetap terbuka",
    "P10": "Pendengar aktif dan responsif",
    "P11": "Empati",
    "P12": "Bersedia mengubah ide untuk memecahkan masalah",
    "P13": "Terbuka terhadap masukan",
    "P14": "Menghargai tindakan positif",
    "P15": "Interaksi sosial yang meringankan ketegangan",
    "P16": "Menjalin relasi dengan pemangku kepentingan",
    "E1": "Pekerja sosial menjadi bagian dari situasi",
    "E2": "Saluran komunikasi awal terbuka",
    "E3": "Kesepakatan pendekatan dan peran",
    "E4": "Persetujuan proses tahap selanjutnya",
}


def test_shipped_codebook_has_the_fixed_codes_in_order():
    cb = load_codebook()
    assert [c.code for c in cb] == list(ALL_CODES)
    assert {c.code: c.name_id for c in cb} == FIXED_NAMES
    assert len(cb.principles) == 16 and len(cb.outcomes) == 4
    assert {m.key for m in cb.intake_modes} == {"voluntary", "involuntary", "reaching_out"}


def test_shipped_codebook_entries_are_complete():
    for c in load_codebook():
        assert 4 <= len(c.indicators_id) <= 8, c.code
        assert c.reflection_prompt_id.startswith("Apakah") or "apakah" in c.reflection_prompt_id
        assert c.reflection_prompt_en.endswith("?")
        if c.is_principle:
            assert c.breach_indicators_id, c.code
            assert c.source.startswith("seed 000")
        else:
            assert c.breach_indicators_id == ()
            assert c.source.startswith("seed 004")


def test_codebook_is_frozen():
    cb = load_codebook()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cb["P01"].name_id = "x"  # type: ignore[misc]


def test_lookup_and_language():
    cb = load_codebook()
    assert cb["E3"].name("en") == "Agreement on approach and roles"
    assert cb["E3"].name("id") == "Kesepakatan pendekatan dan peran"
    with pytest.raises(KeyError):
        cb["P17"]


def _render(exc: pytest.ExceptionInfo) -> str:
    return exc.value.render("en")


def test_missing_field_names_entry_and_field(codebook_raw):
    del codebook_raw["codes"][2]["definition_en"]
    with pytest.raises(CodebookError) as exc:
        parse_codebook(codebook_raw)
    assert _render(exc) == "codebook entry P03: field 'definition_en' is missing. Add it."
    assert exc.value.render("id") == "entri codebook P03: kolom 'definition_en' tidak ada. Tambahkan kolom tersebut."


def test_duplicate_code(codebook_raw):
    codebook_raw["codes"][5]["code"] = "P05"
    with pytest.raises(CodebookError) as exc:
        parse_codebook(codebook_raw)
    assert _render(exc) == "codebook entry P05: this code appears more than once. Remove the duplicate."


def test_unknown_group(codebook_raw):
    codebook_raw["codes"][0]["group"] = "prinsip"
    with pytest.raises(CodebookError) as exc:
        parse_codebook(codebook_raw)
    assert _render(exc) == (
        "codebook entry P01: unknown group 'prinsip'. Use one of: principle, engagement_outcome."
    )


def test_unknown_code_and_wrong_group(codebook_raw):
    raw = {**codebook_raw, "codes": [dict(c) for c in codebook_raw["codes"]]}
    raw["codes"][0]["code"] = "P99"
    with pytest.raises(CodebookError) as exc:
        parse_codebook(raw)
    assert _render(exc).startswith("codebook entry P99: unknown code.")
    codebook_raw["codes"][16]["group"] = "principle"
    with pytest.raises(CodebookError) as exc:
        parse_codebook(codebook_raw)
    assert _render(exc) == "codebook entry E1: this code does not belong to group 'principle'."


def test_missing_code(codebook_raw):
    codebook_raw["codes"] = [c for c in codebook_raw["codes"] if c["code"] != "P11"]
    with pytest.raises(CodebookError) as exc:
        parse_codebook(codebook_raw)
    assert _render(exc) == "the codebook is incomplete; these codes are missing: P11."


def test_indicator_count_and_outcome_breach(codebook_raw):
    raw = {**codebook_raw, "codes": [dict(c) for c in codebook_raw["codes"]]}
    raw["codes"][3]["indicators_id"] = ["satu", "dua"]
    with pytest.raises(CodebookError) as exc:
        parse_codebook(raw)
    assert _render(exc) == "codebook entry P04: indicators_id has 2 items; it needs 4-8."
    codebook_raw["codes"][18]["breach_indicators_id"] = ["melanggar"]
    with pytest.raises(CodebookError) as exc:
        parse_codebook(codebook_raw)
    assert _render(exc) == (
        "codebook entry E3: an engagement outcome cannot have breach_indicators_id. Leave the list empty."
    )


def test_list_field_of_wrong_type(codebook_raw):
    codebook_raw["codes"][7]["indicators_id"] = "bukan daftar"
    with pytest.raises(CodebookError) as exc:
        parse_codebook(codebook_raw)
    assert _render(exc) == "codebook entry P08: field 'indicators_id' must be a list of texts."


def test_intake_modes_required(codebook_raw):
    codebook_raw["intake_modes"] = codebook_raw["intake_modes"][:2]
    with pytest.raises(CodebookError) as exc:
        parse_codebook(codebook_raw)
    assert "voluntary, involuntary, reaching_out" in _render(exc)


def test_file_errors(tmp_path):
    with pytest.raises(CodebookError) as exc:
        load_codebook(tmp_path / "nope.yaml")
    assert _render(exc) == f"codebook file not found: {tmp_path / 'nope.yaml'}. Pass an existing file with --codebook."
    bad = tmp_path / "bad.yaml"
    bad.write_text("codes: [unclosed", encoding="utf-8")
    with pytest.raises(CodebookError) as exc:
        load_codebook(bad)
    assert _render(exc).startswith(f"codebook {bad} is not valid YAML (")
    empty = tmp_path / "empty.yaml"
    empty.write_text("version: 1\n", encoding="utf-8")
    with pytest.raises(CodebookError) as exc:
        load_codebook(empty)
    assert "has no 'codes' list" in _render(exc)


def test_roundtrip_through_file(codebook_raw, write_codebook):
    path = write_codebook(codebook_raw)
    assert load_codebook(path) == load_codebook()
