"""Every path where note text leaves the tool masks the same identifiers (issue: privacy that holds)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from analyzer.cli import cli

NOTE = """---
worker: Rina P.
client: An. D
date: 2026-09-14
---
Nama: Dimas Saputra
Alamat: Jl. Kenanga No. 12, RT 03/RW 05, Desa Sukamaju

Saya mendengarkan cerita Ibu Wartini sampai selesai tentang Dimas yang tidak mau sekolah. NIK ibunya
32.04.12.300987.0005 dan hp 0813-2245-7781 sudah dicatat. Saya bilang wajar kalau Ibu Wartini merasa capek.
"""
SECRETS = ("Dimas", "Saputra", "Wartini", "Kenanga", "300987", "2245")


def run(args):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


@pytest.fixture(scope="module")
def note_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notes")
    (folder / "n1.md").write_text(NOTE, encoding="utf-8")
    return folder


def assert_masked(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret
    assert "[NAMA-" in text


def test_analyze_results(note_dir, tmp_path):
    out = tmp_path / "r.parquet"
    assert run(["analyze", str(note_dir), "-o", str(out), "--no-cache"]).exit_code == 0
    df = pd.read_parquet(out)
    assert_masked(" ".join(df["text"]) + " ".join(df["evidence"]))


@pytest.mark.parametrize("fmt", ["json", "csv", "html"])
def test_report_outputs(note_dir, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    assert run(["report", str(note_dir), "--format", fmt, "-o", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in text, secret


def test_report_xlsx_and_terminal(note_dir, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "report.xlsx"
    assert run(["report", str(note_dir), "--format", "xlsx", "-o", str(out)]).exit_code == 0
    cells = " ".join(str(c.value) for ws in load_workbook(out) for row in ws.iter_rows() for c in row if c.value)
    terminal = run(["report", str(note_dir)]).output
    for secret in SECRETS:
        assert secret not in cells and secret not in terminal, secret


def test_review_json(note_dir):
    result = run(["review", str(note_dir / "n1.md"), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert_masked(" ".join(p["text"] for p in data["passages"]) + json.dumps(data["passages"]))


def test_predict_text_and_evidence(tmp_path):
    src = tmp_path / "p.jsonl"
    src.write_text(json.dumps({"id": "a", "text": NOTE.split("---\n", 2)[2]}) + "\n", encoding="utf-8")
    result = run(["predict", str(src)])
    assert result.exit_code == 0
    assert_masked(result.output)


def test_redact_none_keeps_text(note_dir):
    result = run(["review", str(note_dir / "n1.md"), "--format", "json", "--redact", "none"])
    assert "Wartini" in result.output
    ids_only = run(["review", str(note_dir / "n1.md"), "--format", "json", "--redact", "ids"])
    assert "Wartini" in ids_only.output and "300987" not in ids_only.output


def test_passages_written_with_less_masking_are_masked_again_text_and_evidence():
    """A report or the local web page over results written with ``--redact none`` masks the text again and
    leaves out the evidence terms masking would change (one function, ``report.source.mask_passages``)."""
    import json

    import pandas as pd

    from analyzer.report.source import mask_passages

    df = pd.DataFrame({"text": ["Saya dengarkan Ibu Sumarni, HP 081234567890."],
                       "evidence": [json.dumps({"P10": ["dengarkan", "081234567890"]})]})
    masked = mask_passages(df, "none", "all")
    assert "Sumarni" not in masked["text"][0] and "081234567890" not in masked["text"][0]
    assert json.loads(masked["evidence"][0]) == {"P10": ["dengarkan"]}
    assert mask_passages(df, "all", "all") is df and mask_passages(df, "none", "none") is df
    assert df["text"][0].endswith("081234567890.")  # the input frame is not changed
