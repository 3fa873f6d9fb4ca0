from __future__ import annotations

import pytest

from analyzer.errors import InputError
from analyzer.io.documents import decode_bytes, read_note_file

TEXT = "Ibu R menyambut peksos — “terima kasih” kata beliau. Café."


@pytest.mark.parametrize(
    "encoding, bom",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
     ("utf-16-le", b""), ("cp1252", b"")],
)
def test_encodings_are_detected(tmp_path, encoding, bom):
    path = tmp_path / "note.txt"
    path.write_bytes(bom + TEXT.encode(encoding))
    assert read_note_file(path) == TEXT


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(InputError) as exc:
        read_note_file(path)
    assert exc.value.render("en") == f"file {path} looks binary, not text. Save the note as .txt or .md (UTF-8)."


def test_empty_and_missing(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_note_file(empty)
    assert exc.value.render("en") == f"file {empty} is empty; there is no note text to process."
    with pytest.raises(InputError) as exc:
        read_note_file(tmp_path / "missing.txt")
    assert exc.value.key == "input.not_found"


def test_unsupported_suffix(tmp_path):
    path = tmp_path / "note.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError) as exc:
        read_note_file(path)
    assert exc.value.render("en") == f"unsupported file type for {path} (.pdf). Use .txt, .md or .docx."


def test_docx_is_read(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Nama klien: Ibu R")
    document.add_paragraph("Saya mendengarkan cerita Ibu R sampai selesai.")
    path = tmp_path / "note.docx"
    document.save(str(path))
    assert read_note_file(path) == "Nama klien: Ibu R\n\nSaya mendengarkan cerita Ibu R sampai selesai."


def test_broken_docx(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"not a zip")
    with pytest.raises(InputError) as exc:
        read_note_file(path)
    assert exc.value.key == "input.docx_invalid"


def test_decode_bytes_windows_1252_quotes():
    assert decode_bytes("“kata” beliau".encode("cp1252")) == "“kata” beliau"
