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
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from analyzer.errors import AnalyzerError, InputError

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
    """A date from ISO text (2026-08-03), day-first text (03/08/2026, 3-8-2026), or a date/datetime."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        try:
            return value.to_pydatetime().date()
        except (ValueError, TypeError):
            return None
    text = str(value).strip()
    if not text or text.lower() in ("nan", "nat", "none"):
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _clean(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "" if text.strip().lower() in ("nan", "none", "nat") else text


def _row_to_note(row: Mapping[str, object], source: str, fallback_id: str, batch: NoteBatch) -> None:
    note_id = _clean(row.get("note_id")).strip() or fallback_id
    text = _clean(row.get("text"))
    worker = _clean(row.get("worker")).strip()
    if not text.strip():
        batch.skipped.append(Skipped(note_id, source, "skip.empty_text"))
        return
    if not worker:
        batch.skipped.append(Skipped(note_id, source, "skip.missing_worker"))
        return
    raw_date = row.get("date")
    date = parse_date(raw_date)
    if date is None and _clean(raw_date).strip():
        batch.skipped.append(Skipped(note_id, source, "skip.bad_date", _clean(raw_date).strip()))
        return
    batch.notes.append(Note(note_id, worker, _clean(row.get("client")).strip(), date, text, source,
                            _clean(row.get("setting")).strip()))


# tables -------------------------------------------------------------------------------------------------------

def _read_table(path: Path):
    import pandas as pd

    from analyzer.textfile import decode_bytes

    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = decode_bytes(path.read_bytes(), str(path))
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    if suffix in (".jsonl", ".ndjson"):
        text = decode_bytes(path.read_bytes(), str(path))
        return pd.read_json(io.StringIO(text), lines=True, dtype=False)
    if suffix == ".xlsx":
        return pd.read_excel(path, dtype=object, engine="openpyxl")
    if suffix == ".parquet":
        return pd.read_parquet(path)
    raise InputError("notes.unsupported", path=str(path))


def read_table(path: Path, columns: Mapping[str, str], batch: NoteBatch) -> None:
    """Add the notes of one table to ``batch``; a missing ``text`` or ``worker`` column is an error."""
    try:
        frame = _read_table(path)
    except AnalyzerError:
        raise
    except Exception as exc:  # pandas/openpyxl/pyarrow raise many types for unreadable files
        raise InputError("notes.unreadable_table", path=str(path), detail=f"{type(exc).__name__}: {exc}"[:200]) from None
    rename = {columns.get(f, f): f for f in NOTE_FIELDS}
    missing = [columns.get(f, f) for f in ("text", "worker") if columns.get(f, f) not in frame.columns]
    if missing:
        raise InputError("notes.missing_columns", path=str(path), columns=", ".join(missing),
                         found=", ".join(map(str, frame.columns)) or "-")
    add_frame(frame.rename(columns=rename), path.name, path.stem, batch)


def add_frame(frame, source: str, stem: str, batch: NoteBatch) -> None:
    """Add the rows of a DataFrame with the note columns to ``batch`` (row numbers name the source)."""
    for number, row in enumerate(frame.to_dict(orient="records"), start=1):
        _row_to_note(row, f"{source}:{number}", f"{stem}-{number}", batch)


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


def read_folder(folder: Path, columns: Mapping[str, str], batch: NoteBatch) -> None:
    """Add every note file below ``folder`` (sorted) to ``batch``; unreadable files are skipped with a reason."""
    from analyzer.textfile import read_note_file

    sidecar = _sidecar(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in NOTE_SUFFIXES)
    for path in files:
        rel = path.relative_to(folder).as_posix()
        try:
            raw = read_note_file(path)
        except InputError as err:
            reason = "skip.empty_text" if err.key == "input.empty" else "skip.unreadable"
            batch.skipped.append(Skipped(path.stem, rel, reason, err.render("en") if reason == "skip.unreadable" else ""))
            continue
        meta, body = split_front_matter(raw)
        row = {**{k: v for k, v in sidecar.get(rel, sidecar.get(path.name, {})).items() if k != "file"}, **meta}
        row = {columns.get(f, f): row.get(columns.get(f, f)) for f in NOTE_FIELDS} | {
            k: v for k, v in row.items() if k not in NOTE_FIELDS
        }
        row = {f: row.get(columns.get(f, f)) for f in NOTE_FIELDS} | {"setting": row.get("setting")}
        row["text"] = body
        _row_to_note(row, rel, path.stem, batch)


def read_notes(paths: Iterable[str | Path], columns: Mapping[str, str] | None = None) -> NoteBatch:
    """Read notes from tables, folders and single note files; then apply the duplicate-id rules: the same
    id with the same text is kept once (the copy is skipped as a duplicate), the same id with different text
    skips every later copy."""
    columns = dict(columns or {})
    batch = NoteBatch()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError("input.not_found", path=str(path))
        if path.is_dir():
            read_folder(path, columns, batch)
        elif path.suffix.lower() in TABLE_SUFFIXES:
            read_table(path, columns, batch)
        elif path.suffix.lower() in NOTE_SUFFIXES:
            read_folder_file(path, columns, batch)
        else:
            raise InputError("notes.unsupported", path=str(path))
    return _deduplicate(batch)


def read_folder_file(path: Path, columns: Mapping[str, str], batch: NoteBatch) -> None:
    """A single note file given directly on the command line."""
    from analyzer.textfile import read_note_file

    try:
        raw = read_note_file(path)
    except InputError as err:
        reason = "skip.empty_text" if err.key == "input.empty" else "skip.unreadable"
        batch.skipped.append(Skipped(path.stem, path.name, reason, err.render("en") if reason == "skip.unreadable" else ""))
        return
    meta, body = split_front_matter(raw)
    row = {f: meta.get(columns.get(f, f)) for f in NOTE_FIELDS} | {"setting": meta.get("setting"), "text": body}
    _row_to_note(row, path.name, path.stem, batch)


def notes_from_frame(frame, columns: Mapping[str, str] | None = None) -> NoteBatch:
    """Notes from a pandas DataFrame with the note columns (other names mapped by ``columns``)."""
    columns = dict(columns or {})
    missing = [columns.get(f, f) for f in ("text", "worker") if columns.get(f, f) not in frame.columns]
    if missing:
        raise InputError("notes.missing_columns", path="DataFrame", columns=", ".join(missing),
                         found=", ".join(map(str, frame.columns)) or "-")
    batch = NoteBatch()
    add_frame(frame.rename(columns={columns.get(f, f): f for f in NOTE_FIELDS}), "DataFrame", "row", batch)
    return _deduplicate(batch)


def _deduplicate(batch: NoteBatch) -> NoteBatch:
    out = NoteBatch(skipped=list(batch.skipped))
    seen: dict[str, Note] = {}
    for note in batch.notes:
        first = seen.get(note.note_id)
        if first is None:
            seen[note.note_id] = note
            out.notes.append(note)
        elif first.text.strip() == note.text.strip():
            out.skipped.append(Skipped(note.note_id, note.source, "skip.duplicate", first.source))
        else:
            out.skipped.append(Skipped(note.note_id, note.source, "skip.duplicate_conflict", first.source))
    return out
