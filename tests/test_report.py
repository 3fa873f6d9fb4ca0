"""The main job on the demo collection: analyze, report in every format, bad inputs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pandas as pd
import pytest
from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.resources import DEMO_DIR, REPO_ROOT

NOTES = DEMO_DIR / "notes"
PII = ("3309041207520003", "0857-3190-4426", "ayu.pratiwi22@contoh.id", "3206151203520001", "0857-3318-2046",
       "lestari.wrg77@contoh.id")


def run(args, **kw):
    return CliRunner().invoke(cli, args, catch_exceptions=False, **kw)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    path = tmp_path_factory.mktemp("res") / "hasil.parquet"
    result = run(["analyze", str(NOTES), "-o", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    return path


def test_analyze_results_file(results):
    df = pd.read_parquet(results)
    assert df["note_id"].nunique() == len(list(NOTES.glob("*.md")))
    for col in ("note_id", "worker", "client", "date", "start", "end", "kind", "labels", "breaches", "evidence",
                "score_P01", "breach_score_P16"):
        assert col in df.columns
    assert set(df["kind"]) == {"header", "body"}
    assert not df[df["kind"] == "header"]["labels"].map(len).any()
    text = " ".join(df["text"])
    assert not any(p in text for p in PII)  # redacted by default
    assert "[NIK]" in text and "[EMAIL]" in text and "[TELEPON]" in text


def test_offsets_point_into_the_notes(results):
    from analyzer.io.notes import read_notes

    notes = {n.note_id: n.text for n in read_notes([NOTES]).notes}
    df = pd.read_parquet(results)
    sample = df[~df["text"].str.contains(r"\[[A-Z_]+(?:-\d+)?\]")].head(300)
    for r in sample.itertuples():
        assert notes[r.note_id][r.start:r.end] == r.text


@pytest.fixture(scope="module")
def report_json(results):
    result = run(["report", str(results), "--format", "json", "--lang", "en"])
    assert result.exit_code == 0
    return json.loads(result.output)


def test_json_report_matches_schema(report_json):
    import jsonschema

    schema = json.loads((REPO_ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(report_json, schema)
    assert report_json["totals"]["notes"] == 152 and report_json["totals"]["workers"] == 8


def test_demo_differences_between_workers_show(report_json):
    by = {w["worker"]: w for w in report_json["workers"]}
    admin = by["Siti Nurhaliza K."]
    engaged = by["Rahmawati A."]
    breaching = by["Bambang S."]
    assert admin["principle_coverage"] < 0.25 < engaged["principle_coverage"]
    assert engaged["outcome_coverage"] == 1.0
    assert admin["breach_passages"] == 0 < breaching["breach_passages"]
    # Since the transfer model (issue 12), breach counts no longer single out Bambang S.: reflective workers'
    # admitted or near-missed breaches count too (MODEL_CARD "Known weaknesses"). His written breaches are found:


def test_demo_breaches_are_found_in_context(results):
    df = pd.read_parquet(results)
    bambang = df[df["worker"] == "Bambang S."]
    looks = bambang[bambang["text"].str.contains("dengan penampilan seperti itu wajar saja")]
    assert len(looks) == 1 and "P01" in list(looks.iloc[0]["breaches"])
    scolding = bambang[bambang["text"].str.contains("teguran keras tersebut memang diperlukan")]
    assert len(scolding) == 1 and "P02" in list(scolding.iloc[0]["breaches"])


def test_table_on_80_columns(results):
    result = run(["report", str(results), "--lang", "en"])
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "Rahmawati A." in result.output and "not a performance ranking" in " ".join(lines)
    by_client = run(["report", str(results), "--by", "client"])
    assert "Engagement per klien/kasus" in by_client.output


def test_filters_by_worker_and_dates(results):
    result = run(["report", str(results), "--format", "json", "--worker", "Markus T.", "--from", "2026-09-01",
                  "--to", "2026-09-30"])
    data = json.loads(result.output)
    assert [w["worker"] for w in data["workers"]] == ["Markus T."]
    assert all(m["month"] == "2026-09" for m in data["months"])
    assert data["filters"] == {"worker": "Markus T.", "from": "2026-09-01", "to": "2026-09-30"}


def test_csv_and_xlsx(results, tmp_path):
    import openpyxl

    csv_path, xlsx_path = tmp_path / "r.csv", tmp_path / "r.xlsx"
    assert run(["report", str(results), "--format", "csv", "-o", str(csv_path), "--lang", "en"]).exit_code == 0
    frame = pd.read_csv(csv_path, encoding="utf-8-sig")
    assert list(frame.columns[:4]) == ["Worker", "Code", "Name", "Applied"] and len(frame) == 8 * 20
    assert run(["report", str(results), "--format", "xlsx", "-o", str(xlsx_path)]).exit_code == 0
    wb = openpyxl.load_workbook(xlsx_path)
    assert wb.sheetnames == ["Petugas", "Kode per petugas", "Peta panas", "Klien", "Bulan", "Pelanggaran", "Passage",
                             "Dilewati", "Keandalan model", "Tentang"]
    assert wb["Petugas"].max_row == 9 and wb["Petugas"]["A2"].value == "Agus Wibowo"


def test_spreadsheet_formulas_are_neutralised(tmp_path):
    from analyzer.render.tables import neutralise, write_csv, write_xlsx

    assert neutralise("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" and neutralise("-1+2") == "'-1+2"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)" and neutralise("+62") == "'+62" and neutralise("Rina") == "Rina"
    report = {"workers": [{"worker": "=cmd|' /C calc'!A0", "notes": 1, "clients": 0, "passages": 1,
                           "principle_coverage": 0, "outcome_coverage": 0, "breach_passages": 0, "gaps": [],
                           "codes": {}, "breaches": [{"date": "2026-08-01", "note_id": "@x", "client": "+c",
                                                      "passage": 3, "codes": ["P02"], "excerpt": "-bad"}]}],
              "clients": [], "months": [], "skipped": [], "codes": [], "model": {"code_f1": {}, "weak_codes": []},
              "statement": "s"}
    import io
    import openpyxl

    buf = io.StringIO()
    write_csv(report, "breaches", "en", buf)
    assert "'=cmd" in buf.getvalue() and "'@x" in buf.getvalue() and "'+c" in buf.getvalue()
    write_xlsx({**report, "workers": [dict(report["workers"][0], codes={
        c: {"applied": 0, "breached": 0, "notes": 0, "note_share": 0} for c in
        [f"P{i:02d}" for i in range(1, 17)] + ["E1", "E2", "E3", "E4"]})]}, "en", tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")["Breaches"]
    assert ws["A2"].value.startswith("'=") and ws["J2"].value == "'-bad"


def test_html_is_self_contained_and_escaped(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "x.md").write_text(
        "---\nnote_id: X1\nworker: <b>Rina</b>\nclient: K<1>\ndate: 2026-08-01\n---\n"
        "Saya kelepasan membentak bapaknya <script>alert(1)</script> karena kesal sekali.\n", encoding="utf-8")
    out = tmp_path / "r.html"
    result = run(["report", str(notes), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "<b>Rina</b>" not in html and "&lt;b&gt;Rina&lt;/b&gt;" in html and "K&lt;1&gt;" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    assert html.count("<svg") >= 2


def test_html_escapes_breach_excerpts():
    from analyzer.io.results import to_frame
    from analyzer.report.coverage import build_report
    from analyzer.render.html import render_report_html
    from tests.test_coverage import MODEL, row

    df = to_frame([row("n1", "Rina", "K", "2026-08-01", [], ["P02"], text="Sy bentak <script>alert(1)</script> & <img>")])
    html = render_report_html(build_report(df, [], MODEL, lang="en"), "en")
    assert "<script" not in html and "<img>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img&gt;" in html


def test_html_renders_in_headless_browser(results, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install chromium (see .ci/run)")
        pytest.skip("no headless browser on this machine")
    out = tmp_path / "r.html"
    assert run(["report", str(results), "--format", "html", "-o", str(out), "--lang", "en"]).exit_code == 0
    profile = tmp_path / "profile"
    dom = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--dump-dom", out.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    assert dom.count('class="worker-row"') == 8
    assert "Rahmawati A." in dom and "<svg" in dom and "not a performance ranking" in dom
    shot = tmp_path / "shot.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                    f"--screenshot={shot}", "--window-size=1200,2000", out.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 20_000


def test_no_redact_keeps_identifiers(tmp_path):
    notes = tmp_path / "n"
    notes.mkdir()
    (notes / "a.md").write_text("---\nnote_id: A\nworker: Rina\nclient: K\ndate: 2026-08-01\n---\n"
                                "Sy kelepasan bentak ibunya, padahal dia cuma minta dihubungi di 0813-2245-7781.\n",
                                encoding="utf-8")
    redacted = json.loads(run(["report", str(notes), "--format", "json"]).output)
    raw = json.loads(run(["report", str(notes), "--format", "json", "--no-redact"]).output)
    dump_r, dump_raw = json.dumps(redacted), json.dumps(raw)
    if raw["workers"][0]["breaches"]:
        assert "0813-2245-7781" in dump_raw
    assert "0813-2245-7781" not in dump_r


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "xlsx"], "Error: the xlsx format needs an output file: add -o REPORT.xlsx.\n"),
        (["--worker", "Nobody"], None),
        (["--from", "2026-10-01", "--to", "2026-09-01"], "Error: --from 2026-10-01 is after --to 2026-09-01. Swap the two dates.\n"),
    ],
)
def test_report_bad_options(results, args, message):
    result = CliRunner().invoke(cli, ["report", str(results), "--lang", "en", *args])
    assert result.exit_code == 1
    if message:
        assert result.output.endswith(message)
    else:
        assert "Error: worker 'Nobody' is not in the notes. Workers found: Agus Wibowo, " in result.output


def test_report_bad_inputs(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("Petugas,Catatan\nRina,halo\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(table), "--lang", "en"])
    assert result.exit_code == 1 and "has no column text, worker" in result.output
    ok = CliRunner().invoke(cli, ["report", str(table), "--columns", "worker=Petugas,text=Catatan", "--format",
                                  "json"])
    assert ok.exit_code == 0 and json.loads(ok.output)["totals"]["notes"] == 1
    missing = CliRunner().invoke(cli, ["analyze", str(tmp_path / "none"), "-o", str(tmp_path / "r.parquet")])
    assert missing.exit_code == 1 and missing.output.startswith("Error: berkas tidak ditemukan")


def test_every_note_is_analysed_or_skipped(tmp_path):
    rows = [{"note_id": "a", "worker": "Rina", "client": "K", "date": "2026-08-01", "text": "Saya mendengarkan."},
            {"note_id": "b", "worker": "", "client": "K", "date": "2026-08-01", "text": "Tanpa petugas."},
            {"note_id": "c", "worker": "Rina", "client": "K", "date": "2026-08-01", "text": ""}]
    path = tmp_path / "n.jsonl"
    pd.DataFrame(rows).to_json(path, orient="records", lines=True)
    data = json.loads(run(["report", str(path), "--format", "json", "--lang", "en"]).output)
    assert data["totals"]["notes"] == 1
    assert sorted((s["note_id"], s["reason"]) for s in data["skipped"]) == [("b", "missing worker"), ("c", "empty text")]


def test_demo_collection_meets_its_brief():
    from analyzer.io.notes import read_notes

    batch = read_notes([NOTES])
    assert not batch.skipped
    notes = batch.notes
    assert len(notes) >= 150
    assert len({n.worker for n in notes}) >= 8
    assert len({n.client for n in notes}) >= 30
    assert len({n.date.strftime("%Y-%m") for n in notes}) >= 3
    assert all(len([p for p in n.text.split("\n\n") if p.strip()]) >= 3 for n in notes)


def test_no_demo_passage_is_in_the_training_corpus():
    from analyzer.corpus.records import read_records
    from analyzer.io.notes import read_notes
    from analyzer.text.segment import segment_notes

    def key(text: str) -> str:
        return " ".join(text.lower().split())

    corpus = {key(r.text) for r in read_records(REPO_ROOT / "corpora" / "annotated")}
    everything = "\n".join(corpus)  # keys hold no newline: one substring search covers every passage
    notes = read_notes([NOTES]).notes
    for note, passages in zip(notes, segment_notes([n.text for n in notes])):
        for p in passages:
            if not p.is_header:
                assert key(p.text) not in corpus, (note.note_id, p.text)
        for sentence in note.text.split(". "):
            if len(sentence) > 60:
                assert key(sentence) not in everything, (note.note_id, sentence)


def test_report_and_review_use_a_custom_codebook(results, codebook_raw, write_codebook, tmp_path):
    """``--codebook`` reaches the report's code names and the review's reflection prompts (issue 13: the report
    ignored a custom codebook)."""
    entry = next(c for c in codebook_raw["codes"] if c["code"] == "P01")
    entry["name_en"] = "Stay with the client's own problem (agency wording)"
    for code in codebook_raw["codes"]:
        code["reflection_prompt_en"] = f"Agency prompt for {code['code']}"
    path = write_codebook(codebook_raw)
    out = run(["report", str(results), "--format", "json", "--lang", "en", "--codebook", str(path)])
    assert out.exit_code == 0, out.output
    names = {c["code"]: c["name"] for c in json.loads(out.output)["codes"]}
    assert names["P01"] == "Stay with the client's own problem (agency wording)"
    note = tmp_path / "n.txt"
    note.write_text("Kami membahas jadwal posyandu bulan depan.", encoding="utf-8")
    out = run(["review", str(note), "--format", "json", "--lang", "en", "--codebook", str(path)])
    assert out.exit_code == 0, out.output
    prompts = json.loads(out.output)["prompts"]
    assert prompts and all(text == f"Agency prompt for {code}" for code, text in prompts.items())
