"""Reading passages for ``analyzer predict`` (JSONL or CSV with ``id`` and ``text``) and writing its JSONL.

The output format is a public contract (documented in README.md): one JSON object per input line, in input order::

    {"id": ..., "labels": [...], "breaches": [...], "scores": {code: p}, "breach_scores": {code: p},
     "evidence": {code: [terms]}, ...other input fields}
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Iterable, TextIO

from analyzer.errors import InputError
from analyzer.io.documents import decode_bytes

OUTPUT_FIELDS = ("id", "labels", "breaches", "scores", "breach_scores", "evidence")


def read_passages(path: str | Path) -> list[dict]:
    """Rows with at least ``id`` (string or number) and ``text`` (string, may be empty), ids unique."""
    path = Path(path)
    if not path.is_file():
        raise InputError("input.not_found", path=str(path))
    text = decode_bytes(path.read_bytes(), str(path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _read_csv(text, str(path))
    elif suffix in (".jsonl", ".json", ".ndjson"):
        rows = _read_jsonl(text, str(path))
    else:
        raise InputError("predict.unsupported_type", path=str(path), suffix=suffix or "-")
    seen: dict[str, int] = {}
    for line, row in rows:
        key = str(row["id"])
        if key in seen:
            raise InputError("predict.duplicate_id", path=str(path), line=line, id=key, first=seen[key])
        seen[key] = line
    return [row for _, row in rows]


def _check_row(row: dict, path: str, line: int) -> None:
    for field in ("id", "text"):
        if field not in row or row[field] is None:
            raise InputError("predict.missing_field", path=path, line=line, field=field)
    if not isinstance(row["id"], (str, int)) or isinstance(row["id"], bool) or str(row["id"]).strip() == "":
        raise InputError("predict.bad_id", path=path, line=line)
    if not isinstance(row["text"], str):
        raise InputError("predict.bad_text", path=path, line=line)


def _read_jsonl(text: str, path: str) -> list[tuple[int, dict]]:
    rows = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError("predict.bad_json", path=path, line=number, detail=exc.msg) from None
        if not isinstance(row, dict):
            raise InputError("predict.not_object", path=path, line=number)
        _check_row(row, path, number)
        rows.append((number, row))
    return rows


def _read_csv(text: str, path: str) -> list[tuple[int, dict]]:
    """Rows of a CSV file. A quote left open, or more values than columns, is an error naming the line: it
    would otherwise swallow or shift the following rows."""
    from analyzer.io.documents import csv_separator

    csv.field_size_limit(1 << 30)
    reader = csv.DictReader(io.StringIO(text), delimiter=csv_separator(text), strict=True)
    try:
        columns = reader.fieldnames or []
    except csv.Error as exc:
        raise InputError("predict.bad_csv", path=path, line=reader.line_num, detail=str(exc)) from None
    for column in ("id", "text"):
        if column not in columns:
            raise InputError("predict.missing_column", path=path, column=column,
                             columns=", ".join(columns) or "-")
    rows = []
    previous = reader.line_num  # the row being read starts on the line after this one
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # strict: a quote never closed, or text after a closing quote
            raise InputError("predict.bad_csv", path=path, line=previous + 1, detail=str(exc)) from None
        if None in row:
            raise InputError("predict.bad_csv", path=path, line=previous + 1, detail="more values than columns")
        line, previous = previous + 1, reader.line_num
        if row.get("text") is None:
            row["text"] = ""
        _check_row(row, path, line)
        rows.append((line, row))
    return rows


def output_record(row: dict, passage: dict) -> dict:
    """One output line: our fields first (from a passage of ``analysis.passages.analyze_texts``, already
    masked), then the input's other fields (``text`` as masked)."""
    from analyzer.analysis.passages import Prediction

    pred = Prediction.of(passage)
    out = {"id": row["id"], "labels": pred.labels, "breaches": pred.breaches, "scores": pred.scores,
           "breach_scores": pred.breach_scores, "evidence": pred.evidence}
    if "text" in row:
        out["text"] = passage["text"]
    for key, value in row.items():
        if key not in out:
            out[key] = value
    return out


def write_jsonl(records: Iterable[dict], stream: TextIO) -> None:
    for rec in records:
        stream.write(json.dumps(rec, ensure_ascii=False) + "\n")
