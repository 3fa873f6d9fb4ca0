"""Reading note collections: tables, folders, encodings, column mapping and skip reasons."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analyzer.errors import InputError
from analyzer.io.notes import parse_columns, parse_date, read_notes, split_front_matter

ROWS = [
    {"note_id": "n1", "worker": "Rina", "client": "KPM-A", "date": "2026-08-03", "text": "Saya datang ke rumah KPM-A."},
    {"note_id": "n2", "worker": "Budi", "client": "KPM-B", "date": "04/08/2026", "text": "Ibu B bercerita."},
    {"note_id": "n3", "worker": "", "client": "KPM-C", "date": "2026-08-05", "text": "Tanpa petugas."},
    {"note_id": "n4", "worker": "Rina", "client": "KPM-D", "date": "2026-08-06", "text": "   "},
    {"note_id": "n1", "worker": "Rina", "client": "KPM-A", "date": "2026-08-03", "text": "Saya datang ke rumah KPM-A."},
    {"note_id": "n2", "worker": "Budi", "client": "KPM-B", "date": "2026-08-04", "text": "Teks lain untuk id yang sama."},
    {"note_id": "n5", "worker": "Budi", "client": "", "date": "kemarin", "text": "Tanggal rusak."},
    {"note_id": "n6", "worker": "Budi", "client": "", "date": "", "text": "Tanpa tanggal tetapi dianalisis."},
]
EXPECTED_SKIPS = [("n3", "skip.missing_worker"), ("n4", "skip.empty_text"), ("n5", "skip.bad_date"),
                  ("n1", "skip.duplicate"), ("n2", "skip.duplicate_conflict")]


def _check(batch):
    assert [n.note_id for n in batch.notes] == ["n1", "n2", "n6"]
    assert sorted((s.note_id, s.reason) for s in batch.skipped) == sorted(EXPECTED_SKIPS)
    assert len(batch.notes) + len(batch.skipped) == len(ROWS)  # nothing dropped silently
    assert batch.notes[1].date == dt.date(2026, 8, 4) and batch.notes[2].date is None


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "jsonl", "parquet"])
def test_tables_in_every_format(tmp_path, suffix):
    frame = pd.DataFrame(ROWS)
    path = tmp_path / f"notes.{suffix}"
    if suffix == "csv":
        frame.to_csv(path, index=False)
    elif suffix == "xlsx":
        frame.to_excel(path, index=False)
    elif suffix == "jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        frame.to_parquet(path)
    _check(read_notes([path]))


@pytest.mark.parametrize("encoding, bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""), ("cp1252", b"")])
def test_csv_encodings(tmp_path, encoding, bom):
    frame = pd.DataFrame([{"note_id": "x", "worker": "Dédé", "client": "K", "date": "2026-08-01",
                           "text": "Ibu berkata “terima kasih”."}])
    path = tmp_path / "n.csv"
    path.write_bytes(bom + frame.to_csv(index=False).encode(encoding))
    (note,) = read_notes([path]).notes
    assert note.worker == "Dédé" and note.text == "Ibu berkata “terima kasih”."


def test_column_mapping(tmp_path):
    frame = pd.DataFrame([{"ID": "a", "Petugas": "Rina", "Klien": "K1", "Tanggal": "2026-09-01", "Catatan": "Teks."}])
    path = tmp_path / "n.csv"
    frame.to_csv(path, index=False)
    cols = parse_columns("note_id=ID,worker=Petugas,client=Klien,date=Tanggal,text=Catatan")
    (note,) = read_notes([path], cols).notes
    assert (note.note_id, note.worker, note.client, note.date) == ("a", "Rina", "K1", dt.date(2026, 9, 1))


def test_missing_columns_and_bad_mapping(tmp_path):
    path = tmp_path / "n.csv"
    pd.DataFrame([{"Petugas": "Rina", "Catatan": "x"}]).to_csv(path, index=False)
    with pytest.raises(InputError) as exc:
        read_notes([path])
    assert exc.value.render("en") == (
        f"the table {path} has no column text, worker (columns found: Petugas, Catatan). Map column names with "
        "--columns, e.g. --columns worker=Petugas,text=Catatan."
    )
    with pytest.raises(InputError) as exc:
        parse_columns("pekerja=Petugas")
    assert exc.value.key == "notes.bad_columns"


def test_folder_with_front_matter_sidecar_docx_and_unreadable(tmp_path):
    import docx

    (tmp_path / "a.md").write_text("---\nnote_id: A1\nworker: Rina\nclient: K1\ndate: 2026-08-02\n---\nIsi catatan A.",
                                   encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("Isi catatan B — “kutipan”.".encode("cp1252"))
    (tmp_path / "metadata.csv").write_text("file,note_id,worker,client,date\nb.txt,B1,Budi,K2,2026-08-09\n"
                                           "c.docx,C1,Sari,K3,2026-08-10\n", encoding="utf-8")
    document = docx.Document()
    document.add_paragraph("Isi catatan C.")
    document.save(str(tmp_path / "c.docx"))
    (tmp_path / "d.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (tmp_path / "e.md").write_text("---\nworker: Rina\n---\n", encoding="utf-8")
    (tmp_path / "f.md").write_text("Tanpa front matter dan tanpa sidecar.", encoding="utf-8")
    batch = read_notes([tmp_path])
    got = {n.note_id: (n.worker, n.client, n.date.isoformat() if n.date else None, n.text) for n in batch.notes}
    assert got == {
        "A1": ("Rina", "K1", "2026-08-02", "Isi catatan A."),
        "B1": ("Budi", "K2", "2026-08-09", "Isi catatan B — “kutipan”."),
        "C1": ("Sari", "K3", "2026-08-10", "Isi catatan C."),
    }
    skipped = {(s.source, s.reason) for s in batch.skipped}
    assert skipped == {("d.txt", "skip.unreadable"), ("e.md", "skip.empty_text"), ("f.md", "skip.missing_worker")}


def test_front_matter_and_dates():
    meta, body = split_front_matter("---\nworker: Rina\ndate: 2026-08-02\n---\nBody")
    assert meta == {"worker": "Rina", "date": "2026-08-02"} and body == "Body"  # values stay text
    assert parse_date(meta["date"]) == dt.date(2026, 8, 2)
    assert split_front_matter("---\ndate: 2026-02-31\n---\nBody")[0] == {"date": "2026-02-31"}  # no crash
    assert parse_date("2026-02-31") is None
    assert split_front_matter("No front matter") == ({}, "No front matter")
    assert parse_date("03/08/2026") == dt.date(2026, 8, 3)
    assert parse_date("2026-08-03T10:00:00") == dt.date(2026, 8, 3)
    assert parse_date("Senin") is None and parse_date("") is None


def test_unsupported_and_missing_inputs(tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputError) as exc:
        read_notes([tmp_path / "x.pdf"])
    assert exc.value.key == "notes.unsupported"
    with pytest.raises(InputError) as exc:
        read_notes([tmp_path / "nope.csv"])
    assert exc.value.key == "input.not_found"


def test_jsonl_rows_keep_their_types_and_a_line_that_is_not_an_object_is_named(tmp_path):
    """JSONL rows are read as they are (no DataFrame round trip): a numeric id with a missing value elsewhere
    stays "7", not "7.0"; a line holding a list is an error naming the line."""
    path = tmp_path / "n.jsonl"
    path.write_text('{"note_id": 7, "worker": "Rina", "text": "Satu.", "setting": "PKH"}\n'
                    '{"worker": "Budi", "text": "Dua."}\n', encoding="utf-8")
    first, second = read_notes([path]).notes
    assert (first.note_id, first.setting, second.note_id, second.setting) == ("7", "PKH", "n-2", "")
    path.write_text('{"worker": "Rina", "text": "Satu."}\n["Budi", "Dua."]\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_notes([path])
    assert exc.value.render("en") == f"{path} line 2: invalid JSON (not a JSON object)."
