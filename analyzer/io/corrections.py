"""The corrections store (issue 16): people's decisions about the codes of passages, one JSON object per line in
``corrections.jsonl`` (by default beside the results, or beside the notes a report or review reads).

Why a JSON Lines file and not SQLite:

- It is an **append-only log**. A line is never edited or removed: undo is a new line naming the one it undoes,
  and a later decision about the same code of the same passage supersedes an earlier one. The file is therefore
  its own history (who decided what, when), readable in any editor, reviewable in version control, and the files
  of two supervisors merge by concatenating them.
- It holds decisions, not note text: note id, passage offsets, the passage key (``text_sha256``, a hash of the
  passage text *masked* with ``all``, see ``analysis.passages.passage_key``), the code, who and when. It can be
  shared with the results without sharing a name.
- It stays small (one line per decision), so every write rewrites it whole through ``io/atomic.py`` (it appears
  complete or not at all) while an exclusive lock on its folder keeps two writers (the command line and a later
  web interface) from losing each other's lines.

Lines (``id`` is unique; ``at`` is ISO 8601 in UTC; ``by`` may be null; ``source`` says which command or
annotation tool made it)::

    {"id", "action": "confirm"|"reject"|"add", "note_id", "passage", "start", "end", "text_sha256",
     "code": "P05", "breach": false, "by", "at", "source"}
    {"id", "action": "label", "note_id", "passage", "start", "end", "text_sha256",
     "labels": ["P03"], "breaches": ["P05"], "by", "at", "source"}      # a passage labelled whole in a tool
    {"id", "action": "undo", "target": "<id>", "by", "at", "source"}

>>> c = new_correction("add", "N1", 2, 10, 40, "a" * 64, code="P05", by="sari", at="2026-09-01T10:00:00+00:00")
>>> c["action"], c["code"], c["breach"], len(c["id"])
('add', 'P05', False, 12)
>>> [x["id"] for x in active([c, undo_record(c["id"], "sari")])]
[]
"""

from __future__ import annotations

import json
import os
import re
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES
from analyzer.errors import InputError
from analyzer.io import atomic

FILE_NAME = "corrections.jsonl"
CODE_ACTIONS = ("confirm", "reject", "add")
ACTIONS = (*CODE_ACTIONS, "label", "undo")
_SHA = re.compile(r"[0-9a-f]{64}")


class CorrectionsError(InputError):
    """A corrections file or a correction that cannot be used."""


def default_path(anchor: str | Path) -> Path:
    """Where the corrections of a results file (or of notes) live by default: ``corrections.jsonl`` in the same
    folder as ``anchor`` (beside a Parquet file, beside a results folder or a notes folder)."""
    anchor = Path(anchor)
    return anchor.parent / FILE_NAME


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def default_person() -> str | None:
    """Who corrects when ``--by`` is not given: the account name, if the system knows it."""
    import getpass

    try:
        return getpass.getuser() or None
    except Exception:  # no user database entry (containers)
        return None


def new_correction(action: str, note_id: str, passage: int, start: int, end: int, text_sha256: str, *,
                   code: str | None = None, breach: bool = False, labels: Sequence[str] = (),
                   breaches: Sequence[str] = (), by: str | None = None, at: str | None = None,
                   source: str = "correct") -> dict:
    """One correction line (checked like a line read from a file)."""
    record = {"id": uuid.uuid4().hex[:12], "action": action, "note_id": note_id, "passage": int(passage),
              "start": int(start), "end": int(end), "text_sha256": text_sha256}
    if action == "label":
        record.update(labels=sorted(set(labels)), breaches=sorted(set(breaches)))
    else:
        record.update(code=code, breach=bool(breach))
    record.update(by=by, at=at or now(), source=source)
    check_record(record, "-", 0)
    return record


def undo_record(target: str, by: str | None = None, at: str | None = None, source: str = "correct") -> dict:
    return {"id": uuid.uuid4().hex[:12], "action": "undo", "target": target, "by": by, "at": at or now(),
            "source": source}


# --- reading ---------------------------------------------------------------------------------------------------------

def read_corrections(path: str | Path, missing_ok: bool = True) -> list[dict]:
    """Every line of a corrections file, checked, in file order (``[]`` for a missing file when ``missing_ok``)."""
    path = Path(path)
    if path.is_dir():
        raise CorrectionsError("corrections.is_directory", path=str(path))
    if not path.exists():
        if missing_ok:
            return []
        raise CorrectionsError("corrections.not_found", path=str(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorrectionsError("corrections.unreadable", path=str(path), detail=exc.strerror or type(exc).__name__) \
            from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CorrectionsError("corrections.not_utf8", path=str(path)) from None
    records: list[dict] = []
    ids: set[str] = set()
    from analyzer.io.jsonl import json_lines

    bad = lambda n, exc: CorrectionsError("corrections.bad_json", path=str(path), line=n,  # noqa: E731
                                          detail=f"{exc.msg}, column {exc.colno}")
    for number, record in json_lines(text.splitlines(), bad):
        check_record(record, path, number)
        if record["id"] in ids:
            raise CorrectionsError("corrections.duplicate_id", path=str(path), line=number, id=record["id"])
        if record["action"] == "undo" and record["target"] not in ids:
            raise CorrectionsError("corrections.undo_unknown", path=str(path), line=number, id=record["target"])
        ids.add(record["id"])
        records.append(record)
    return records


def check_record(record: object, path: object, line: int) -> None:
    """Raise ``CorrectionsError`` naming the file, line and field when ``record`` is not a valid correction."""
    def bad(field: str) -> CorrectionsError:
        return CorrectionsError("corrections.bad_field", path=str(path), line=line, field=field)

    if not isinstance(record, dict):
        raise CorrectionsError("corrections.not_object", path=str(path), line=line)
    if not isinstance(record.get("id"), str) or not record["id"].strip():
        raise bad("id")
    if record.get("action") not in ACTIONS:
        raise CorrectionsError("corrections.bad_action", path=str(path), line=line, action=record.get("action"),
                               actions=", ".join(ACTIONS))
    for field in ("by",):
        if record.get(field) is not None and not isinstance(record[field], str):
            raise bad(field)
    if not isinstance(record.get("at"), str):
        raise bad("at")
    if record["action"] == "undo":
        if not isinstance(record.get("target"), str):
            raise bad("target")
        return
    if not isinstance(record.get("note_id"), str) or not record["note_id"]:
        raise bad("note_id")
    for field in ("passage", "start", "end"):
        value = record.get(field)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise bad(field)
    if record["end"] < record["start"]:
        raise bad("end")
    if not isinstance(record.get("text_sha256"), str) or not _SHA.fullmatch(record["text_sha256"]):
        raise bad("text_sha256")
    if record["action"] == "label":
        for field, allowed in (("labels", ALL_CODES), ("breaches", PRINCIPLE_CODES)):
            value = record.get(field)
            if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
                raise bad(field)
            unknown = [c for c in value if c not in allowed]
            if unknown:
                raise CorrectionsError("corrections.unknown_code", path=str(path), line=line, code=unknown[0])
        both = set(record["labels"]) & set(record["breaches"])
        if both:
            raise CorrectionsError("corrections.applied_and_breached", path=str(path), line=line,
                                   codes=", ".join(sorted(both)))
        return
    if not isinstance(record.get("breach"), bool):
        raise bad("breach")
    if record.get("code") not in ALL_CODES:
        raise CorrectionsError("corrections.unknown_code", path=str(path), line=line, code=record.get("code"))
    if record["breach"] and record["code"] not in PRINCIPLE_CODES:
        raise CorrectionsError("corrections.outcome_breach", path=str(path), line=line, code=record["code"])


def active(records: Iterable[dict]) -> list[dict]:
    """The corrections in effect, in file order: every line but the undo lines and the lines they undo."""
    records = list(records)
    undone = {r["target"] for r in records if r["action"] == "undo"}
    return [r for r in records if r["action"] != "undo" and r["id"] not in undone]


def undone_ids(records: Iterable[dict]) -> set[str]:
    return {r["target"] for r in records if r["action"] == "undo"}


# --- writing ---------------------------------------------------------------------------------------------------------

@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` while a corrections file in it is read and rewritten (POSIX; elsewhere a
    no-op)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def append(path: str | Path, new: Sequence[dict]) -> Path:
    """Add ``new`` corrections to the file (created with its folder if needed), checking the whole file first; the
    file is replaced at once, under a lock."""
    path = Path(path)
    if path.is_dir():
        raise CorrectionsError("corrections.is_directory", path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path.parent):
        existing = read_corrections(path)
        ids = {r["id"] for r in existing}
        undone = undone_ids(existing)
        for number, record in enumerate(new, start=1):
            check_record(record, path, len(existing) + number)
            while record["id"] in ids:  # an id is unique within its file
                record["id"] = uuid.uuid4().hex[:12]
            if record["action"] == "undo":
                _check_undo(record["target"], existing, ids, undone, path)
                undone.add(record["target"])
            ids.add(record["id"])
        lines = [json.dumps(r, ensure_ascii=False) for r in [*existing, *new]]
        atomic.write_text(path, "".join(line + "\n" for line in lines))
    return path


def _check_undo(target: str, existing: Sequence[dict], ids: set[str], undone: set[str], path: Path) -> None:
    if target not in ids:
        raise CorrectionsError("corrections.undo_unknown_id", path=str(path), id=target)
    if target in undone:
        raise CorrectionsError("corrections.already_undone", path=str(path), id=target)
    if any(r["id"] == target and r["action"] == "undo" for r in existing):
        raise CorrectionsError("corrections.undo_of_undo", path=str(path), id=target)


def undo(path: str | Path, target: str, by: str | None = None) -> dict:
    """Undo correction ``target`` (a new ``undo`` line); returns that line."""
    path = Path(path)
    if not path.is_file():
        raise CorrectionsError("corrections.not_found", path=str(path))
    record = undo_record(target, by)
    append(path, [record])
    return record
