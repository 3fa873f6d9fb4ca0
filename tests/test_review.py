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
    prompts = list(data["prompts"])
    assert prompts[:len(data["breaches"])] and set(prompts[:len(data["breaches"])]) == set(data["breaches"])
    assert len(prompts) == len(data["breaches"]) + 3 and set(prompts[len(data["breaches"]):]) <= missing
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


def test_review_header_names_the_note(tmp_path):
    note = tmp_path / "n.md"
    note.write_text("---\nnote_id: RA-1\nworker: Rina\nclient: Ibu S\ndate: Kamis, 15 Oktober 2026\n---\n"
                    + TEXT, encoding="utf-8")
    data = json.loads(run(["review", str(note), "--format", "json"]).output)
    assert data["note"] == {"note_id": "RA-1", "worker": "Rina", "client": "Ibu S", "date": "2026-10-15"}
    html_path = tmp_path / "r.html"
    run(["review", str(note), "--format", "html", "-o", str(html_path), "--lang", "en"])
    html = html_path.read_text(encoding="utf-8")
    assert "Note RA-1 · worker Rina · client Ibu S · Thursday, 15 October 2026" in html
    plain = run(["review", str(note), "--no-color"]).output
    assert "Catatan RA-1 · petugas Rina · klien Ibu S · Kamis, 15 Oktober 2026" in plain


def test_prompts_breaches_first_then_the_closest_missing_codes():
    from analyzer.codebook import load_codebook
    from analyzer.report.review import ReviewedPassage, prioritised_prompts

    cb = load_codebook()
    passages = [ReviewedPassage(0, 0, 1, "body", "x", scores={"P04": 0.4, "P16": 0.45, "E3": 0.1},
                                breach_scores={"P02": 0.6, "P10": 0.9}),
                ReviewedPassage(1, 1, 2, "body", "y", scores={"P07": 0.3})]
    missing = ["P01", "P04", "P07", "P16", "E3"]
    prompts = prioritised_prompts(["P02", "P10"], missing, passages, cb, "en")
    assert list(prompts) == ["P10", "P02", "P16", "P04", "P07"]
    assert prompts["P16"] == cb["P16"].reflection_prompt("en")
    # a recurring gap in the worker's earlier notes comes before a closer code they usually show
    history = {"codes": {"P01": {"share": 0.1}, "P16": {"share": 0.9}, "P04": {"share": 0.6}, "P07": {"share": 0.5},
                         "E3": {"share": 0.8}}}
    assert list(prioritised_prompts([], missing, passages, cb, "en", history)) == ["P01", "P16", "P04"]


def test_review_history_compares_with_the_workers_earlier_notes(tmp_path):
    import pandas as pd

    from analyzer.analysis.passages import to_frame
    from tests.test_coverage import row

    earlier = [row("a", "Rina", "K", "2026-08-01", ["P10", "P05"], ["P02"]),
               row("b", "Rina", "K", "2026-08-08", ["P10"]),
               row("c", "Rina", "K", "2026-08-15", ["P05"]),
               row("d", "Rina", "K", "2026-12-01", ["P01"]),          # after this note: not history
               row("e", "Budi", "K", "2026-08-01", ["P16"])]          # another worker
    results = tmp_path / "hasil.parquet"
    from analyzer.io.results import COLUMNS, ResultsWriter, run_metadata

    frame = to_frame(earlier)
    writer = ResultsWriter(results)
    writer.write({c: frame[c].tolist() for c in COLUMNS})
    writer.finish(run_metadata("m", True, []))
    note = tmp_path / "n.md"
    note.write_text("---\nnote_id: RA-9\nworker: Rina\ndate: 2026-10-15\n---\n" + TEXT, encoding="utf-8")
    data = json.loads(run(["review", str(note), "--format", "json", "--history", str(results)]).output)
    h = data["history"]
    assert h["notes"] == 3 and (h["first_date"], h["last_date"]) == ("2026-08-01", "2026-08-15")
    assert h["codes"]["P10"]["share"] == round(2 / 3, 4) and h["codes"]["P16"]["notes"] == 0
    assert h["codes"]["P01"]["notes"] == 0 and h["codes"]["P02"]["breached_notes"] == 1
    shown = set(data["principles_shown"]) | set(data["outcomes_reached"])
    assert h["new"] == [c for c in h["codes"] if c in shown and h["codes"][c]["share"] < 0.25]
    assert h["usual_missing"] == [c for c in h["codes"] if c not in shown and h["codes"][c]["share"] >= 0.5]
    assert h["repeated_breaches"] == [c for c in data["breaches"] if c == "P02"]
    text = run(["review", str(note), "--no-color", "--lang", "en", "--history", str(results)]).output
    assert "Compared with your earlier notes" in text and "3 earlier notes (1 Aug 2026 – 15 Aug 2026)." in text
    missing = run(["review", "-", "--history", str(results), "--lang", "en"], input=TEXT)
    assert missing.exit_code == 1 and "needs the worker's name" in missing.output


def test_review_wraps_at_the_terminal_width():
    result = run(["review", "-", "--no-color"], input=TEXT, env={"COLUMNS": "60"})
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 60
    joined = " ".join(result.output.split())  # words wrapped whole join back into the original sentences
    data = json.loads(run(["review", "-", "--format", "json"], input=TEXT).output)
    assert all(prompt in joined for prompt in data["prompts"].values())
    wide = run(["review", "-", "--no-color"], input=TEXT, env={"COLUMNS": "140"}).output
    assert max(len(line) for line in wide.splitlines()) > 100


def test_review_terminal_with_corrections_and_a_worker_name_with_markup(tmp_path):
    """The terminal review prints what the corrections file did, and a worker name from the front matter is shown
    as written, never read as rich markup (issue 14)."""
    from tests.test_coverage import row

    from analyzer.analysis.passages import to_frame
    from analyzer.io.results import COLUMNS, ResultsWriter, run_metadata

    results = tmp_path / "hasil.parquet"
    frame = to_frame([row("a", "Rina", "K", "2026-08-01", ["P10"])])
    writer = ResultsWriter(results)
    writer.write({c: frame[c].tolist() for c in COLUMNS})
    writer.finish(run_metadata("m", True, []))
    note = tmp_path / "n.md"
    note.write_text("---\nnote_id: RA-9\nworker: Budi [/bold]\ndate: 2026-10-15\n---\n" + TEXT, encoding="utf-8")
    (tmp_path / "corrections.jsonl").write_text("", encoding="utf-8")
    result = run(["review", str(note), "--no-color", "--lang", "en", "--history", str(results)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert text.count("Budi [/bold]") == 2 and "Corrections (" in text  # the header and the history line
