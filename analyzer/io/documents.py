"""Reading one note document (.txt, .md, .docx or stdin) into text, with encoding detection.

UTF-8 (with or without BOM), UTF-16/32 (BOM or NUL pattern) and Windows-1252 are recognised; other single-byte
encodings through charset-normalizer. Binary files are refused with a clear error.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

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


def sniff_encoding(data: bytes, name: str = "<input>", complete: bool = True) -> str:
    """The codec of a text document from its bytes (all of them, or the head of a file when ``complete`` is
    false): a BOM, the UTF-16 NUL pattern, UTF-8 when it decodes, else Windows-1252, else charset-normalizer's
    guess. Binary data and undetectable encodings raise ``InputError``."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _BOM_CODECS[encoding]  # these codecs strip the BOM themselves
    if b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise InputError("input.binary", path=name)
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


def decode_bytes(data: bytes, name: str = "<input>") -> str:
    r"""Decode the bytes of a text document, detecting its encoding; raise ``InputError`` for binary data. A
    carriage return alone (old Mac line ends) becomes a newline, which keeps every character offset.

    >>> decode_bytes(b"Nama: Ibu R\rIsi catatan.")
    'Nama: Ibu R\nIsi catatan.'
    """
    return _LONE_CR.sub("\n", _checked(data.decode(sniff_encoding(data, name), errors="replace"), name))


def read_text(path: str | Path) -> str:
    """The one reading policy for every text file the tool reads (notes, corpus and gold files, codebook,
    sidecar tables, passages): the encoding detected as for notes, clear errors for missing, unreadable,
    binary or undecodable files."""
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
    return decode_bytes(data, str(path))


def detect_encoding(path: str | Path, sample: int = 1 << 16) -> str:
    """The encoding of a (possibly large) text file from its first bytes, for streaming reads."""
    with open(path, "rb") as fh:
        head = fh.read(sample)
    return sniff_encoding(head, str(path), complete=len(head) < sample)


def _utf16_without_bom(data: bytes) -> str | None:
    even, odd = data[0::2], data[1::2]
    if len(data) >= 4 and odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if len(data) >= 4 and even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _checked(text: str, name: str) -> str:
    if text:
        controls = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
        if controls / len(text) > _CONTROL_LIMIT:
            raise InputError("input.binary", path=name)
    return text


def read_docx(path: Path) -> str:
    """Paragraph text of a Word document, paragraphs separated by blank lines."""
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - python-docx is a dependency
        raise InputError("input.docx_unreadable", path=str(path), detail=str(exc)) from None
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types for broken files
        raise InputError("input.docx_unreadable", path=str(path), detail=type(exc).__name__) from None
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
        text = read_text(path)
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
