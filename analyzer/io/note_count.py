"""How many input notes a collection holds, counted cheaply before reading it, so a progress bar knows its
total from the start: note files in folders, rows of tables (Parquet from its metadata, CSV and JSONL by
streaming records, XLSX from the sheet's size). The count includes notes that will be skipped; ``None`` when a
source cannot be counted (the bar then shows what is done).

>>> count_notes([]) is None
True
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterable


def _table_rows(path: Path) -> int | None:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if suffix in (".jsonl", ".ndjson"):
        with path.open("rb") as fh:
            return sum(1 for line in fh if line.strip())
    if suffix == ".csv":
        from analyzer.io.documents import detect_encoding

        with path.open(encoding=detect_encoding(path), errors="replace", newline="") as fh:
            return max(sum(1 for _ in csv.reader(fh)) - 1, 0)
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        try:
            return max((wb.worksheets[0].max_row or 1) - 1, 0)
        finally:
            wb.close()
    return None


def count_notes(paths: Iterable[str | Path]) -> int | None:
    """The number of notes in ``paths`` (files, folders, tables), or ``None`` when unknown."""
    from analyzer.io.notes import NOTE_SUFFIXES, TABLE_SUFFIXES

    total = 0
    paths = [Path(p) for p in paths]
    if not paths:
        return None
    try:
        for path in paths:
            if path.is_dir():
                files = [p for p in path.rglob("*") if p.is_file()]
                notes = [p for p in files if p.suffix.lower() in NOTE_SUFFIXES]
                if notes:
                    total += len(notes)
                else:
                    total += sum(_table_rows(p) or 0 for p in files if p.suffix.lower() == ".parquet")
            elif path.suffix.lower() in TABLE_SUFFIXES:
                rows = _table_rows(path)
                if rows is None:
                    return None
                total += rows
            else:
                total += 1
    except Exception:  # an unreadable source is reported by the reader itself, with its reason
        return None
    return total
