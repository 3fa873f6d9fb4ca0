"""The annotation round trip end to end (issue 16): ``analyzer export`` to each tool's format, the labels edited as
the tool would, ``analyzer import`` into corrections, and ``analyzer report`` with the figures changed; and
``analyzer suggest``."""

from __future__ import annotations

import json
import shutil
import uuid
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from analyzer.analysis.suggest import closeness, suggest
from analyzer.cli import cli
from analyzer.exchange import validate_project
from analyzer.exchange.refi_qda import NS, guid
from analyzer.io.corrections import read_corrections
from analyzer.io.results import SCORE_COLUMNS, read_results
from analyzer.resources import DEFAULT_MODEL_DIR
from tests.conftest import DEMO_SUBSET, edit_metadata

NOTES = DEMO_SUBSET
Q = f"{{{NS}}}"


@pytest.fixture(scope="module")
def results(demo_subset_results):
    return demo_subset_results


@pytest.fixture
def schema(repo_root):
    path = repo_root.parent / "shared" / "refi-qda" / "Project.xsd"
    assert path.is_file(), f"the REFI-QDA schema is test data read from {path} (see ../shared/refi-qda/README.md)"
    return path


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def report(work, *args):
    result = invoke("report", work, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def worker_codes(data, worker):
    return next(w for w in data["workers"] if w["worker"] == worker)["codes"]


def body(path):
    df, _, _ = read_results(path)
    return df[df["kind"] == "body"]


def plan(work):
    """Two passages to relabel: on the first a person removes the model's first code and adds one it missed; on
    the second a person marks a breach. Returns [(note_id, passage, worker, labels, breaches)] and the
    expected change of the applied and breached counts per (worker, code)."""
    df = body(work)
    coded = df[df["labels"].map(len) > 0].iloc[0]
    missing = next(c for c in ("P14", "P08", "P12", "P16") if c not in coded["labels"])
    first_labels = sorted([*coded["labels"][1:], missing])
    other = df[(df["labels"].map(len) == 0) & (df["breaches"].map(len) == 0)].iloc[0]
    edits = [(coded["note_id"], int(coded["passage"]), coded["worker"], first_labels, list(coded["breaches"])),
             (other["note_id"], int(other["passage"]), other["worker"], [], ["P02"])]
    change = {(coded["worker"], coded["labels"][0], "applied"): -1, (coded["worker"], missing, "applied"): +1,
              (other["worker"], "P02", "breached"): +1}
    return edits, change


def check_figures(before, after, edits, change):
    for (worker, code, kind), delta in change.items():
        assert worker_codes(after, worker)[code][kind] == worker_codes(before, worker)[code][kind] + delta, \
            (worker, code, kind)
    for note_id, passage, worker, labels, breaches in edits:
        codes = worker_codes(after, worker)
        for code in labels:
            assert codes[code]["applied_confirmed"] >= 1
        for code in breaches:
            assert codes[code]["breached_confirmed"] >= 1
    assert after["totals"]["findings_confirmed"] >= sum(len(e[3]) + len(e[4]) for e in edits)


# --- how each tool hands the labels back ------------------------------------------------------------------------------

def label_studio(out, edits, tmp_path):
    tasks = json.loads((out / "label_studio_tasks.json").read_text(encoding="utf-8"))
    config = ET.fromstring((out / "label_studio_config.xml").read_text(encoding="utf-8"))
    assert len(list(config.iter("Choice"))) == 36
    wanted = {(n, p): (labels, breaches) for n, p, _, labels, breaches in edits}
    for number, task in enumerate(tasks, start=1):
        task["id"] = number
        key = (task["data"]["note_id"], task["data"]["passage"])
        if key in wanted:
            labels, breaches = wanted[key]
            task["annotations"] = [{"id": number, "completed_by": {"email": "sari@lksa.id"},
                                    "updated_at": "2026-09-01T10:00:00Z", "result": [
                                        {"from_name": "codes", "to_name": "text", "type": "choices",
                                         "value": {"choices": [*labels, *(f"!{b}" for b in breaches)]}}]}]
    path = tmp_path / "project-1-at-2026-09-01.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path, len(edits)


def doccano(out, edits, tmp_path):
    lines = [json.loads(line) for line in (out / "doccano.jsonl").read_text(encoding="utf-8").splitlines()]
    wanted = {(n, p): (labels, breaches) for n, p, _, labels, breaches in edits}
    chosen = []
    for number, line in enumerate(lines, start=1):
        key = (line["note_id"], line["passage"])
        if key in wanted:  # only the approved examples are exported (as the import's warning advises)
            labels, breaches = wanted[key]
            chosen.append({"id": number, **line, "label": [*labels, *(f"!{b}" for b in breaches)]})
    path = tmp_path / "admin.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in chosen), encoding="utf-8")
    return path, len(edits)


def prodigy(out, edits, tmp_path):
    lines = [json.loads(line) for line in (out / "prodigy.jsonl").read_text(encoding="utf-8").splitlines()]
    wanted = {(n, p): (labels, breaches) for n, p, _, labels, breaches in edits}
    for line in lines[:10]:
        line.update(answer="ignore", _annotator_id="sesi-sari", _timestamp=1788000000)
    for line in lines:
        key = (line["note_id"], line["passage"])
        if key in wanted:
            labels, breaches = wanted[key]
            line.update(answer="accept", accept=[*labels, *(f"!{b}" for b in breaches)], _annotator_id="sesi-sari",
                        _timestamp=1788000000)
    path = tmp_path / "db-out.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path, len(edits)


def refi_qda(out, edits, tmp_path, schema=None):
    """A person in a QDA program selects each passage (a little sloppily) and codes it; where the model had coded
    the passage, its codings that the person does not want are removed."""
    with zipfile.ZipFile(out / "project.qdpx") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    root = ET.fromstring(members["project.qde"])
    person = "0f8fad5b-d9cb-469f-a165-70867728950e"
    ET.SubElement(root.find(f"{Q}Users"), f"{Q}User", guid=person, name="Sari")
    for note_id, passage, _, labels, breaches in edits:
        source = next(s for s in root.iter(f"{Q}TextSource") if s.get("name") == note_id)
        text = members["sources/" + source.get("plainTextPath").removeprefix("internal://")].decode("utf-8")
        wanted = [*labels, *(f"!{b}" for b in breaches)]
        model_selection = next((s for s in source.iter(f"{Q}PlainTextSelection")
                                if s.get("name", "").endswith(f"#{passage}")), None)
        if model_selection is not None:
            source.remove(model_selection)
        start = _view_start(text, passage, note_id, out)
        end = start + _view_length(out, note_id, passage)
        selection = ET.Element(f"{Q}PlainTextSelection", guid=str(uuid.uuid4()), startPosition=str(start + 1),
                               endPosition=str(end - 1), creatingUser=person)
        for label in wanted:
            coding = ET.SubElement(selection, f"{Q}Coding", guid=str(uuid.uuid4()), creatingUser=person,
                                   creationDateTime="2026-09-03T09:00:00Z")
            ET.SubElement(coding, f"{Q}CodeRef", targetGUID=guid("code", label))
        variable = source.find(f"{Q}VariableValue")
        source.insert(list(source).index(variable) if variable is not None else len(source), selection)
    members["project.qde"] = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    if schema is not None:
        validate_project(members["project.qde"], schema)
    path = tmp_path / "reviewed.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name.replace("sources/", "Sources/"), content)  # NVivo's folder name
    return path, len(edits)


_VIEWS: dict = {}


def _view(out, note_id):
    """The passages of a note in the exported view, from the Prodigy-style offsets the view gives (via doccano)."""
    from analyzer.analysis.annotation import build_view

    results = out.parent / "hasil.parquet"
    if results not in _VIEWS:
        df, _, meta = read_results(results)
        _VIEWS[results] = build_view(df, "all", meta["redacted"])
    return {p["passage"]: p for p in _VIEWS[results].passages if p["note_id"] == note_id}


def _view_start(text, passage, note_id, out):
    p = _view(out, note_id)[passage]
    assert text[p["start"]:p["end"]] == p["text"]
    return p["start"]


def _view_length(out, note_id, passage):
    p = _view(out, note_id)[passage]
    return p["end"] - p["start"]


TOOLS = {"label-studio": label_studio, "doccano": doccano, "prodigy": prodigy, "refi-qda": refi_qda}


@pytest.mark.parametrize("fmt", list(TOOLS))
def test_round_trip_export_label_import_report(work, tmp_path, fmt, schema):
    before = report(work)
    edits, change = plan(work)
    out = tmp_path / f"for-{fmt}"
    args = ["--schema", schema] if fmt == "refi-qda" else []
    exported = invoke("export", work, "--to", fmt, "-o", out, "--lang", "en", *args)
    assert exported.exit_code == 0, exported.output
    n_body = len(body(work))
    assert exported.output.startswith(f"{n_body} passages of {len(NOTES)} notes exported for {fmt}")
    if fmt == "refi-qda":
        with zipfile.ZipFile(out / "project.qdpx") as archive:
            validate_project(archive.read("project.qde"), schema)
    edit = TOOLS[fmt]
    labelled, n = edit(out, edits, tmp_path, schema) if fmt == "refi-qda" else edit(out, edits, tmp_path)

    imported = invoke("import", labelled, "--results", work, "--lang", "en")
    assert imported.exit_code == 0, imported.output
    assert imported.output.startswith(f"{n} labelled passages from {fmt} added as corrections to "
                                      f"{work.parent / 'corrections.jsonl'}")
    records = read_corrections(work.parent / "corrections.jsonl")
    assert [(r["action"], r["source"]) for r in records] == [("label", fmt)] * n
    by_passage = {(r["note_id"], r["passage"]): r for r in records}
    df = body(work)
    for note_id, passage, _, labels, breaches in edits:
        r = by_passage[(note_id, passage)]
        row = df[(df["note_id"] == note_id) & (df["passage"] == passage)].iloc[0]
        assert (sorted(r["labels"]), r["breaches"]) == (sorted(labels), breaches)
        assert (r["start"], r["end"], r["text_sha256"]) == (row["start"], row["end"], row["text_sha256"])
        assert r["by"] in ("sari@lksa.id", "admin", "sesi-sari", "Sari") or (fmt == "doccano" and r["by"] is None)

    after = report(work)
    check_figures(before, after, edits, change)
    assert after["corrections"]["applied"] == n and after["corrections"]["stale"] == []
    import jsonschema

    from analyzer.resources import REPO_ROOT

    jsonschema.validate(after, json.loads((REPO_ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8")))


def test_import_refuses_unknown_labels_naming_them(work, tmp_path):
    out = tmp_path / "ls"
    assert invoke("export", work, "--to", "label-studio", "-o", out).exit_code == 0
    tasks = json.loads((out / "label_studio_tasks.json").read_text(encoding="utf-8"))
    tasks[0].update(id=11, annotations=[{"completed_by": 1, "result": [
        {"type": "choices", "from_name": "codes", "value": {"choices": ["Menarik", "P01"]}}]}])
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    result = invoke("import", path, "--results", work, "--lang", "en")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (f"Error: {path}: these labels are not codebook codes: Menarik "
                                             "(first at task 11). Rename them to codebook codes (P01-P16, E1-E4; "
                                             "breaches as !P01-!P16, optionally followed by ' — name') or remove "
                                             "them, then export again.")
    assert not (work.parent / "corrections.jsonl").exists()


def test_import_lists_passages_whose_text_no_longer_matches(work, tmp_path):
    out = tmp_path / "p"
    assert invoke("export", work, "--to", "prodigy", "-o", out).exit_code == 0
    lines = [json.loads(x) for x in (out / "prodigy.jsonl").read_text(encoding="utf-8").splitlines()]
    lines[0].update(answer="accept", text=lines[0]["text"] + " (diubah)")
    lines[1].update(answer="accept", passage=999)
    path = tmp_path / "db.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines[:2]), encoding="utf-8")
    result = invoke("import", path, "--results", work, "--lang", "en")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"0 labelled passages from prodigy added as corrections to {work.parent / 'corrections.jsonl'}; 2 skipped.",
        f"- {lines[0]['note_id']} #{lines[0]['passage']}: the labelled text is not the passage's text in the results "
        "(other results, or the note changed); not imported",
        f"- {lines[1]['note_id']} #999: no such passage in the results"]


@pytest.mark.parametrize("case, first_line", [
    ("export_to_file", "Error: the output {out} exists and is not a folder; give another folder name."),
    ("export_missing", "Error: file not found: {missing}."),
    ("import_over_input", "Error: the output {labels} is the input {labels} (or lies inside it); input files are "
                          "never written over."),
    ("import_not_results", "Error: {labels} is not a results file of 'analyzer analyze'."),
    ("suggest_to_alone", "Error: --to and -o go together: --to label-studio -o FOLDER."),
    ("suggest_other_model", "Error: the results file {work} was made with model"),
])
def test_bad_input_of_export_import_suggest(work, tmp_path, case, first_line):
    out = tmp_path / "out.txt"
    out.write_text("x")
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"text": "x", "answer": "accept", "accept": [], "note_id": "N", "passage": 1, "start": 0, '
                      '"end": 1}\n')
    other_model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, other_model)
    edit_metadata(other_model, lambda meta: meta["thresholds"].update(P01=0.99))
    args = {
        "export_to_file": ["export", work, "--to", "doccano", "-o", out],
        "export_missing": ["export", tmp_path / "none.parquet", "--to", "doccano", "-o", tmp_path / "o"],
        "import_over_input": ["import", labels, "--results", work, "-o", labels],
        "import_not_results": ["import", labels, "--results", labels],
        "suggest_to_alone": ["suggest", work, "--to", "prodigy"],
        "suggest_other_model": ["suggest", work, "--model", other_model],
    }[case]
    result = invoke(*args, "--lang", "en")
    assert result.exit_code == 1, result.output
    expected = first_line.format(out=out, missing=tmp_path / "none.parquet", labels=labels, work=work)
    assert result.output.splitlines()[0].startswith(expected), result.output


# --- suggest ----------------------------------------------------------------------------------------------------------

def frame(rows):
    """A passage table with every score at 0 except the ones given: rows of (note, worker, text, {column: score})."""
    data = []
    for i, (note, worker, text, scores) in enumerate(rows):
        data.append({"note_id": note, "worker": worker, "passage": i, "kind": "body", "text": text,
                     **{c: 0.0 for c in SCORE_COLUMNS}, **scores})
    return pd.DataFrame(data)


THRESHOLDS = np.full(36, 0.5)


def test_closeness_is_one_at_the_threshold_and_zero_at_the_ends():
    c = closeness(np.array([[0.5, 0.0, 1.0, 0.25, 0.9]]), np.array([0.5, 0.5, 0.5, 0.5, 0.8]))
    assert c.round(3).tolist() == [[1.0, 0.0, 0.0, 0.5, 0.5]]


def test_suggest_prefers_uncertain_passages_and_skips_near_duplicates():
    text = "Peksos mendengarkan keluhan ibu tentang biaya sekolah anaknya sampai selesai lalu merangkumnya."
    rows = [("N1", "Sari", text, {"score_P10": 0.49}),
            ("N2", "Budi", text.replace("selesai", "selesai."), {"score_P10": 0.48}),  # a near-duplicate
            ("N3", "Rina", "Klien menolak bicara dan pergi sebelum pertemuan selesai hari itu.", {"score_P10": 0.3}),
            ("N4", "Tono", "Rapat koordinasi dengan kepala desa membahas jadwal posyandu bulan depan.",
             {"score_P16": 0.02})]
    picks = suggest(frame(rows), THRESHOLDS, 3)
    assert [p.note_id for p in picks] == ["N1", "N3", "N4"]
    assert (picks[0].target, picks[0].score, picks[0].threshold) == ("P10", 0.49, 0.5)


def test_suggest_spreads_over_codes_workers_and_notes_and_leaves_out_labelled_ones():
    import random

    words = ("rumah sekolah pasar kebun sawah sungai jalan kantor desa kota ibu bapak anak nenek kakek guru bidan "
             "dokter polisi petani nelayan pedagang makan minum tidur kerja main baca tulis hitung lari").split()
    rows = []
    for i in range(12):  # many passages of one note and worker, all very uncertain about P10
        text = " ".join(random.Random(i).sample(words, 12))
        rows.append(("N1", "Sari", text, {"score_P10": 0.5 - i / 1000}))
    rows.append(("N2", "Budi", "Pekerja sosial menghubungi puskesmas untuk rujukan lanjutan klien lansia.",
                 {"score_P16": 0.4}))
    rows.append(("N3", "Rina", "Ibu itu menangis ketika menceritakan anaknya yang dirawat di rumah sakit.",
                 {"breach_score_P03": 0.35}))
    picks = suggest(frame(rows), THRESHOLDS, 4)
    assert {p.note_id for p in picks} == {"N1", "N2", "N3"}
    assert sum(p.note_id == "N1" for p in picks) == 2
    assert {p.target for p in picks} >= {"P10", "P16", "breach:P03"}
    again = suggest(frame(rows), THRESHOLDS, 4, exclude={(p.note_id, p.passage) for p in picks})
    assert not {(p.note_id, p.passage) for p in again} & {(p.note_id, p.passage) for p in picks}


def test_suggest_command_prints_exports_and_skips_what_was_labelled(work, tmp_path):
    listed = invoke("suggest", work, "-n", "6", "--format", "json")
    assert listed.exit_code == 0, listed.output
    picks = json.loads(listed.output)
    df = body(work)
    keys = {(p["note_id"], p["passage"]) for p in picks}
    assert len(picks) == len(keys) == 6
    assert keys <= set(zip(df["note_id"], df["passage"].astype(int)))
    assert all(p["label"] in ([p["target"]] if ":" not in p["target"] else ["!" + p["target"][7:]]) for p in picks)
    assert max(sum(p["note_id"] == n for p in picks) for n in NOTES) <= 3

    out = tmp_path / "next"
    exported = invoke("suggest", work, "-n", "6", "--to", "prodigy", "-o", out)
    assert exported.exit_code == 0, exported.output
    tasks = [json.loads(x) for x in (out / "prodigy.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {(t["note_id"], t["passage"]) for t in tasks} == keys
    for t in tasks:
        t.update(answer="accept")
    (tmp_path / "db.jsonl").write_text("".join(json.dumps(t) + "\n" for t in tasks), encoding="utf-8")
    assert invoke("import", tmp_path / "db.jsonl", "--results", work).exit_code == 0
    after = json.loads(invoke("suggest", work, "-n", "6", "--format", "json").output)
    assert not {(p["note_id"], p["passage"]) for p in after} & keys
    table = invoke("suggest", work, "-n", "3", "--lang", "en")
    assert "3 passages whose labels would teach the model most" in table.output


def test_suggest_and_correct_tables_show_data_literally_with_numbers_per_language(tmp_path):
    """Names and note text in the suggest and correct tables are never read as terminal markup, and the score
    and threshold use the language's decimal separator."""
    import re

    from analyzer.analysis.local import run_local

    notes = tmp_path / "n"
    notes.mkdir()
    (notes / "mk.md").write_text('---\nnote_id: mk1\nworker: "[bold]Bu[/bold] Ani"\nclient: S\ndate: 2026-09-01\n---\n'
                                 "Saya [link=http://x]dengarkan[/link] Ibu S sampai selesai.\n", encoding="utf-8")
    results = tmp_path / "h.parquet"
    run_local([notes], results, jobs=1, cache=False)
    table = invoke("suggest", results, "-n", "1")
    assert table.exit_code == 0, table.output
    assert "[bold]Bu[/bold] Ani" in table.output and "[link=http://x]" in re.sub(r"[\s│]", "", table.output)
    assert re.search(r"\d,\d\d/\d,\d\d", table.output)
    assert re.search(r"\d\.\d\d/\d\.\d\d", invoke("suggest", results, "-n", "1", "--lang", "en").output)
    assert invoke("correct", results, "mk1", "0", "--add", "P10", "--by", "[red]Sari").exit_code == 0
    listing = invoke("correct", results)
    assert "[red]Sari" in listing.output
