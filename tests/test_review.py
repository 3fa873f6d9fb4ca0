"""``analyzer review``: terminal (plain and colour), HTML, JSON, stdin, and the library function."""

from __future__ import annotations

import json

from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.resources import DEMO_DIR

NOTE = DEMO_DIR / "notes" / "DM-TK-20260911.md"
TEXT = (
    "Nama klien: Ibu R\n\n"
    "Saya biarkan Ibu R bercerita sampai selesai, lalu saya ulangi intinya: jadi utangnya sudah tiga bulan ya, Bu?\n\n"
    "Karena kesal, saya membentak suaminya dan bilang kalau tidak tanda tangan anaknya akan kami ambil. "
    "Hubungi saya di 0813-2245-7781.\n"
)


def run(args, **kw):
    return CliRunner().invoke(cli, args, **kw)


def test_review_json_on_stdin():
    result = run(["review", "-", "--format", "json", "--lang", "en"], input=TEXT)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    kinds = [p["kind"] for p in data["passages"]]
    assert kinds == ["header", "body", "body"]
    listening, breach = data["passages"][1], data["passages"][2]
    assert "P10" in listening["labels"] and listening["evidence"]["P10"]
    assert breach["breaches"] and not set(breach["breaches"]) & set(breach["labels"])
    assert "0813-2245-7781" not in result.output and "[TELEPON]" in result.output
    missing = set(data["principles_missing"]) | set(data["outcomes_missing"])
    assert set(data["prompts"]) == missing | set(data["breaches"])
    assert data["prompts"]["E4"] == "Is there a clear agreement on the next step?"
    assert set(data["principles_shown"]).isdisjoint(data["principles_missing"])


def test_review_terminal_plain_and_indonesian():
    result = run(["review", str(NOTE), "--no-color"])
    assert result.exit_code == 0
    out = result.output
    assert "\x1b[" not in out  # no colour codes when asked for plain output
    assert "Ringkasan catatan ini" in out and "Pertanyaan refleksi" in out and "Apakah saya sudah" in out
    assert any(line.strip().startswith(("+ ", "! ")) for line in out.splitlines())


def test_review_terminal_colour():
    result = run(["review", "-", "--color", "--lang", "en"], input=TEXT)
    assert result.exit_code == 0 and "\x1b[" in result.output
    assert "✗" in result.output and "✓" in result.output


def test_review_html(tmp_path):
    out = tmp_path / "r.html"
    result = run(["review", "-", "--format", "html", "-o", str(out)], input=TEXT + "\n<script>alert(1)</script>\n")
    assert result.exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'class="passage breach"' in html and 'class="code breach"' in html and 'class="passage applied"' in html
    assert "http://" not in html and "https://" not in html


def test_review_no_redact():
    result = run(["review", "-", "--format", "json", "--no-redact"], input=TEXT)
    assert "0813-2245-7781" in result.output


def test_review_errors(tmp_path):
    empty = tmp_path / "e.txt"
    empty.write_text("", encoding="utf-8")
    result = run(["review", str(empty), "--lang", "en"])
    assert result.exit_code == 1 and result.output == f"Error: file {empty} is empty; there is no note text to process.\n"
    result = run(["review", "-"], input="")
    assert result.exit_code == 1 and result.output == "Error: berkas <stdin> kosong; tidak ada teks catatan untuk diproses.\n"
