"""What every importer produces, and the reading helpers they share.

One record per labelled passage: ``note_id``, ``passage``, ``start``, ``end`` (character offsets in the note),
``text_sha256`` (SHA-256 of the passage text as UTF-8, hex), ``labels``, ``breaches`` (codes, without ``!``),
``by`` and ``at`` (annotator and time, when the tool records them) and ``source_format``. Tasks that carry no
labels on purpose (rejected, skipped, unannotated) are listed in ``skipped``, never silently dropped.

>>> r = record("prodigy", "N1", 2, 10, 20, "Ia tenang.", ["P05"], [], by="sari", at=None)
>>> r["text_sha256"] == hashlib.sha256("Ia tenang.".encode("utf-8")).hexdigest(), r["labels"], r["source_format"]
(True, ['P05'], 'prodigy')
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from analyzer import messages
from analyzer.exchange.errors import ExchangeError
from analyzer.exchange.labels import sort_labels

# why a task or selection read gave no record (message ``exchange.skip.<reason>``)
SKIP_REASONS = ("rejected", "ignored", "cancelled", "unannotated", "unreviewed", "document_coding", "text_changed",
                "no_passage")


@dataclass
class ImportResult:
    """The labelled passages of one file, and what was read but carried no labels."""

    source_format: str
    records: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {"where", "reason", "note_id", "passage"}
    warnings: list[str] = field(default_factory=list)  # message keys

    def skip(self, where: str, reason: str, note_id: str | None = None, passage: int | None = None) -> None:
        if reason not in SKIP_REASONS:
            raise ValueError(f"unknown skip reason {reason!r}")
        self.skipped.append({"where": where, "reason": reason, "note_id": note_id, "passage": passage})

    def describe_skipped(self, lang: str = "id") -> list[str]:
        """One line per skipped task or selection: where, and why (in ``lang``)."""
        return [f"{s['where']}: {messages.text('exchange.skip.' + s['reason'], lang)}" for s in self.skipped]


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(fmt: str, note_id: str, passage: int | None, start: int, end: int, text: str, labels: list[str],
           breaches: list[str], by: str | None = None, at: str | None = None) -> dict:
    return {"note_id": note_id, "passage": passage, "start": start, "end": end, "text_sha256": text_sha256(text),
            "labels": list(labels), "breaches": list(breaches), "by": by, "at": at, "source_format": fmt}


def iso_time(value: object) -> str | None:
    """A tool's timestamp as ISO 8601: Unix seconds become UTC, texts are kept as written."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc).isoformat()
    return str(value) if isinstance(value, str) and value else None


# --- reading files ---------------------------------------------------------------------------------------------------

def read_bytes(path: str | Path) -> bytes:
    path = Path(path)
    if not path.is_file():
        raise ExchangeError("exchange.not_found", path=str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExchangeError("exchange.unreadable", path=str(path), detail=exc.strerror or type(exc).__name__) from None
    if not data.strip():
        raise ExchangeError("exchange.empty", path=str(path))
    return data


def open_zip(path: str | Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExchangeError("exchange.bad_zip", path=str(path), detail=str(exc)) from None


def read_member(path: object, archive: zipfile.ZipFile, name: str) -> bytes:
    """One file of a zip; a damaged member is an error naming the archive."""
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise ExchangeError("exchange.bad_zip", path=str(path), detail=f"{name}: {exc}") from None


def decode(path: object, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExchangeError("exchange.not_utf8", path=str(path)) from None


def parse_json(path: object, text: str, where: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExchangeError("exchange.bad_json", path=str(path), where=where,
                            detail=f"{exc.msg}, column {exc.colno}") from None


def iter_jsonl(path: object, text: str, line_word: str = "line") -> Iterator[tuple[str, dict]]:
    """(where, object) for every non-empty line; a line that is not a JSON object is an error naming it."""
    from analyzer.io.jsonl import json_lines

    bad = lambda n, exc: ExchangeError("exchange.bad_json", path=str(path), where=f"{line_word} {n}",  # noqa: E731
                                       detail=f"{exc.msg}, column {exc.colno}")
    for number, obj in json_lines(text.splitlines(), bad):
        where = f"{line_word} {number}"
        if not isinstance(obj, dict):
            raise ExchangeError("exchange.not_object", path=str(path), where=where)
        yield where, obj


def get_field(path: object, where: str, name: str, kind: str, *sources: Mapping, required: bool = True):
    """Field ``name`` from the first of ``sources`` that has it, checked to be ``kind`` ("int", "text", "list" or
    "object").

    Integers written as digit texts are accepted (some tools turn metadata into texts)."""
    for source in sources:
        if isinstance(source, Mapping) and name in source and source[name] is not None:
            value = source[name]
            break
    else:
        if not required:
            return None
        raise ExchangeError("exchange.field_missing", path=str(path), where=where, field=name)
    if kind == "int":
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ExchangeError("exchange.field_int", path=str(path), where=where, field=name)
    elif kind == "text" and not isinstance(value, str):
        raise ExchangeError("exchange.field_text", path=str(path), where=where, field=name)
    elif kind == "list" and not isinstance(value, list):
        raise ExchangeError("exchange.field_list", path=str(path), where=where, field=name)
    elif kind == "object" and not isinstance(value, dict):
        raise ExchangeError("exchange.not_object", path=str(path), where=f"{where}, {name}")
    return value


def identity(path: object, where: str, *sources: Mapping) -> tuple[str, int, int, int, str]:
    """(note_id, passage, start, end, text) of an exported passage, as the tool gave it back."""
    note_id = get_field(path, where, "note_id", "text", *sources)
    passage, start, end = (get_field(path, where, name, "int", *sources) for name in ("passage", "start", "end"))
    text = get_field(path, where, "text", "text", *sources)
    if end < start:
        raise ExchangeError("exchange.offsets", path=str(path), where=where, start=start, end=end)
    return note_id, passage, start, end, text


# --- selections to passages ------------------------------------------------------------------------------------------

def snap_to_passages(records: Sequence[dict], passages: Sequence[Mapping]) -> tuple[list[dict], list[dict]]:
    """Map records made on free text selections (REFI-QDA) to the body passages they cover.

    A selection covers a passage when their overlap is at least half of the shorter of the two, so a selection
    inside one passage codes that passage, one across three passages codes all three, and a selection that
    strays a few characters into the next passage does not code it. Codes of several selections on one passage
    are merged. Returns (records keyed by passage, records that cover no passage).

    >>> passages = [{"note_id": "N1", "passage": 1, "start": 0, "end": 10, "kind": "body", "text": "Ia tenang."},
    ...             {"note_id": "N1", "passage": 2, "start": 11, "end": 20, "kind": "body", "text": "Ia diam.."}]
    >>> sel = record("refi-qda", "N1", None, 3, 12, "x", ["P05"], [], by="sari")
    >>> snapped, unmatched = snap_to_passages([sel], passages)
    >>> [(r["passage"], r["start"], r["end"], r["labels"]) for r in snapped], unmatched
    ([(1, 0, 10, ['P05'])], [])
    """
    by_note: dict[str, list[Mapping]] = {}
    for passage in passages:
        if passage.get("kind", "body") == "body":
            by_note.setdefault(passage["note_id"], []).append(passage)
    merged: dict[tuple[str, int], dict] = {}
    unmatched = []
    for rec in records:
        hits = [p for p in by_note.get(rec["note_id"], []) if _covers(rec["start"], rec["end"], p["start"], p["end"])]
        if not hits:
            unmatched.append(rec)
        for p in hits:
            key = (p["note_id"], p["passage"])
            if key not in merged:
                merged[key] = record(rec["source_format"], p["note_id"], p["passage"], p["start"], p["end"], p["text"],
                                     [], [], None, None)
            _merge(merged[key], rec)
    return [merged[key] for key in sorted(merged, key=lambda k: (k[0], k[1]))], unmatched


def merge_records(records: Sequence[dict]) -> list[dict]:
    """Records of the same passage (same note and offsets) merged into one, in first-seen order."""
    merged: dict[tuple, dict] = {}
    for rec in records:
        key = (rec["note_id"], rec["start"], rec["end"])
        if key in merged:
            _merge(merged[key], rec)
        else:
            merged[key] = dict(rec)
    return list(merged.values())


def _covers(start: int, end: int, p_start: int, p_end: int) -> bool:
    overlap = min(end, p_end) - max(start, p_start)
    shorter = min(end - start, p_end - p_start)
    return overlap > 0 and overlap * 2 >= shorter


def _merge(target: dict, rec: Mapping) -> None:
    target["labels"] = sort_labels([*target["labels"], *rec["labels"]])
    target["breaches"] = sort_labels([*target["breaches"], *rec["breaches"]])
    people = sorted({*(target["by"] or "").split(", "), *(rec["by"] or "").split(", ")} - {""})
    target["by"] = ", ".join(people) or None
    target["at"] = max(filter(None, (target["at"], rec["at"])), default=None)
