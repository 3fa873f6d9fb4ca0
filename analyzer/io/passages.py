"""Reading passages for ``analyzer predict`` (JSONL or CSV with ``id`` and ``text``) and writing its JSONL.

The output format is a public contract (documented in README.md): one JSON object per input line, in input order::

    {"id": ..., "labels": [...], "breaches": [...], "scores": {code: p}, "breach_scores": {code: p},
     "evidence": {code: [terms]}, ...other input fields}
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Iterable, TextIO

from analyzer.errors import InputError
from analyzer.io.documents import decode_bytes, read_text

OUTPUT_FIELDS = ("id", "labels", "breaches", "scores", "breach_scores", "evidence")


def read_passages(path: str | Path) -> list[dict]:
    """Rows with at least ``id`` (string or number) and ``text`` (string, may be empty), ids unique. ``-``
    reads standard input: JSONL when its first character is ``{``, else CSV."""
    if str(path) == "-":
        import sys

        text = decode_bytes(sys.stdin.buffer.read(), "<stdin>", binary="file.binary")
        suffix = ".jsonl" if text.lstrip().startswith("{") else ".csv"
        path = Path("<stdin>")
    else:
        path = Path(path)
        suffix = path.suffix.lower()
        if not path.exists():
            raise InputError("input.not_found", path=str(path))
        if suffix in (".csv", ".jsonl", ".json", ".ndjson"):
            text = read_text(path)
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
    from analyzer.io.jsonl import json_lines

    rows = []
    bad = lambda n, exc: InputError("predict.bad_json", path=path, line=n, detail=exc.msg)  # noqa: E731
    for number, row in json_lines(text.splitlines(), bad):
        if not isinstance(row, dict):
            raise InputError("predict.not_object", path=path, line=number)
        _check_row(row, path, number)
        rows.append((number, row))
    return rows


def _read_csv(text: str, path: str) -> list[tuple[int, dict]]:
    """Rows of a CSV file (``io/documents.csv_records``: a quote left open, or more values than columns, is an
    error naming the line)."""
    from analyzer.io.documents import csv_records, csv_separator

    columns, records = csv_records(io.StringIO(text, newline=""), path, csv_separator(text))
    columns = columns or []
    for column in ("id", "text"):
        if column not in columns:
            raise InputError("predict.missing_column", path=path, column=column,
                             columns=", ".join(columns) or "-")
    rows = []
    for line, row in records:
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
