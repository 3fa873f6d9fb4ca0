"""Corrections (issue 16, point 1): the store, applying corrections, stale corrections, undo, and the commands
``correct``, ``analyze``/``report``/``review --corrections``."""

from __future__ import annotations

import hashlib
import json
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from analyzer.analysis.corrections import Corrector, apply_corrections, correction_status
from analyzer.analysis.local import run_local
from analyzer.analysis.passages import passage_key
from analyzer.cli import cli
from analyzer.io.corrections import (CorrectionsError, append, new_correction, read_corrections, undo,
                                     undo_record)
from analyzer.io.results import read_results
from analyzer.resources import DEMO_DIR
from tests.conftest import DEMO_SUBSET

NOTES = DEMO_SUBSET
KEY = "a" * 64


@pytest.fixture(scope="module")
def notes_dir(demo_subset_dir):
    return demo_subset_dir


@pytest.fixture(scope="module")
def results(demo_subset_results):
    return demo_subset_results


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def body_rows(path):
    df, _, _ = read_results(path)
    return df[df["kind"] == "body"]


def row(df, note_id, passage):
    return df[(df["note_id"] == note_id) & (df["passage"] == passage)].iloc[0]


def coded_passage(df, note_id=None):
    """(note_id, passage, code) of a body passage the model gave a code."""
    rows = df[(df["labels"].map(len) > 0) & ((df["note_id"] == note_id) if note_id else True)]
    first = rows.iloc[0]
    return first["note_id"], int(first["passage"]), first["labels"][0]


# --- the passage key --------------------------------------------------------------------------------------------------

def test_the_key_is_a_hash_of_the_masked_passage_whatever_the_results_show(results, tmp_path, notes_dir):
    masked = body_rows(results)
    raw_out = tmp_path / "raw.parquet"
    run_local([notes_dir], raw_out, redact_text="none", jobs=1, cache=False)
    raw = body_rows(raw_out)
    assert list(masked["text_sha256"]) == list(raw["text_sha256"])  # the same key with --redact none
    assert all(k == passage_key(t) for k, t in zip(masked["text_sha256"], masked["text"]))
    # no key is the hash of a raw text that contains a masked identifier (a name could be tried against it)
    differs = [(t, k) for t, m, k in zip(raw["text"], masked["text"], raw["text_sha256"]) if t != m]
    assert differs, "the demo notes have names that are masked"
    assert all(hashlib.sha256(t.encode()).hexdigest() != k for t, k in differs)


def test_format_1_results_are_read_with_keys_from_all_masked_text(results, tmp_path):
    import pyarrow.parquet as pq

    table = pq.read_table(results)
    meta = json.loads(pq.ParquetFile(results).metadata.metadata[b"analyzer_results"])
    meta["format"] = 1
    old = table.drop_columns(["text_sha256", "model_labels", "model_breaches", "confirmed"])
    old = old.replace_schema_metadata({b"analyzer_results": json.dumps(meta).encode()})
    path = tmp_path / "old.parquet"
    pq.write_table(old, path)
    df, _, _ = read_results(path)
    new, _, _ = read_results(results)
    assert list(df["text_sha256"]) == list(new["text_sha256"])
    assert list(df["model_labels"]) == list(df["labels"]) and all(c == [] for c in df["confirmed"])


# --- the store --------------------------------------------------------------------------------------------------------

def test_store_appends_undoes_and_keeps_history(tmp_path):
    path = tmp_path / "sub" / "corrections.jsonl"
    first = new_correction("add", "N1", 2, 10, 40, KEY, code="P05", by="sari")
    append(path, [first])
    second = new_correction("reject", "N1", 2, 10, 40, KEY, code="P10", by="budi")
    append(path, [second])
    undo(path, first["id"], by="sari")
    records = read_corrections(path)
    assert [r["action"] for r in records] == ["add", "reject", "undo"]
    assert records[2]["target"] == first["id"] and records[0] == first  # nothing is edited, only appended
    assert not list(path.parent.glob(".*.tmp"))
    with pytest.raises(CorrectionsError, match="already undone"):
        undo(path, first["id"])
    with pytest.raises(CorrectionsError, match="no correction with the id nope"):
        undo(path, "nope")


@pytest.mark.parametrize("line, message", [
    ('{"id": "x"', "line 2: invalid JSON"),
    ('[1, 2]', "line 2: not a JSON object"),
    ('{"id": "z", "action": "add", "note_id": "N1", "passage": 1, "start": 0, "end": 5, "text_sha256": "' + KEY
     + '", "code": "P17", "breach": false, "by": null, "at": "2026-09-01"}', "line 2: unknown code 'P17'"),
    ('{"id": "z", "action": "add", "note_id": "N1", "passage": 1, "start": 0, "end": 5, "text_sha256": "' + KEY
     + '", "code": "E1", "breach": true, "by": null, "at": "2026-09-01"}', "line 2: E1 is an engagement outcome"),
    ('{"id": "z", "action": "add", "note_id": "N1", "passage": -1, "start": 0, "end": 5, "text_sha256": "' + KEY
     + '", "code": "P01", "breach": false, "by": null, "at": "2026-09-01"}', "line 2: field 'passage'"),
    ('{"id": "z", "action": "add", "note_id": "N1", "passage": 1, "start": 0, "end": 5, "text_sha256": "raw",'
     ' "code": "P01", "breach": false, "by": null, "at": "2026-09-01"}', "line 2: field 'text_sha256'"),
    ('{"id": "z", "action": "guess", "at": "2026-09-01"}', "line 2: unknown action 'guess'"),
    ('{"id": "z", "action": "undo", "target": "nobody", "at": "2026-09-01"}', "line 2: undoes nobody"),
])
def test_a_malformed_corrections_file_is_refused_naming_the_line(tmp_path, line, message):
    path = tmp_path / "corrections.jsonl"
    good = new_correction("add", "N1", 2, 10, 40, KEY, code="P05")
    path.write_text(json.dumps(good) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(CorrectionsError) as err:
        read_corrections(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_a_duplicate_id_is_refused(tmp_path):
    path = tmp_path / "corrections.jsonl"
    good = new_correction("add", "N1", 2, 10, 40, KEY, code="P05")
    path.write_text((json.dumps(good) + "\n") * 2, encoding="utf-8")
    with pytest.raises(CorrectionsError, match=f"line 2: the id {good['id']} is already used"):
        read_corrections(path)


# --- applying ---------------------------------------------------------------------------------------------------------

def rows_of(*passages):
    """Rows (passage, start, end, kind, key, model labels, model breaches) of one note."""
    return [(i, 10 * i, 10 * i + 9, kind, key, labels, breaches) for i, kind, key, labels, breaches in passages]


def test_corrections_win_over_the_model_in_file_order():
    k1, k2 = "1" * 64, "2" * 64
    rows = rows_of((0, "header", "0" * 64, [], []), (1, "body", k1, ["P10", "P11"], []), (2, "body", k2, ["P05"], []))
    records = [
        new_correction("reject", "N1", 1, 10, 19, k1, code="P10"),
        new_correction("confirm", "N1", 1, 10, 19, k1, code="P11"),
        new_correction("add", "N1", 2, 20, 29, k2, code="P05", breach=True),  # the breach replaces the applied code
        new_correction("add", "N1", 2, 20, 29, k2, code="E2"),
        new_correction("reject", "N1", 2, 20, 29, k2, code="E2"),  # a later decision supersedes
    ]
    corrector = Corrector(records)
    out = corrector.apply_note("N1", rows)
    assert out == [([], [], []), (["P11"], [], ["P11"]), ([], ["P05"], ["!P05"])]
    assert corrector.summary().applied == 5 and corrector.summary().stale == []


def test_a_label_correction_sets_the_passage_whole_and_undo_restores_the_model():
    k = "3" * 64
    rows = rows_of((1, "body", k, ["P10"], ["P02"]))
    label = new_correction("label", "N1", 1, 10, 19, k, labels=["P03", "E1"], breaches=["P05"])
    assert Corrector([label]).apply_note("N1", rows) == [(["E1", "P03"], ["P05"], ["E1", "P03", "!P05"])]
    assert Corrector([label, undo_record(label["id"])]).apply_note("N1", rows) == [(["P10"], ["P02"], [])]


def test_moved_stale_and_absent_corrections():
    k1, k2 = "4" * 64, "5" * 64
    rows = rows_of((1, "body", k1, ["P10"], []), (2, "body", k2, [], []))
    moved = new_correction("reject", "N1", 7, 70, 79, k1, code="P10")  # same text, now at passage 1
    changed = new_correction("add", "N1", 2, 20, 29, "6" * 64, code="P04")  # passage 2 reads differently now
    gone = new_correction("add", "N1", 9, 90, 99, "7" * 64, code="P04")
    elsewhere = new_correction("add", "N2", 1, 10, 19, k1, code="P04")
    corrector = Corrector([moved, changed, gone, elsewhere])
    assert corrector.apply_note("N1", rows) == [([], [], []), ([], [], [])]
    summary = corrector.summary()
    assert (summary.applied, summary.moved, summary.absent) == (1, 1, 1)
    assert {(s["id"], s["reason"]) for s in summary.stale} == {(changed["id"], "text_changed"),
                                                              (gone["id"], "passage_gone")}


def test_apply_corrections_starts_from_the_model_every_time(results):
    df, _, _ = read_results(results)
    note_id, passage, code = coded_passage(df[df["kind"] == "body"])
    r = row(df, note_id, passage)
    rejection = new_correction("reject", note_id, passage, int(r["start"]), int(r["end"]), r["text_sha256"], code=code)
    once, summary = apply_corrections(df, [rejection])
    assert code not in row(once, note_id, passage)["labels"] and summary.applied == 1
    again, _ = apply_corrections(once, [rejection, undo_record(rejection["id"])])
    assert code in row(again, note_id, passage)["labels"]
    pd.testing.assert_frame_equal(again, df)


# --- analyzer correct -------------------------------------------------------------------------------------------------

def report_json(*args):
    result = invoke("report", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_correct_then_report_changes_the_figures_and_marks_them_confirmed(work):
    df = body_rows(work)
    note_id, passage, code = coded_passage(df)
    worker = row(df, note_id, passage)["worker"]
    before = report_json(work)
    assert before["corrections"] is None and before["totals"]["findings_confirmed"] == 0
    result = invoke("correct", work, note_id, passage, "--remove", code, "--by", "Sari", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Correction ") and f"reject {code} on note {note_id} passage {passage}" \
        in result.output
    others = [c for c in ("P01", "P02", "P03", "P04") if c not in row(df, note_id, passage)["labels"]]
    assert invoke("correct", work, note_id, passage, "--add", others[0], "--by", "Sari").exit_code == 0
    after = report_json(work)
    w_before = next(w for w in before["workers"] if w["worker"] == worker)
    w_after = next(w for w in after["workers"] if w["worker"] == worker)
    assert w_after["codes"][code]["applied"] == w_before["codes"][code]["applied"] - 1
    assert w_after["codes"][others[0]]["applied"] == w_before["codes"][others[0]]["applied"] + 1
    assert w_after["codes"][others[0]]["applied_confirmed"] == 1
    assert w_after["findings_confirmed"] == after["totals"]["findings_confirmed"] == 1
    assert after["corrections"]["applied"] == 2 and after["corrections"]["stale"] == []
    records = read_corrections(work.parent / "corrections.jsonl")
    assert [(r["action"], r["by"], r["note_id"], r["passage"]) for r in records] == \
        [("reject", "Sari", note_id, passage), ("add", "Sari", note_id, passage)]
    assert all(r["text_sha256"] == row(df, note_id, passage)["text_sha256"] for r in records)
    table = invoke("report", work, "--lang", "en")
    assert "Basis of the findings" in table.output and f"{others[0]} 1/" in table.output
    # --no-corrections shows the model alone
    assert report_json(work, "--no-corrections")["workers"] == before["workers"]
    # undo the addition: the figure goes back
    assert invoke("correct", work, "--undo", records[1]["id"]).exit_code == 0
    undone = report_json(work)
    assert next(w for w in undone["workers"] if w["worker"] == worker)["codes"][others[0]]["applied"] == \
        w_before["codes"][others[0]]["applied"]
    listing = invoke("correct", work, "--format", "json")
    assert [r["status"] for r in json.loads(listing.output)] == ["applied", "undone", "undo"]


def test_confirm_and_breach(work):
    df = body_rows(work)
    note_id, passage, code = coded_passage(df)
    assert invoke("correct", work, note_id, passage, "--confirm", code).exit_code == 0
    principle = next(c for c in ("P02", "P05", "P10", "P15") if c not in row(df, note_id, passage)["labels"])
    assert invoke("correct", work, note_id, passage, "--add", principle, "--breach").exit_code == 0
    data = report_json(work)
    worker = next(w for w in data["workers"] if w["worker"] == row(df, note_id, passage)["worker"])
    assert worker["codes"][code]["applied_confirmed"] == 1 and worker["codes"][principle]["breached_confirmed"] == 1


@pytest.mark.parametrize("args, first_line", [
    (["NOPE", "3", "--add", "P01"], "Error: note NOPE is not in the results (4 notes)."),
    (["{note}", "0", "--add", "P01"], "Error: passage 0 of note {note} is a header (biodata) line and gets no codes."),
    (["{note}", "999", "--add", "P01"], "Error: note {note} has no passage 999; its passages are numbered 0-"),
    (["{note}", "x", "--add", "P01"], "Error: PASSAGE must be a passage number (0, 1, 2, …), not 'x'."),
    (["{note}", "{passage}", "--add", "P17"], "Error: unknown code 'P17'."),
    (["{note}", "{passage}", "--add", "E1", "--breach"], "Error: E1 is an engagement outcome and cannot be breached"),
    (["{note}", "{passage}", "--confirm", "{absent}"],
     "Error: passage {passage} of note {note} does not have {absent}"),
    (["{note}", "{passage}", "--add", "P01", "--remove", "P02"], "Error: give one action only"),
    (["{note}", "--add", "P01"], "Error: a correction needs NOTE_ID and PASSAGE"),
    (["--undo", "abc"], "Error: no correction with the id abc in"),
])
def test_correct_refuses_bad_input_with_a_message(work, args, first_line):
    df = body_rows(work)
    note_id, passage, code = coded_passage(df)
    absent = next(c for c in ("P01", "P02", "P03", "P08") if c not in row(df, note_id, passage)["labels"])
    (work.parent / "corrections.jsonl").write_text("", encoding="utf-8")
    fill = {"note": note_id, "passage": passage, "absent": absent}
    result = invoke("correct", work, *[a.format(**fill) for a in args], "--lang", "en")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(first_line.format(**fill)), result.output


def test_correct_needs_a_results_file(tmp_path):
    result = invoke("correct", tmp_path / "none.parquet", "N1", "1", "--add", "P01")
    assert result.exit_code == 1 and result.output.splitlines()[0] == f"Error: berkas tidak ditemukan: " \
        f"{tmp_path / 'none.parquet'}."
    (tmp_path / "x.parquet").write_text("not parquet")
    result = invoke("correct", tmp_path / "x.parquet", "N1", "1", "--add", "P01", "--lang", "en")
    assert result.output.splitlines()[0] == \
        f"Error: {tmp_path / 'x.parquet'} is not a results file of 'analyzer analyze'."


def test_report_with_a_missing_or_broken_corrections_file(work, tmp_path):
    missing = invoke("report", work, "--corrections", tmp_path / "nope.jsonl", "--lang", "en")
    assert missing.exit_code == 1
    assert missing.output.splitlines()[0] == f"Error: corrections file not found: {tmp_path / 'nope.jsonl'}."
    broken = work.parent / "corrections.jsonl"
    broken.write_text("{oops\n", encoding="utf-8")
    result = invoke("report", work, "--lang", "en")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(f"Error: corrections file {broken} line 1: invalid JSON")


# --- stale corrections after the notes changed; analyze and review apply corrections ----------------------------------

def test_analyze_applies_corrections_and_lists_stale_ones(tmp_path, notes_dir, results):
    notes = tmp_path / "notes"
    shutil.copytree(notes_dir, notes)
    df = body_rows(results)
    note_id, passage, code = coded_passage(df)
    later = df[(df["note_id"] == note_id) & (df["passage"] > passage)].iloc[0]
    corrections = tmp_path / "corrections.jsonl"
    first, second = (new_correction("reject", note_id, int(r["passage"]), int(r["start"]), int(r["end"]),
                                    r["text_sha256"], code=c, by="sari")
                     for r, c in ((row(df, note_id, passage), code), (later, "P04")))
    append(corrections, [first, second])

    # the note is edited: its later passage is rewritten, so that correction is stale
    path = notes / f"{note_id}.md"
    text = path.read_text(encoding="utf-8")
    raw_later = text.split("\n---\n", 1)[1]
    words = later["text"].split()[:4]
    assert " ".join(words) in raw_later
    path.write_text(text.replace(" ".join(words), " ".join(words) + " (ditambahkan kemudian)", 1), encoding="utf-8")

    out = tmp_path / "hasil.parquet"
    result = invoke("analyze", notes, "-o", out, "--jobs", "1", "--no-cache", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Corrections (" in result.output and "1 applied (0 at new offsets), 1 stale" in result.output
    assert f"stale, not applied: {second['id']} {note_id} passage {later['passage']} P04 (by sari" in result.output
    new = body_rows(out)
    r = row(new, note_id, passage)
    assert code not in r["labels"] and code in r["model_labels"]
    _, _, meta = read_results(out)
    assert meta["corrections"]["applied"] == 1 and meta["corrections"]["stale"][0]["reason"] == "text_changed"
    status = {r["id"]: r["status"] for r in correction_status(read_results(out)[0], read_corrections(corrections))}
    assert status == {first["id"]: "applied", second["id"]: "stale:text_changed"}


def test_review_applies_the_corrections_of_its_note(tmp_path, results):
    df = body_rows(results)
    note_id, passage, code = coded_passage(df)
    note = tmp_path / f"{note_id}.md"
    shutil.copy(DEMO_DIR / "notes" / f"{note_id}.md", note)
    r = row(df, note_id, passage)
    append(tmp_path / "corrections.jsonl",
           [new_correction("reject", note_id, passage, int(r["start"]), int(r["end"]), r["text_sha256"], code=code),
            new_correction("add", note_id, passage, int(r["start"]), int(r["end"]), r["text_sha256"], code="P14")])
    data = json.loads(invoke("review", note, "--format", "json").output)
    reviewed = next(p for p in data["passages"] if p["index"] == passage)
    assert code not in reviewed["labels"] and "P14" in reviewed["labels"] and reviewed["confirmed"] == ["P14"]
    assert data["corrections"]["applied"] == 2
    terminal = invoke("review", note, "--no-color", "--lang", "en")
    assert "P14 Appreciating positive action [confirmed]" in terminal.output
    plain = json.loads(invoke("review", note, "--format", "json", "--no-corrections").output)
    assert code in next(p for p in plain["passages"] if p["index"] == passage)["labels"]


def test_every_message_of_the_teaching_commands_exists_in_both_languages_and_is_used(repo_root):
    import re

    from analyzer.messages import _catalog

    prefixes = ("corrections.", "local.", "suggest.", "ui.correct.", "ui.export.", "ui.import.", "ui.suggest.",
                "ui.train.local")
    catalog = {k: v for k, v in _catalog().items() if k.startswith(prefixes)}
    assert all(entry.get("id") and entry.get("en") for entry in catalog.values())
    modules = ["io/corrections.py", "analysis/corrections.py", "analysis/annotation.py", "analysis/suggest.py",
               "model/local.py", "cli/teach.py", "cli/model.py", "cli/options.py", "render/review_console.py",
               "render/corrections_console.py"]
    source = "".join((repo_root / "analyzer" / m).read_text(encoding="utf-8") for m in modules)
    used = {k for k in re.findall(r'["\']([a-z_]+\.[a-z0-9_.]*[a-z0-9_])["\']', source) if k.startswith(prefixes)}
    used.discard("corrections.jsonl")  # the file name
    used |= {f"corrections.status.{s}" for s in ("applied", "moved", "stale", "absent", "undone", "undo")}
    used |= {f"corrections.reason.{r}" for r in ("text_changed", "passage_gone")}
    used |= {f"ui.correct.action.{a}" for a in ("add", "reject", "confirm")}
    assert sorted(used - set(catalog)) == []
    assert sorted(set(catalog) - used) == [], "messages nobody uses"
