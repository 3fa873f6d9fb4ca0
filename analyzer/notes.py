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
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping

from analyzer.dates import read_date
from analyzer.errors import AnalyzerError, InputError

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
    (``analyzer.dates``)."""
    from analyzer.dates import read_date

    return read_date(value).date


def _clean(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "" if text.strip().lower() in ("nan", "none", "nat") else text


def _row_to_note(row: Mapping[str, object], source: str, fallback_id: str, batch: NoteBatch) -> Note | None:
    note_id = _clean(row.get("note_id")).strip() or fallback_id
    text = _clean(row.get("text"))
    worker = _clean(row.get("worker")).strip()
    if not text.strip():
        batch.skipped.append(Skipped(note_id, source, "skip.empty_text"))
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
    return Note(note_id, worker, _clean(row.get("client")).strip(), date, text, source,
                _clean(row.get("setting")).strip())


# tables -------------------------------------------------------------------------------------------------------

CHUNK_ROWS = 2000


def _table_chunks(path: Path) -> Iterator[tuple[list[str], list[dict]]]:
    """The rows of a table in chunks of ``CHUNK_ROWS`` (memory does not grow with the file): the column names
    and the rows as dicts. pandas is imported only for CSV and Parquet."""
    from analyzer.textfile import detect_encoding

    suffix = path.suffix.lower()
    if suffix == ".csv":
        import pandas as pd

        for frame in pd.read_csv(path, dtype=str, keep_default_na=False, encoding=detect_encoding(path),
                                 chunksize=CHUNK_ROWS):
            yield [str(c) for c in frame.columns], frame.to_dict(orient="records")
    elif suffix in (".jsonl", ".ndjson"):
        with open(path, encoding=detect_encoding(path)) as fh:
            rows: list = []
            for number, line in enumerate(fh, start=1):
                if line.strip():
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise InputError("notes.bad_jsonl", path=str(path), line=number, detail=exc.msg) from None
                    if not isinstance(row, dict):
                        raise InputError("notes.bad_jsonl", path=str(path), line=number,
                                         detail="not a JSON object") from None
                    rows.append(row)
                if len(rows) >= CHUNK_ROWS:
                    yield _keys(rows), rows
                    rows = []
            if rows:
                yield _keys(rows), rows
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            rows_iter = wb.active.iter_rows(values_only=True)
            header = [str(h) if h is not None else "" for h in next(rows_iter, ())]
            rows = []
            for values in rows_iter:
                rows.append(dict(zip(header, values)))
                if len(rows) >= CHUNK_ROWS:
                    yield header, rows
                    rows = []
            if rows or not header:
                yield header, rows
        finally:
            wb.close()
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=CHUNK_ROWS):
            yield list(batch.schema.names), batch.to_pandas().to_dict(orient="records")
    else:
        raise InputError("notes.unsupported", path=str(path))


def _keys(rows: list[dict]) -> list[str]:
    """The column names of JSON rows: every key of any row, in order of first appearance."""
    return list(dict.fromkeys(k for row in rows for k in row))


def iter_table(path: Path, columns: Mapping[str, str], batch: NoteBatch) -> Iterator[Note]:
    """Stream the notes of one table; a missing ``text`` or ``worker`` column is an error."""
    offset = 0
    try:
        for names, rows in _table_chunks(path):
            missing = [columns.get(f, f) for f in ("text", "worker") if columns.get(f, f) not in names]
            if missing:
                raise InputError("notes.missing_columns", path=str(path), columns=", ".join(missing),
                                 found=", ".join(map(str, names)) or "-")
            yield from _record_notes(rows, columns, path.name, path.stem, batch, offset)
            offset += len(rows)
    except AnalyzerError:
        raise
    except Exception as exc:  # pandas/openpyxl/pyarrow raise many types for unreadable files
        raise InputError("notes.unreadable_table", path=str(path), detail=f"{type(exc).__name__}: {exc}"[:200]) from None


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

def split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter fields, body) of a note file; no front matter gives ({}, text)."""
    import yaml

    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        return {}, text
    if not isinstance(meta, dict):
        return {}, text
    return {str(k).strip().lower(): v for k, v in meta.items()}, text[match.end():]


def _sidecar(folder: Path) -> dict[str, dict]:
    for name in SIDECAR_NAMES:
        path = folder / name
        if path.is_file():
            import pandas as pd

            from analyzer.textfile import decode_bytes

            frame = pd.read_csv(io.StringIO(decode_bytes(path.read_bytes(), str(path))), dtype=str,
                                keep_default_na=False)
            if "file" not in frame.columns:
                raise InputError("notes.sidecar_no_file", path=str(path))
            return {str(r["file"]): r for r in frame.to_dict(orient="records")}
    return {}


def _file_note(path: Path, rel: str, columns: Mapping[str, str], sidecar: Mapping[str, dict],
               batch: NoteBatch) -> Note | None:
    """One note file (front matter or sidecar row for its fields); unreadable files are skipped with a reason."""
    from analyzer.textfile import read_note_file

    try:
        raw = read_note_file(path)
    except InputError as err:
        reason = "skip.empty_text" if err.key == "input.empty" else "skip.unreadable"
        batch.skipped.append(Skipped(path.stem, rel, reason, err.render("en") if reason == "skip.unreadable" else ""))
        return None
    meta, body = split_front_matter(raw)
    fields = {k: v for k, v in sidecar.get(rel, sidecar.get(path.name, {})).items() if k != "file"}
    fields.update(meta)
    row = {f: fields.get(columns.get(f, f)) for f in NOTE_FIELDS}
    row["setting"] = fields.get("setting")
    row["text"] = body
    return _row_to_note(row, rel, path.stem, batch)


def iter_folder(folder: Path, columns: Mapping[str, str], batch: NoteBatch) -> Iterator[Note]:
    """Stream every note file below ``folder`` (sorted by path)."""
    sidecar = _sidecar(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in NOTE_SUFFIXES)
    for path in files:
        note = _file_note(path, path.relative_to(folder).as_posix(), columns, sidecar, batch)
        if note is not None:
            yield note


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
    yield from _deduplicated(_notes_of(paths, columns, batch), batch)


def _notes_of(paths: list[Path], columns: Mapping[str, str], batch: NoteBatch) -> Iterator[Note]:
    for path in paths:
        if path.is_dir() and _is_parquet_dataset(path):
            stream = (note for part in sorted(path.rglob("*.parquet")) for note in iter_table(part, columns, batch))
        elif path.is_dir():
            stream = iter_folder(path, columns, batch)
        elif path.suffix.lower() in TABLE_SUFFIXES:
            stream = iter_table(path, columns, batch)
        else:
            stream = iter_folder_file(path, columns, batch)
        yield from stream


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
