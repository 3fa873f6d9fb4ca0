"""Exchange with annotation tools (issue 16, points 2 and 3): export to Label Studio, doccano, Prodigy and REFI-QDA,
edit the files the way each tool does after people labelled, and import the labels back."""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from analyzer.errors import InputError
from analyzer.exchange import (FORMATS, ExchangeError, detect_format, export, import_file, read_refi_qda,
                               validate_project, write_files)
import analyzer.exchange as exchange_package
from analyzer.messages import _catalog
from analyzer.exchange.labels import CODES, PRINCIPLES, LabelMapper, parse_label
from analyzer.exchange.records import SKIP_REASONS
from analyzer.exchange.refi_qda import NS, guid

Q = f"{{{NS}}}"


# --- fixtures: the real codebook and a few notes with non-ASCII text -------------------------------------------------

@pytest.fixture
def codebook(codebook_raw):
    kinds = {"principle": "principle", "engagement_outcome": "outcome"}
    return [{"code": c["code"], "name": c["name_id"], "kind": kinds[c["group"]], "definition": c["definition_id"]}
            for c in codebook_raw["codes"]]


@pytest.fixture
def schema(repo_root):
    path = repo_root.parent / "shared" / "refi-qda" / "Project.xsd"
    assert path.is_file(), f"the REFI-QDA schema is test data read from {path} (see ../shared/refi-qda/README.md)"
    return path


NOTE_TEXTS = {
    "N001": "Nama klien: Bu Ré\nPeksos menyapa ibu 😊 dengan ramah dan mendengarkan.\n"
            "Ia menjelaskan prosedur café <PKH> & jadwal.\nKlien setuju bertemu lagi.",
    "N002": "Tanggal: 3 Agustus 2026\nPekerja sosial membentak klien karena terlambat.\n"
            "Setelah itu ia meminta maaf dan menanyakan kabar anak-anak.",
}
SUGGESTIONS = {  # (note, passage) -> (labels, breaches)
    ("N001", 1): (["P03", "E2"], ["P05"]),
    ("N001", 2): (["P04"], []),
    ("N002", 1): ([], ["P02"]),
}


@pytest.fixture
def notes():
    return [{"note_id": "N001", "worker": 'Sari "S" & <Tim>', "client": "K1", "date": "2026-08-03",
             "text": NOTE_TEXTS["N001"]},
            {"note_id": "N002", "worker": "Budi", "client": "K2", "date": "2026-08-04", "text": NOTE_TEXTS["N002"]}]


@pytest.fixture
def passages():
    """One passage per line; the first line of each note is a header (biodata) line."""
    out = []
    for note_id, text in NOTE_TEXTS.items():
        start = 0
        for index, line in enumerate(text.split("\n")):
            labels, breaches = SUGGESTIONS.get((note_id, index), ([], []))
            scores = {code: 0.1 for code in CODES} | {code: 0.8 for code in labels}
            scores |= {f"!{code}": 0.05 for code in PRINCIPLES} | {f"!{code}": 0.7 for code in breaches}
            out.append({"note_id": note_id, "passage": index, "start": start, "end": start + len(line),
                        "kind": "header" if index == 0 else "body", "text": line, "labels": labels,
                        "breaches": breaches, "scores": scores})
            start += len(line) + 1
    return out


def body(passages):
    return [p for p in passages if p["kind"] == "body"]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def by_passage(records):
    return {(r["note_id"], r["passage"]): r for r in records}


def write(tmp_path, name, content) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def jsonl(lines) -> str:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


# --- labels ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("label, expected", [
    ("P01", ("P01", False)), ("!P16", ("P16", True)), ("p05", ("P05", False)), (" ! P05 ", ("P05", True)),
    ("P01 — Berkonsentrasi pada permasalahan klien", ("P01", False)),
    ("!P05 — Pelanggaran: Bersikap profesional", ("P05", True)), ("E4", ("E4", False)),
    ("E2: terbuka", ("E2", False)),
    ("!E1", None), ("P17", None), ("P1", None), ("P010", None), ("E5", None), ("", None), ("Menarik", None),
    (5, None), (None, None),
])
def test_parse_label(label, expected):
    assert parse_label(label) == expected


def test_label_mapper_accepts_names_and_names_every_unknown_label(codebook):
    mapper = LabelMapper("f.json", codebook)
    assert mapper.map(["Empati", "!P05 — x", "E1"], "task 1") == (["P11", "E1"], ["P05"])
    mapper.map(["Menarik", "P01"], "task 2")
    mapper.map(["!E3", "Menarik"], "task 3")
    with pytest.raises(ExchangeError) as err:
        mapper.check()
    assert err.value.key == "exchange.unknown_labels"
    for text in (str(err.value), err.value.render("id")):
        assert "!E3" in text and "Menarik" in text and "task 2" in text
    assert "Ganti namanya" in err.value.render("id") and "Rename them" in err.value.render("en")


def test_a_code_both_applied_and_breached_is_refused(codebook):
    with pytest.raises(ExchangeError, match="both applied and breached") as err:
        LabelMapper("f.json", codebook).map(["P05", "!P05", "P01"], "line 4")
    assert "P05" in str(err.value) and "P01" not in str(err.value) and "line 4" in str(err.value)


# --- export ----------------------------------------------------------------------------------------------------------

def test_label_studio_tasks_carry_the_suggestions_as_predictions(codebook, notes, passages):
    files = export("label-studio", codebook, notes, passages, model_version="m1")
    tasks = json.loads(files["label_studio_tasks.json"])
    assert [(t["data"]["note_id"], t["data"]["passage"]) for t in tasks] == \
        [(p["note_id"], p["passage"]) for p in body(passages)]  # header passages are not exported
    for task, passage in zip(tasks, body(passages)):
        data = task["data"]
        assert (data["text"], data["start"], data["end"]) == (passage["text"], passage["start"], passage["end"])
        assert data["worker"] == next(n["worker"] for n in notes if n["note_id"] == passage["note_id"])
        labels, breaches = SUGGESTIONS.get((passage["note_id"], passage["passage"]), ([], []))
        (prediction,) = task["predictions"]
        assert prediction["model_version"] == "m1"
        chosen = [c for r in prediction["result"] for c in r["value"]["choices"]]
        assert chosen == labels + [f"!{b}" for b in breaches]
        assert all(r["from_name"] == "codes" and r["type"] == "choices" for r in prediction["result"])
        if labels or breaches:  # the least certain suggestion
            assert prediction["score"] == min([0.8] * len(labels) + [0.7] * len(breaches))
        else:
            assert prediction["score"] == pytest.approx(0.9)


def test_label_studio_config_lists_every_code_and_breach_with_its_name(codebook, notes, passages):
    config = ET.fromstring(export("label-studio", codebook, notes, passages, lang="en")["label_studio_config.xml"])
    (choices,) = config.iter("Choices")
    assert choices.get("choice") == "multiple" and choices.get("toName") == "text"
    assert config.find("Text").get("name") == "text" and config.find("Text").get("value") == "$text"
    values = {c.get("value"): c.get("hint") for c in choices.iter("Choice")}
    names = {entry["code"]: entry["name"] for entry in codebook}
    assert list(values) == list(CODES) + [f"!{p}" for p in PRINCIPLES]
    assert all(values[code] == names[code] for code in CODES)
    assert values["!P05"] == f"Breach: {names['P05']}"


def test_doccano_and_prodigy_lines(codebook, notes, passages):
    doccano = [json.loads(line) for line in export("doccano", codebook, notes, passages)["doccano.jsonl"].splitlines()]
    prodigy = [json.loads(line) for line in export("prodigy", codebook, notes, passages)["prodigy.jsonl"].splitlines()]
    assert len(doccano) == len(prodigy) == len(body(passages))
    for d, p, passage in zip(doccano, prodigy, body(passages)):
        labels, breaches = SUGGESTIONS.get((passage["note_id"], passage["passage"]), ([], []))
        expected = labels + [f"!{b}" for b in breaches]
        assert d["label"] == p["accept"] == expected
        assert (d["text"], d["note_id"], d["passage"], d["start"], d["end"]) == \
            (p["text"], p["note_id"], p["passage"], p["start"], p["end"]) == \
            (passage["text"], passage["note_id"], passage["passage"], passage["start"], passage["end"])
        assert p["config"] == {"choice_style": "multiple"} and p["meta"]["note"] == passage["note_id"]
    options = {o["id"]: o["text"] for o in prodigy[0]["options"]}
    assert list(options) == list(CODES) + [f"!{c}" for c in PRINCIPLES]
    assert options["P01"] == "P01 — Berkonsentrasi pada permasalahan klien"
    assert options["!P05"] == "!P05 — Pelanggaran: Bersikap profesional"


def test_refi_qda_project_is_valid_and_codes_the_passages_at_character_offsets(codebook, notes, passages, schema):
    qdpx = export("refi-qda", codebook, notes, passages, schema=schema)["project.qdpx"]
    with zipfile.ZipFile(io.BytesIO(qdpx)) as archive:
        qde = archive.read("project.qde")
        texts = {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name != "project.qde"}
    validate_project(qde, schema)
    root = ET.fromstring(qde)
    assert root.tag == f"{Q}Project"

    groups = root.find(f"{Q}CodeBook/{Q}Codes").findall(f"{Q}Code")
    assert [g.get("isCodable") for g in groups] == ["false"] * 3
    assert [len(g.findall(f"{Q}Code")) for g in groups] == [16, 4, 16]
    breach_names = [c.get("name") for c in groups[2]]
    assert all(re.match(r"!P\d\d — Pelanggaran: ", name) for name in breach_names)
    code_of = {c.get("guid"): c.get("name").split(" — ")[0] for g in groups for c in g}
    assert code_of[guid("code", "!P05")] == "!P05"
    assert str(uuid.UUID(guid("code", "P01"))) == guid("code", "P01")

    sources = {s.get("name"): s for s in root.iter(f"{Q}TextSource")}
    assert set(sources) == {"N001", "N002"}
    coded = {}
    for note_id, source in sources.items():
        text = texts["sources/" + source.get("plainTextPath").removeprefix("internal://")]
        assert text == NOTE_TEXTS[note_id]
        for selection in source.iter(f"{Q}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            codes = sorted(code_of[c.find(f"{Q}CodeRef").get("targetGUID")] for c in selection.iter(f"{Q}Coding"))
            coded[(note_id, text[start:end])] = codes
    expected = {}
    for p in body(passages):
        labels, breaches = SUGGESTIONS.get((p["note_id"], p["passage"]), ([], []))
        if labels or breaches:
            expected[(p["note_id"], p["text"])] = sorted(labels + [f"!{b}" for b in breaches])
    assert coded == expected

    # offsets count characters (code points): the emoji and the é make the byte offsets differ
    emoji_passage = next(p for p in passages if "😊" in p["text"])
    selection = next(s for s in sources["N001"].iter(f"{Q}PlainTextSelection")
                     if int(s.get("startPosition")) == emoji_passage["start"])
    byte_start = len(NOTE_TEXTS["N001"][:emoji_passage["start"]].encode("utf-8"))
    assert int(selection.get("endPosition")) == emoji_passage["end"]
    assert byte_start != emoji_passage["start"]

    # XML escaping: the worker's name with quotes, ampersand and angle brackets survives intact
    values = [v.text for v in sources["N001"].iter(f"{Q}TextValue")]
    assert 'Sari "S" & <Tim>' in values


def test_refi_qda_export_is_stable_and_speaks_the_language_asked(codebook, notes, passages):
    first = export("refi-qda", codebook, notes, passages)["project.qdpx"]
    assert export("refi-qda", codebook, notes, passages)["project.qdpx"] == first
    english = export("refi-qda", codebook, notes, passages, lang="en")["project.qdpx"]
    with zipfile.ZipFile(io.BytesIO(english)) as archive:
        root = ET.fromstring(archive.read("project.qde"))
    names = [g.get("name") for g in root.find(f"{Q}CodeBook/{Q}Codes")]
    assert names == ["Negotiation principles", "Engagement outcomes", "Principle breaches"]


def test_export_dispatcher_and_write_files(codebook, notes, passages, tmp_path):
    assert set(FORMATS) == {"label-studio", "doccano", "prodigy", "refi-qda"}
    with pytest.raises(ExchangeError, match="unknown exchange format: excel"):
        export("excel", codebook, notes, passages)
    written = write_files(export("label-studio", codebook, notes, passages), tmp_path / "out")
    assert sorted(p.name for p in written) == ["label_studio_config.xml", "label_studio_tasks.json"]
    assert not list((tmp_path / "out").glob(".*.tmp"))


@pytest.mark.parametrize("change, key", [
    (lambda n, p: p[1].update(text="something else"), "exchange.passage_mismatch"),
    (lambda n, p: p[1].update(note_id="N999"), "exchange.note_missing"),
    (lambda n, p: p[1].update(breaches=["E1"]), "exchange.passage_code"),
    (lambda n, p: p[1].update(start="3"), "exchange.passage_field"),
    (lambda n, p: n.append(dict(n[0])), "exchange.note_duplicate"),
])
def test_inconsistent_input_is_refused_with_a_message(codebook, notes, passages, change, key):
    change(notes, passages)
    with pytest.raises(ExchangeError) as err:
        export("doccano", codebook, notes, passages)
    assert err.value.key == key and isinstance(err.value, InputError)
    assert err.value.render("id") != str(err.value)  # Indonesian by default, English when asked


def test_a_broken_codebook_is_refused(codebook, notes, passages):
    codebook[3]["kind"] = "outcome"
    with pytest.raises(ExchangeError, match="codebook entry 4"):
        export("prodigy", codebook, notes, passages)


# --- round trips: export, label as the tool does, import -------------------------------------------------------------

def test_label_studio_round_trip(codebook, notes, passages, tmp_path):
    tasks = json.loads(export("label-studio", codebook, notes, passages)["label_studio_tasks.json"])
    for number, task in enumerate(tasks, start=1):
        task["id"] = 100 + number
    first, second, third = tasks[0], tasks[1], tasks[2]
    first["annotations"] = [  # two people; one picks codes by the option text
        {"id": 1, "completed_by": {"id": 7, "email": "sari@lksa.id"}, "was_cancelled": False,
         "created_at": "2026-09-01T10:00:00Z", "updated_at": "2026-09-01T10:05:00Z",
         "result": [{"from_name": "codes", "to_name": "text", "type": "choices",
                     "value": {"choices": ["P03", "P10 — Pendengar aktif dan responsif", "!P05"]}}]},
        {"id": 2, "completed_by": 8, "created_at": "2026-09-02T08:00:00Z", "result": []},
    ]
    second["annotations"] = [{"id": 3, "completed_by": 7, "was_cancelled": True, "result": []}]
    third["completions"] = [{"id": 4, "completed_by": 9, "result": [  # older Label Studio versions
        {"from_name": "codes", "type": "choices", "value": {"choices": ["E4"]}}]}]
    path = write(tmp_path, "export.json", json.dumps(tasks))

    assert detect_format(path) == "label-studio"
    result = import_file(path, codebook=codebook)
    assert result.source_format == "label-studio"
    p1 = next(p for p in passages if (p["note_id"], p["passage"]) == (first["data"]["note_id"],
                                                                      first["data"]["passage"]))
    sari, other = [r for r in result.records if r["passage"] == p1["passage"] and r["note_id"] == p1["note_id"]]
    assert (sari["labels"], sari["breaches"]) == (["P03", "P10"], ["P05"])
    assert (sari["start"], sari["end"], sari["text_sha256"]) == (p1["start"], p1["end"], sha(p1["text"]))
    assert (sari["by"], sari["at"]) == ("sari@lksa.id", "2026-09-01T10:05:00Z")
    assert (other["labels"], other["breaches"], other["by"]) == ([], [], "8")  # submitted with no code
    assert by_passage(result.records)[(third["data"]["note_id"], third["data"]["passage"])]["labels"] == ["E4"]
    reasons = {s["where"]: s["reason"] for s in result.skipped}
    assert reasons["task 102"] == "cancelled"
    assert all(reasons[f"task {t['id']}"] == "unannotated" for t in tasks[3:])
    assert len(result.records) == 3 and len(result.skipped) == len(tasks) - 2
    assert "dilewati (skip) di Label Studio" in result.describe_skipped()[0]


def test_doccano_round_trip_collaborative_jsonl_per_user_zip_and_json(codebook, notes, passages, tmp_path):
    lines = [json.loads(line) for line in export("doccano", codebook, notes, passages)["doccano.jsonl"].splitlines()]

    def as_doccano_exports(line, number):  # doccano adds its id and writes metadata back at the top level
        return {"id": number, **line}

    edited = [as_doccano_exports(line, n) for n, line in enumerate(lines, start=1)]
    edited[0]["label"] = ["P03", "!P05", "P11"]
    edited[1]["label"] = []
    path = write(tmp_path, "all.jsonl", jsonl(edited))
    assert detect_format(path) == "doccano"
    result = import_file(path)
    assert result.warnings == ["exchange.warn.doccano_unreviewed"]
    records = by_passage(result.records)
    assert len(records) == len(body(passages))
    p = body(passages)[0]
    first = records[(p["note_id"], p["passage"])]
    assert (first["labels"], first["breaches"], first["text_sha256"]) == (["P03", "P11"], ["P05"], sha(p["text"]))
    assert records[(body(passages)[1]["note_id"], body(passages)[1]["passage"])]["labels"] == []

    # older versions nest metadata under "meta"; intent-detection projects write "cats"
    nested = [{"id": 1, "text": lines[2]["text"], "cats": ["E1"],
               "meta": {k: lines[2][k] for k in ("note_id", "passage", "start", "end")}}]
    (rec,) = import_file(write(tmp_path, "nested.jsonl", jsonl(nested))).records
    assert (rec["note_id"], rec["passage"], rec["labels"]) == (lines[2]["note_id"], lines[2]["passage"], ["E1"])

    # not collaborative: one file per user in a zip
    archive = tmp_path / "users.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("admin.jsonl", jsonl([edited[0]]))
        z.writestr("budi.jsonl", jsonl([{**edited[0], "label": ["P01"]}]))
    assert detect_format(archive) == "doccano"
    users = {r["by"]: r["labels"] for r in import_file(archive).records}
    assert users == {"admin": ["P03", "P11"], "budi": ["P01"]}

    # doccano's JSON export: a list
    listed = write(tmp_path, "all.json", json.dumps(edited[:2]))
    assert detect_format(listed) == "doccano" and len(import_file(listed).records) == 2


def test_prodigy_round_trip(codebook, notes, passages, tmp_path):
    lines = [json.loads(line) for line in export("prodigy", codebook, notes, passages)["prodigy.jsonl"].splitlines()]
    answers = ["accept", "reject", "ignore", "accept"]
    for line, answer in zip(lines, answers):
        line.update(answer=answer, _input_hash=1, _task_hash=2, _timestamp=1788000000, _annotator_id="sesi-sari")
    lines[0]["accept"] = ["P03", "!P05", "P15"]
    lines[3]["accept"] = []  # accepted with nothing chosen: no code applies
    path = write(tmp_path, "db-out.jsonl", jsonl(lines))
    assert detect_format(path) == "prodigy"
    result = import_file(path)
    records = by_passage(result.records)
    assert len(lines) == 5 and len(records) == 2  # the fifth task was never answered
    p0, p3 = body(passages)[0], body(passages)[3]
    first = records[(p0["note_id"], p0["passage"])]
    assert (first["labels"], first["breaches"], first["by"]) == (["P03", "P15"], ["P05"], "sesi-sari")
    assert (first["start"], first["end"], first["text_sha256"]) == (p0["start"], p0["end"], sha(p0["text"]))
    assert first["at"] == "2026-08-29T10:40:00+00:00"
    assert (records[(p3["note_id"], p3["passage"])]["labels"], records[(p3["note_id"], p3["passage"])]["breaches"]) \
        == ([], [])
    assert [(s["where"], s["reason"]) for s in result.skipped] == [("line 2", "rejected"), ("line 3", "ignored"),
                                                                   ("line 5", "unannotated")]


def _edit_qdpx(qdpx: bytes, out: Path, edit) -> bytes:
    """Unzip, let ``edit`` change the project XML as a QDA program would, zip again; returns the new XML."""
    with zipfile.ZipFile(io.BytesIO(qdpx)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    root = ET.fromstring(members["project.qde"])
    edit(root)
    members["project.qde"] = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name.replace("sources/", "Sources/"), content)  # NVivo's folder name
    return members["project.qde"]


def test_refi_qda_round_trip(codebook, notes, passages, schema, tmp_path):
    qdpx = export("refi-qda", codebook, notes, passages, schema=schema)["project.qdpx"]
    emoji = next(p for p in passages if "😊" in p["text"])  # suggested P03, E2, !P05
    uncoded = next(p for p in body(passages) if (p["note_id"], p["passage"]) not in SUGGESTIONS)
    untouched = next(p for p in body(passages) if (p["note_id"], p["passage"]) == ("N002", 1))
    human = "0f8fad5b-d9cb-469f-a165-70867728950e"

    def review(root):
        ET.SubElement(root.find(f"{Q}Users"), f"{Q}User", guid=human.upper(), name="Sari")
        source = next(s for s in root.iter(f"{Q}TextSource") if s.get("name") == emoji["note_id"])
        selection = next(s for s in source.iter(f"{Q}PlainTextSelection")
                         if int(s.get("startPosition")) == emoji["start"])
        e2 = next(c for c in selection.findall(f"{Q}Coding") if c.find(f"{Q}CodeRef").get("targetGUID")
                  == guid("code", "E2"))
        selection.remove(e2)  # disagrees with E2
        coding = ET.SubElement(selection, f"{Q}Coding", guid=str(uuid.uuid4()), creatingUser="{" + human + "}",
                               creationDateTime="2026-09-03T09:00:00Z")
        ET.SubElement(coding, f"{Q}CodeRef", targetGUID=guid("code", "P10"))
        # a new, slightly sloppy selection on a passage the model did not code (two characters into the one before)
        new = ET.Element(f"{Q}PlainTextSelection", guid=str(uuid.uuid4()), startPosition=str(uncoded["start"] - 2),
                         endPosition=str(uncoded["end"] - 3), creatingUser=human)
        coding = ET.SubElement(new, f"{Q}Coding", guid=str(uuid.uuid4()), creatingUser=human,
                               creationDateTime="2026-09-03T09:30:00Z")
        ET.SubElement(coding, f"{Q}CodeRef", targetGUID=guid("code", "P15"))
        target = next(s for s in root.iter(f"{Q}TextSource") if s.get("name") == uncoded["note_id"])
        target.insert(list(target).index(target.find(f"{Q}VariableValue")), new)

    path = tmp_path / "reviewed.qdpx"
    qde = _edit_qdpx(qdpx, path, review)
    validate_project(qde, schema)  # the edited project is still valid
    assert detect_format(path) == "refi-qda"

    result = import_file(path, codebook=codebook, passages=passages, schema=schema)
    records = by_passage(result.records)
    assert set(records) == {(emoji["note_id"], emoji["passage"]), (uncoded["note_id"], uncoded["passage"])}
    rec = records[(emoji["note_id"], emoji["passage"])]
    assert (rec["labels"], rec["breaches"]) == (["P03", "P10"], ["P05"])
    assert (rec["start"], rec["end"], rec["text_sha256"]) == (emoji["start"], emoji["end"], sha(emoji["text"]))
    assert (rec["by"], rec["at"]) == ("Sari", "2026-09-03T09:00:00Z")
    new = records[(uncoded["note_id"], uncoded["passage"])]
    assert (new["labels"], new["start"], new["end"]) == (["P15"], uncoded["start"], uncoded["end"])
    assert new["text_sha256"] == sha(uncoded["text"]) and new["by"] == "Sari"
    assert {(s["note_id"], s["passage"], s["reason"]) for s in result.skipped} >= {
        (untouched["note_id"], untouched["passage"], "unreviewed")}

    # without the passages, a selection keeps its own offsets; ours still name their passage
    raw = by_passage(read_refi_qda(path).records)
    assert raw[(emoji["note_id"], emoji["passage"])]["start"] == emoji["start"]
    free = raw[(uncoded["note_id"], None)]
    assert (free["start"], free["end"]) == (uncoded["start"] - 2, uncoded["end"] - 3)
    assert free["text_sha256"] == sha(NOTE_TEXTS[uncoded["note_id"]][uncoded["start"] - 2:uncoded["end"] - 3])


def test_refi_qda_source_text_changed_in_the_tool_is_reported_not_imported(codebook, notes, passages, tmp_path):
    qdpx = export("refi-qda", codebook, notes, passages)["project.qdpx"]
    emoji = next(p for p in passages if "😊" in p["text"])

    def by_a_person(root):
        for coding in root.iter(f"{Q}Coding"):
            coding.set("creatingUser", "0f8fad5b-d9cb-469f-a165-70867728950e")

    path = tmp_path / "p.qdpx"
    _edit_qdpx(qdpx, path, by_a_person)
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    source = f"Sources/{guid('source', 'N001')}.txt"
    members[source] = members[source].replace("😊".encode(), b":)")  # the tool rewrote the emoji
    with zipfile.ZipFile(path, "w") as z:
        for name, content in members.items():
            z.writestr(name, content)
    result = import_file(path, passages=passages)
    assert (emoji["note_id"], emoji["passage"]) not in by_passage(result.records)
    assert ("N001", emoji["passage"], "text_changed") in {(s["note_id"], s["passage"], s["reason"])
                                                          for s in result.skipped}
    assert ("N002", 1) in by_passage(result.records)  # the other note is unchanged


# --- malformed files: a clear error naming the file and the place, never a traceback ---------------------------------

def _ls_task(labels):
    return {"id": 5, "data": {"text": "x", "note_id": "N1", "passage": 1, "start": 0, "end": 1},
            "annotations": [{"completed_by": 1, "result": [{"type": "choices", "from_name": "codes",
                                                            "value": {"choices": labels}}]}]}


@pytest.mark.parametrize("name, content, key, where", [
    ("a.jsonl", '{"text": "x", "label": [], "note_id": "N1", "passage": 1, "start": 0, "end": 1}\n{"text": oops}\n',
     "exchange.bad_json", "line 2"),
    ("a.jsonl", '{"text": "x", "label": ["P01"], "note_id": "N1", "passage": 1, "start": 0}\n',
     "exchange.field_missing", "line 1"),
    ("a.jsonl", '{"text": "x", "label": ["P01"], "note_id": "N1", "passage": "one", "start": 0, "end": 1}\n',
     "exchange.field_int", "line 1"),
    ("a.jsonl", '{"text": "x", "label": [], "note_id": "N1", "passage": "²", "start": 0, "end": 1}\n',
     "exchange.field_int", "line 1"),
    ("a.jsonl", '{"text": "x", "label": [[0, 1, "P01"]], "note_id": "N1", "passage": 1, "start": 0, "end": 1}\n',
     "exchange.span_labels", "line 1"),
    ("a.jsonl", '{"text": "x", "answer": "maybe", "accept": [], "note_id": "N1", "passage": 1, "start": 0, '
     '"end": 1}\n', "exchange.field_answer", "line 1"),
    ("a.json", json.dumps([_ls_task(["Menarik", "P01"]), _ls_task(["Lucu"])]), "exchange.unknown_labels", "task 5"),
    ("a.json", json.dumps([{"id": 9, "data": {"text": "x"}, "annotations": []}]), "exchange.field_missing",
     "task 9"),
    ("a.json", '[{"data": 1}]', "exchange.not_object", "task 1"),
    ("a.csv", "id,text\n1,halo\n", "exchange.not_recognised", None),
    ("a.json", "   \n", "exchange.empty", None),
    ("a.json", b"\xff\xfe{\x00", "exchange.not_utf8", None),
    ("a.qdpx", b"PK\x03\x04 not really a zip", "exchange.not_recognised", None),
])
def test_malformed_files_are_refused_with_a_clear_message(tmp_path, name, content, key, where):
    path = write(tmp_path, name, content)
    with pytest.raises(ExchangeError) as err:
        import_file(path)
    assert err.value.key == key, str(err.value)
    assert str(path) in str(err.value)
    if where:
        assert where in str(err.value) and where in err.value.render("id")
    if key == "exchange.unknown_labels":
        assert "Menarik" in str(err.value) and "Lucu" in str(err.value) and "P01," not in str(err.value)


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(ExchangeError, match="file not found"):
        import_file(tmp_path / "nope.json")


def _qdpx(tmp_path, qde: str, members: dict | None = None) -> Path:
    path = tmp_path / "x.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        if qde is not None:
            archive.writestr("project.qde", qde)
        for name, content in (members or {}).items():
            archive.writestr(name, content)
    return path


SOURCE = "11111111-2222-3333-4444-555555555555"
CODE = "22222222-2222-3333-4444-555555555555"


def _project(selection: str, code_name: str = "P01 — Fokus", text_member: bool = True):
    qde = (f'<Project xmlns="{NS}" name="p"><CodeBook><Codes><Code guid="{CODE}" name="{code_name}" '
           f'isCodable="true"/></Codes></CodeBook><Sources><TextSource guid="{SOURCE}" name="N1" '
           f'plainTextPath="internal://{SOURCE}.txt">{selection}</TextSource></Sources></Project>')
    return qde, ({f"sources/{SOURCE}.txt": "Halo café"} if text_member else {})


def _sel(start, end, target=CODE):
    return (f'<PlainTextSelection guid="33333333-2222-3333-4444-555555555555" startPosition="{start}" '
            f'endPosition="{end}"><Coding guid="44444444-2222-3333-4444-555555555555"><CodeRef targetGUID="{target}"/>'
            f'</Coding></PlainTextSelection>')


@pytest.mark.parametrize("qde, members, key", [
    (*_project(_sel(0, 4)), None),  # valid: one record
    (*_project(_sel(5, 12)), "exchange.selection_range"),
    (*_project(_sel(0, 4, target="99999999-2222-3333-4444-555555555555")), "exchange.code_ref"),
    (*_project(_sel(0, 4), code_name="Menarik"), "exchange.unknown_labels"),
    (*_project(_sel(0, 4), text_member=False), "exchange.source_missing"),
    (*_project(_sel("a", 4)), "exchange.refi_attribute"),
    (*_project(_sel("²", 4)), "exchange.refi_attribute"),
    ("<Project", {}, "exchange.bad_xml"),
    ('<Project xmlns="urn:other"/>', {}, "exchange.not_refi"),
    (None, {"readme.txt": "x"}, "exchange.zip_unknown"),
])
def test_malformed_refi_qda_projects(tmp_path, qde, members, key):
    path = _qdpx(tmp_path, qde, members)
    if key is None:
        (rec,) = import_file(path).records
        assert (rec["note_id"], rec["start"], rec["end"], rec["labels"]) == ("N1", 0, 4, ["P01"])
        assert rec["text_sha256"] == sha("Halo") and rec["passage"] is None
        return
    with pytest.raises(ExchangeError) as err:
        import_file(path)
    assert err.value.key == key, str(err.value)
    assert str(path) in str(err.value)


def test_schema_validation_names_the_problem_without_quoting_note_text(codebook, notes, passages, schema, tmp_path):
    qdpx = export("refi-qda", codebook, notes, passages)["project.qdpx"]

    def break_it(root):
        selection = next(root.iter(f"{Q}PlainTextSelection"))
        del selection.attrib["startPosition"]
        ET.SubElement(root.find(f"{Q}Sources/{Q}TextSource"), f"{Q}PlainTextContent").text = "RAHASIA klien"

    path = tmp_path / "broken.qdpx"
    _edit_qdpx(qdpx, path, break_it)
    with pytest.raises(ExchangeError) as err:
        import_file(path, schema=schema)
    assert err.value.key == "exchange.schema_invalid"
    assert "RAHASIA" not in str(err.value) and "RAHASIA" not in err.value.render("id")
    with pytest.raises(ExchangeError, match="schema file not found"):
        validate_project(b"<x/>", tmp_path / "missing.xsd")


# --- messages --------------------------------------------------------------------------------------------------------

def test_every_message_used_exists_in_both_languages():
    catalog = {k: v for k, v in _catalog().items() if k.startswith("exchange.")}
    assert all(set(entry) == {"id", "en"} and entry["id"] and entry["en"] for entry in catalog.values())
    source = "".join(p.read_text(encoding="utf-8") for p in Path(exchange_package.__file__).parent.glob("*.py"))
    used = set(re.findall(r'["\'](exchange\.[a-z0-9_.]*[a-z0-9_])["\']', source))
    used |= {f"exchange.skip.{reason}" for reason in SKIP_REASONS}
    used |= {f"exchange.group.{g}" for g in ("principle", "outcome", "breach")}
    used |= {f"exchange.variable.{v}" for v in ("worker", "date")}
    assert used - set(catalog) == set()
    assert set(catalog) - used == set(), "messages nobody uses"
