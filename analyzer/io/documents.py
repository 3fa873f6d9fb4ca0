"""Reading one note document (.txt, .md, .docx or stdin) into text, with encoding detection.

UTF-8 (with or without BOM), UTF-16/32 (BOM or NUL pattern) and Windows-1252 are recognised; other single-byte
encodings through charset-normalizer. Binary files are refused with a clear error.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Iterable, Iterator

from analyzer.errors import InputError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
DOCX_SUFFIX = ".docx"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL_LIMIT = 0.02
_LONE_CR = re.compile(r"\r(?!\n)")


_BOM_CODECS = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16",
               "utf-32-le": "utf-32", "utf-32-be": "utf-32"}


def sniff_encoding(data: bytes, name: str = "<input>", complete: bool = True, binary: str = "input.binary") -> str:
    """The codec of a text document from its bytes (all of them, or the head of a file when ``complete`` is
    false): a BOM, the UTF-16 NUL pattern, UTF-8 when it decodes, else Windows-1252, else charset-normalizer's
    guess. Binary data (error ``binary``: ``input.binary`` for a note, ``file.binary`` for any other file) and
    undetectable encodings raise ``InputError``."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _BOM_CODECS[encoding]  # these codecs strip the BOM themselves
    if b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise InputError(binary, path=name)
        return encoding
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if not complete and exc.start >= len(data) - 4:  # a multi-byte character cut by the sample boundary
            return "utf-8"
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError("input.undecodable", path=name)
    return best.encoding


def decode_bytes(data: bytes, name: str = "<input>", binary: str = "input.binary") -> str:
    r"""Decode the bytes of a text document, detecting its encoding; raise ``InputError`` for binary data. A
    carriage return alone (old Mac line ends) becomes a newline, which keeps every character offset.

    >>> decode_bytes(b"Nama: Ibu R\rIsi catatan.")
    'Nama: Ibu R\nIsi catatan.'
    """
    text = data.decode(sniff_encoding(data, name, binary=binary), errors="replace")
    return _LONE_CR.sub("\n", _checked(text, name, binary))


def read_text(path: str | Path, binary: str = "file.binary") -> str:
    """The one reading policy for every text file the tool reads (notes, corpus and gold files, codebook,
    sidecar tables, passages): the encoding detected as for notes, clear errors for missing, unreadable,
    binary (``binary``: the message key; notes give advice for notes) or undecodable files, and for pipes and
    devices, which are never read (they could block or never end)."""
    path = Path(path)
    if path.exists() and not path.is_dir() and not path.is_file():
        raise InputError("input.not_regular", path=str(path))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("input.not_found", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("input.is_directory", path=str(path)) from None
    except OSError as exc:
        raise InputError("input.read_failed", path=str(path), detail=exc.strerror or type(exc).__name__) from None
    return decode_bytes(data, str(path), binary)


def detect_encoding(path: str | Path, sample: int = 1 << 16) -> str:
    """The encoding of a (possibly large) text file from its first bytes, for streaming reads."""
    with open(path, "rb") as fh:
        head = fh.read(sample)
    return sniff_encoding(head, str(path), complete=len(head) < sample, binary="file.binary")


def _utf16_without_bom(data: bytes) -> str | None:
    even, odd = data[0::2], data[1::2]
    if len(data) >= 4 and odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if len(data) >= 4 and even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _checked(text: str, name: str, binary: str = "input.binary") -> str:
    if text:
        controls = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
        if controls / len(text) > _CONTROL_LIMIT:
            raise InputError(binary, path=name)
    return text


def read_docx(path: Path) -> str:
    """Paragraph text of a Word document, paragraphs separated by blank lines."""
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - python-docx is a dependency
        raise InputError("input.docx_unreadable", path=str(path), detail=str(exc)) from None
    try:
        document = docx.Document(str(path))
    except OSError as exc:
        raise InputError("input.read_failed", path=str(path), detail=exc.strerror or type(exc).__name__) from None
    except Exception:  # python-docx raises several unrelated types for a file that is not a whole .docx
        raise InputError("input.docx_invalid", path=str(path)) from None
    return "\n\n".join(p.text for p in document.paragraphs if p.text.strip())


def read_note_file(path: str | Path) -> str:
    """Text of one note file (.txt/.md/.docx); ``-`` reads standard input."""
    if str(path) == "-":
        import sys

        data = sys.stdin.buffer.read()
        text = decode_bytes(data, "<stdin>")
        if not text.strip():
            raise InputError("input.empty", path="<stdin>")
        return text
    path = Path(path)
    if not path.exists():
        raise InputError("input.not_found", path=str(path))
    if path.is_dir():
        raise InputError("input.is_directory", path=str(path))
    if not path.is_file():  # a pipe or a device would hang or never end
        raise InputError("input.not_regular", path=str(path))
    suffix = path.suffix.lower()
    if suffix == DOCX_SUFFIX:
        text = read_docx(path)
    elif suffix in TEXT_SUFFIXES:
        text = read_text(path, binary="input.binary")
    else:
        raise InputError("input.unsupported_type", path=str(path), suffix=suffix)
    if not text.strip():
        raise InputError("input.empty", path=str(path))
    return text


def csv_separator(sample: str) -> str:
    r"""The field separator of a CSV text from its head: comma, semicolon (Excel in an Indonesian locale), tab or
    bar; the header line decides when the sniffer is unsure.

    >>> csv_separator("id;text\n1;Saya dengar, lalu mencatat\n"), csv_separator("id,text\n1,Ya; tidak\n")
    (';', ',')
    """
    import csv

    first = sample.split("\n", 1)[0]
    try:
        separator = csv.Sniffer().sniff(sample[: 1 << 14], delimiters=",;\t|").delimiter
    except csv.Error:
        separator = ","
    if separator not in first:
        separator = max(",;\t|", key=first.count)
    return separator


def csv_records(lines: Iterable[str], path: str,
                separator: str = ",") -> tuple[list[str] | None, Iterator[tuple[int, dict]]]:
    r"""The one CSV reader (note tables, sidecar tables, ``predict``): the header (None for an empty file) and
    the rows as ``(line, {column: value})``, a short row's missing values None. Strict: a quote left open, or a
    row with more values than the header has columns (empty trailing values aside), is an error naming the
    line where the row starts; it would otherwise swallow or shift the rows after it. Fields may be of any size.

    >>> header, rows = csv_records(["id,text\n", '1,"Saya\n', 'dengar"\n', "2\n"], "p.csv")
    >>> header, list(rows)
    (['id', 'text'], [(2, {'id': '1', 'text': 'Saya\ndengar'}), (4, {'id': '2', 'text': None})])
    >>> list(csv_records(["id,text\n", '1,"Saya\n'], "p.csv")[1])
    Traceback (most recent call last):
    analyzer.errors.InputError: the CSV p.csv is broken from line 2 (unexpected end of data). Check the quotes and the number of values on that line.
    """
    import csv
    import sys

    csv.field_size_limit(1 << 30)
    if sys.version_info < (3, 11):  # pragma: no cover - older csv modules refuse NUL; the row rule skips it later
        lines = (line.replace("\x00", "\ue000") for line in lines)
    reader = csv.reader(lines, delimiter=separator, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InputError("table.bad_csv", path=path, line=reader.line_num, detail=str(exc)) from None

    def rows() -> Iterator[tuple[int, dict]]:
        previous = reader.line_num  # the row being read starts on the line after this one
        width = len(header or ())
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError("table.bad_csv", path=path, line=previous + 1, detail=str(exc)) from None
            line, previous = previous + 1, reader.line_num
            if not values:  # a blank line
                continue
            if len(values) > width and any(v.strip() for v in values[width:]):
                raise InputError("table.bad_csv", path=path, line=line, detail="more values than columns")
            if sys.version_info < (3, 11):  # pragma: no cover
                values = [v.replace("\ue000", "\x00") for v in values]
            row = dict(zip(header, values))
            for column in header[len(values):]:
                row[column] = None
            yield line, row

    return header, rows()
