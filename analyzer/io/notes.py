"""Reading collections of session notes for analysis and reports.

Tables: CSV, XLSX, JSONL and Parquet with the columns ``note_id``, ``worker``, ``client``, ``date``, ``text``
(other names mapped with ``columns={"worker": "Petugas", ...}``). Folders: ``.txt``, ``.md`` and ``.docx``
files with a small front matter block (``---`` / ``worker: …`` / ``---``) or a sidecar table
(``metadata.csv`` with a ``file`` column). Every note is either returned for analysis or listed as skipped
with its reason; nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping

from analyzer.io.dates import read_date
from analyzer.errors import AnalyzerError, InputError
from analyzer.io.identifiers import clean_identifier

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

NOTE_FIELDS = ("note_id", "worker", "client", "date", "text")
TABLE_SUFFIXES = {".csv", ".xlsx", ".jsonl", ".ndjson", ".parquet"}
NOTE_SUFFIXES = {".txt", ".md", ".markdown", ".docx"}
SIDECAR_NAMES = ("metadata.csv", "sidecar.csv", "_notes.csv")
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


@dataclass(frozen=True)
class Note:
    """One session note ready for analysis."""

    note_id: str
    worker: str
    client: str
    date: dt.date | None
    text: str
    source: str = ""
    setting: str = ""


@dataclass(frozen=True)
class Skipped:
    """An input note that was not analysed, and why (``reason`` is a message key, ``detail`` its data)."""

    note_id: str
    source: str
    reason: str
    detail: str = ""


@dataclass
class NoteBatch:
    notes: list[Note] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def parse_columns(spec: str | None) -> dict[str, str]:
    """``"worker=Petugas,text=Catatan"`` → ``{"worker": "Petugas", "text": "Catatan"}``."""
    if not spec:
        return {}
    mapping = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or key not in NOTE_FIELDS or not value:
            raise InputError("notes.bad_columns", spec=spec, fields=", ".join(NOTE_FIELDS))
        mapping[key] = value
    return mapping


def parse_date(value: object) -> dt.date | None:
    """A date from ISO text (2026-08-03), day-first text (03/08/2026, 3-8-26), Indonesian month and day names
    (Senin, 14 September 2026), or a date/datetime; ``None`` when unrecognised or ambiguous
    (``analyzer.io.dates``)."""
    from analyzer.io.dates import read_date

    return read_date(value).date


def _clean(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "" if text.strip().lower() in ("nan", "none", "nat") else text


def _row_to_note(row: Mapping[str, object], source: str, fallback_id: str, batch: NoteBatch) -> Note | None:
    wrong = [f for f in ("text", "worker", "client", "note_id", "setting")
             if isinstance(row.get(f), (bytes, bytearray, list, tuple, dict, set))
             or (f == "text" and row.get(f) is not None and not isinstance(row.get(f), str) and _clean(row.get(f)).strip())]
    note_id = fallback_id if "note_id" in wrong else (clean_identifier(_clean(row.get("note_id"))) or fallback_id)
    if wrong:
        batch.skipped.append(Skipped(note_id, source, "skip.text_not_text",
                                     ", ".join(f"{f}: {type(row.get(f)).__name__}" for f in wrong)))
        return None
    raw_text = row.get("text")
    text = _clean(raw_text)
    worker = clean_identifier(_clean(row.get("worker")))
    if not text.strip():
        batch.skipped.append(Skipped(note_id, source, "skip.empty_text"))
        return None
    if "\x00" in text:
        batch.skipped.append(Skipped(note_id, source, "skip.control_characters"))
        return None
    if not worker:
        batch.skipped.append(Skipped(note_id, source, "skip.missing_worker"))
        return None
    raw_date = row.get("date")
    reading = read_date(raw_date)
    date = reading.date
    if date is None and _clean(raw_date).strip():
        reason = "skip.ambiguous_date" if reading.problem == "ambiguous" else "skip.bad_date"
        batch.skipped.append(Skipped(note_id, source, reason, _clean(raw_date).strip()))
        return None
    return Note(note_id, worker, clean_identifier(_clean(row.get("client"))), date, text, source,
                clean_identifier(_clean(row.get("setting"))))


# tables -------------------------------------------------------------------------------------------------------

CHUNK_ROWS = 2000


def _table_chunks(path: Path) -> Iterator[tuple[str, list[str], list[dict]]]:
    """The rows of a table in chunks of ``CHUNK_ROWS`` (memory does not grow with the file): the part of the
    table they come from ("" or a worksheet's name), the column names and the rows as dicts. pandas is
    imported only for CSV and Parquet. Every worksheet of a workbook is read."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from analyzer.io.documents import csv_records

        encoding, separator = _csv_dialect(path)
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            header, records = csv_records(fh, str(path), separator)
            if header is None:  # an empty file: no notes (the caller says so)
                return
            rows = []
            for _, row in records:
                rows.append(row)
                if len(rows) >= CHUNK_ROWS:
                    yield "", header, rows
                    rows = []
            yield "", header, rows
    elif suffix in (".jsonl", ".ndjson"):
        from analyzer.io.documents import detect_encoding
        from analyzer.io.jsonl import json_lines

        bad = lambda n, exc: InputError("notes.bad_jsonl", path=str(path), line=n, detail=exc.msg)  # noqa: E731
        with open(path, encoding=detect_encoding(path)) as fh:
            rows: list = []
            for number, row in json_lines(fh, bad):
                if not isinstance(row, dict):
                    raise InputError("notes.bad_jsonl", path=str(path), line=number, detail="not a JSON object")
                rows.append(row)
                if len(rows) >= CHUNK_ROWS:
                    yield "", _keys(rows), rows
                    rows = []
            if rows:
                yield "", _keys(rows), rows
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except OSError:
            raise
        except Exception:  # openpyxl raises several types for a file that is not a whole workbook
            raise InputError("notes.xlsx_invalid", path=str(path)) from None
        try:
            for sheet in wb.worksheets:
                rows_iter = sheet.iter_rows(values_only=True)
                header = [str(h) if h is not None else "" for h in next(rows_iter, ())]
                rows = []
                for values in rows_iter:
                    if any(v is not None and str(v).strip() for v in values):
                        rows.append(dict(zip(header, values)))
                    if len(rows) >= CHUNK_ROWS:
                        yield sheet.title, header, rows
                        rows = []
                yield sheet.title, header, rows
        finally:
            wb.close()
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=CHUNK_ROWS):
            yield "", list(batch.schema.names), batch.to_pandas().to_dict(orient="records")
    else:
        raise InputError("notes.unsupported", path=str(path))


def _csv_dialect(path: Path) -> tuple[str, str]:
    """Encoding and field separator of a CSV table from its head: comma, semicolon (Excel in an Indonesian
    locale), tab or bar. A NUL byte does not make a table binary: the row holding it is skipped."""
    from analyzer.io.documents import csv_separator, sniff_encoding

    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    encoding = sniff_encoding(head.replace(b"\x00", b""), str(path), complete=len(head) < (1 << 16),
                              binary="file.binary")
    return encoding, csv_separator(head.replace(b"\x00", b"").decode(encoding, errors="replace"))


def _keys(rows: list[dict]) -> list[str]:
    """The column names of JSON rows: every key of any row, in order of first appearance."""
    return list(dict.fromkeys(k for row in rows for k in row))


def iter_table(path: Path, columns: Mapping[str, str], batch: NoteBatch) -> Iterator[Note]:
    """Stream the notes of one table. A missing ``text`` or ``worker`` column, or a column named by
    ``--columns`` that the table lacks, is an error; a worksheet without them is listed as skipped (an error
    when no worksheet has them)."""
    offsets: dict[str, int] = {}
    sheets: list[str] = []
    used = False
    try:
        for part, names, rows in _table_chunks(path):
            if part and part not in offsets:
                sheets.append(part)
            missing = [columns.get(f, f) for f in ("text", "worker") if columns.get(f, f) not in names]
            if part and missing:
                if part not in offsets:
                    batch.skipped.append(Skipped(f"{path.stem}:{part}", f"{path.name}:{part}",
                                                 "skip.sheet_without_columns", ", ".join(missing)))
                offsets[part] = 0
                continue
            if missing:
                raise InputError("notes.missing_columns", path=str(path), columns=", ".join(missing),
                                 found=", ".join(map(str, names)) or "-")
            for name, column in columns.items():
                if column not in names:
                    raise InputError("notes.unknown_column", field=name, column=column, path=str(path),
                                     found=", ".join(map(str, names)) or "-")
            used = True
            source = f"{path.name}:{part}" if part else path.name
            stem = f"{path.stem}-{part}" if part and len(sheets) > 1 else path.stem
            yield from _record_notes(rows, columns, source, stem, batch, offsets.get(part, 0))
            offsets[part] = offsets.get(part, 0) + len(rows)
    except AnalyzerError:
        raise
    except Exception as exc:  # pandas/openpyxl/pyarrow raise many types for unreadable files
        raise InputError("notes.unreadable_table", path=str(path), detail=f"{type(exc).__name__}: {exc}"[:200]) from None
    if sheets and not used:
        raise InputError("notes.no_sheet", path=str(path), columns=", ".join(columns.get(f, f) for f in ("text", "worker")),
                         sheets=", ".join(sheets))


def _record_notes(rows: Iterable[Mapping], columns: Mapping[str, str], source: str, stem: str, batch: NoteBatch,
                  offset: int = 0) -> Iterator[Note]:
    """Notes of table rows (``columns`` maps a note field to the column holding it; row numbers name the
    source); skips go to ``batch``."""
    sources = {f: columns.get(f, f) for f in (*NOTE_FIELDS, "setting")}
    for number, row in enumerate(rows, start=offset + 1):
        fields = {f: row.get(column) for f, column in sources.items()}
        note = _row_to_note(fields, f"{source}:{number}", f"{stem}-{number}", batch)
        if note is not None:
            yield note


# folders ------------------------------------------------------------------------------------------------------

class BadFrontMatter(ValueError):
    """A front matter block that is not valid YAML or is never closed (the note is listed as skipped)."""


_OPENING = re.compile(r"\A\ufeff?---[ \t]*\r?\n[ \t]*[A-Za-z_][\w -]*:")


def _text_loader():
    """A safe YAML loader that keeps every plain value as text: ``2026-02-31`` is a bad date to report, not a
    crash, and ``07`` stays ``07``. Tags of Python objects are refused (safe loading)."""
    import yaml

    class TextLoader(yaml.SafeLoader):
        pass

    TextLoader.yaml_implicit_resolvers = {}
    return TextLoader


def split_front_matter(text: str, strict: bool = False) -> tuple[dict, str]:
    """(front matter fields, body) of a note file; no front matter gives ({}, text). A block that is not valid
    YAML, or a ``key: value`` block that is never closed, raises ``BadFrontMatter`` when ``strict`` and is read
    as no front matter otherwise. Values are text (or lists and mappings, which the note rules refuse)."""
    import yaml

    match = _FRONT_MATTER.match(text)
    if not match:
        if strict and _OPENING.match(text):
            raise BadFrontMatter("not closed")
        return {}, text
    try:
        meta = yaml.load(match.group(1), Loader=_text_loader()) or {}
    except yaml.YAMLError as exc:
        if strict:
            raise BadFrontMatter(str(exc).splitlines()[0]) from None
        return {}, text
    if not isinstance(meta, dict):
        return {}, text
    return {str(k).strip().lower(): v for k, v in meta.items()}, text[match.end():]


def _sidecar(folder: Path) -> tuple[str | None, dict[str, dict]]:
    """The folder's sidecar table (its name, and its rows by the ``file`` they describe), if it has one. It is
    read like every CSV (``io/documents``: encoding, separator, strict quotes); a file listed twice is an error
    (which row would be right?)."""
    for name in SIDECAR_NAMES:
        path = folder / name
        if path.is_file():
            from analyzer.io.documents import csv_records, csv_separator, read_text

            text = read_text(path)
            if not text.strip():
                raise InputError("notes.sidecar_unreadable", path=str(path), detail=f"{len(text.encode())} B")
            header, records = csv_records(io.StringIO(text, newline=""), str(path), csv_separator(text))
            if "file" not in (header or []):
                raise InputError("notes.sidecar_no_file", path=str(path))
            rows: dict[str, dict] = {}
            line_of: dict[str, int] = {}
            for line, row in records:
                file = (row.get("file") or "").strip()
                if not file:
                    continue
                if file in rows:
                    raise InputError("notes.sidecar_duplicate", path=str(path), file=file, first=line_of[file],
                                     line=line)
                rows[file], line_of[file] = row, line
            return name, rows
    return None, {}


def _file_note(path: Path, rel: str, columns: Mapping[str, str], sidecar: Mapping[str, dict],
               batch: NoteBatch) -> Note | None:
    """One note file (front matter or sidecar row for its fields); unreadable files are skipped with a reason."""
    from analyzer.io.documents import read_note_file

    try:
        raw = read_note_file(path)
    except InputError as err:
        reason = "skip.empty_text" if err.key == "input.empty" else "skip.unreadable"
        batch.skipped.append(Skipped(path.stem, rel, reason, err.render("en") if reason == "skip.unreadable" else ""))
        return None
    try:
        meta, body = split_front_matter(raw, strict=True)
    except BadFrontMatter as exc:
        batch.skipped.append(Skipped(path.stem, rel, "skip.bad_front_matter", str(exc)))
        return None
    fields = {k: v for k, v in sidecar.get(rel, sidecar.get(path.name, {})).items() if k != "file"}
    fields.update(meta)
    row = {f: fields.get(columns.get(f, f)) for f in NOTE_FIELDS}
    row["setting"] = fields.get("setting")
    row["text"] = body
    return _row_to_note(row, rel, path.stem, batch)


def iter_folder(folder: Path, columns: Mapping[str, str], batch: NoteBatch) -> Iterator[Note]:
    """Stream every note file below ``folder`` (sorted by path). What a folder contains: note files
    (.txt/.md/.docx) are read; the sidecar table describes them; every other file is listed as skipped; a link
    is never followed: out of the folder it is ``skip.link_outside``, inside it is ``skip.link_inside`` (its
    target is read under its own name, so a note is never read twice); a sidecar row whose file is not in the
    folder is listed as skipped."""
    sidecar_name, sidecar = _sidecar(folder)
    root = folder.resolve()
    seen: set[str] = set()
    for path in _folder_files(folder):
        rel = path.relative_to(folder).as_posix()
        if rel == sidecar_name:
            continue
        seen.update((rel, path.name))  # whatever becomes of it, its sidecar row is accounted for
        if path.is_symlink() and root not in path.resolve().parents:
            batch.skipped.append(Skipped(path.stem, rel, "skip.link_outside"))
            continue
        if path.is_symlink() and path.is_file():  # the file it leads to is an entry of the folder too
            target = path.resolve().relative_to(root).as_posix()
            batch.skipped.append(Skipped(path.stem, rel, "skip.link_inside", target))
            continue
        if path.exists() and not path.is_file():
            batch.skipped.append(Skipped(path.stem, rel, "skip.not_regular"))
            continue
        if path.suffix.lower() not in NOTE_SUFFIXES:
            batch.skipped.append(Skipped(path.stem, rel, "skip.not_a_note", path.suffix or "-"))
            continue
        note = _file_note(path, rel, columns, sidecar, batch)
        if note is not None:
            yield note
    for name in sidecar:
        if name not in seen:
            batch.skipped.append(Skipped(Path(name).stem or name, f"{sidecar_name}: {name}",
                                         "skip.sidecar_missing_file"))


def _folder_files(folder: Path) -> list[Path]:
    """Every entry below ``folder`` that is not a directory (files, links, pipes), sorted; linked directories
    are not entered (a link out of the folder is listed, one inside it is reached by its real path)."""
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(dirpath)
        for name in dirnames:
            if (base / name).is_symlink() and folder.resolve() not in (base / name).resolve().parents:
                out.append(base / name)
        out.extend(base / name for name in filenames)
    return sorted(out)


def _is_results(path: Path) -> bool:
    from analyzer.io.results import results_metadata

    return results_metadata(path) is not None


def _is_parquet_dataset(folder: Path) -> bool:
    """A folder of Parquet parts (a partitioned table) rather than a folder of note files."""
    has_parts = any(folder.rglob("*.parquet"))
    return has_parts and not any(p.suffix.lower() in NOTE_SUFFIXES for p in folder.rglob("*") if p.is_file())


def iter_notes(paths: Iterable[str | Path], columns: Mapping[str, str] | None = None,
               batch: NoteBatch | None = None) -> Iterator[Note]:
    """Stream notes from tables, folders and single note files, applying the duplicate-id rules on the fly
    (see ``_deduplicated``). Skipped notes are appended to ``batch.skipped``."""
    columns = dict(columns or {})
    batch = batch if batch is not None else NoteBatch()
    paths = [Path(p) for p in paths]
    for path in paths:  # fail fast, before any work, on a path that cannot be read at all
        if not path.exists():
            raise InputError("input.not_found", path=str(path))
        if not path.is_dir() and path.suffix.lower() not in TABLE_SUFFIXES | NOTE_SUFFIXES:
            raise InputError("notes.unsupported", path=str(path))
        if (path.is_dir() or path.suffix.lower() == ".parquet") and _is_results(path):
            raise InputError("results.as_notes", path=str(path))
    yield from _deduplicated(_notes_of(paths, columns, batch), batch)


def _notes_of(paths: list[Path], columns: Mapping[str, str], batch: NoteBatch) -> Iterator[Note]:
    for path in paths:
        before = len(batch.skipped)
        found = 0
        for note in _notes_of_one(path, columns, batch):
            found += 1
            yield note
        if not found and len(batch.skipped) == before:  # neither a note nor a reason: say so
            raise InputError("notes.empty", path=str(path))


def _notes_of_one(path: Path, columns: Mapping[str, str], batch: NoteBatch) -> Iterator[Note]:
    if path.is_dir() and _is_parquet_dataset(path):
        for part in sorted(path.rglob("*.parquet")):
            yield from iter_table(part, columns, batch)
    elif path.is_dir():
        yield from iter_folder(path, columns, batch)
    elif path.suffix.lower() in TABLE_SUFFIXES:
        yield from iter_table(path, columns, batch)
    else:
        yield from iter_folder_file(path, columns, batch)


def _deduplicated(notes: Iterable[Note], batch: NoteBatch) -> Iterator[Note]:
    """The duplicate-id rules: the same id with the same text is kept once (later copies skipped as duplicates),
    the same id with different text skips every later copy. Only ids and text hashes are remembered."""
    import hashlib

    seen: dict[str, tuple[bytes, str]] = {}
    for note in notes:
        digest = hashlib.blake2b(note.text.strip().encode("utf-8"), digest_size=16).digest()
        first = seen.get(note.note_id)
        if first is None:
            seen[note.note_id] = (digest, note.source)
            yield note
        elif first[0] == digest:
            batch.skipped.append(Skipped(note.note_id, note.source, "skip.duplicate", first[1]))
        else:
            batch.skipped.append(Skipped(note.note_id, note.source, "skip.duplicate_conflict", first[1]))


def read_notes(paths: Iterable[str | Path], columns: Mapping[str, str] | None = None) -> NoteBatch:
    """All notes of ``paths`` in memory (see ``iter_notes`` for streaming)."""
    batch = NoteBatch()
    batch.notes = list(iter_notes(paths, columns, batch))
    return batch


def iter_folder_file(path: Path, columns: Mapping[str, str], batch: NoteBatch) -> Iterator[Note]:
    """A single note file given directly on the command line."""
    note = _file_note(path, path.name, columns, {}, batch)
    if note is not None:
        yield note


def notes_from_frame(frame, columns: Mapping[str, str] | None = None) -> NoteBatch:
    """Notes from a pandas DataFrame with the note columns (other names mapped by ``columns``)."""
    columns = dict(columns or {})
    missing = [columns.get(f, f) for f in ("text", "worker") if columns.get(f, f) not in frame.columns]
    if missing:
        raise InputError("notes.missing_columns", path="DataFrame", columns=", ".join(missing),
                         found=", ".join(map(str, frame.columns)) or "-")
    batch = NoteBatch()
    records = frame.to_dict(orient="records")
    batch.notes = list(_deduplicated(_record_notes(records, columns, "DataFrame", "row", batch), batch))
    return batch
