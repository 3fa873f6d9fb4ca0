"""Passage-level results files (Parquet): written atomically, with the skipped notes and the model id kept in
the file's metadata so a report made from the file later lists them too."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from analyzer.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from analyzer.io.notes import Skipped

META_KEY = b"analyzer_results"
RESULTS_FORMAT = 1


def skipped_dicts(skipped: Sequence["Skipped"]) -> list[dict]:
    return [{"note_id": s.note_id, "source": s.source, "reason_code": s.reason, "detail": s.detail} for s in skipped]


def write_results(df: "pd.DataFrame", path: str | Path, skipped: Sequence["Skipped"], model_id: str,
                  redacted: bool) -> Path:
    """Write ``df`` to ``path`` atomically (a temporary file renamed into place)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    table = pa.Table.from_pandas(df, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[META_KEY] = json.dumps({"format": RESULTS_FORMAT, "model_id": model_id, "redacted": redacted,
                                 "skipped": skipped_dicts(skipped)}, ensure_ascii=False).encode("utf-8")
    table = table.replace_schema_metadata(meta)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def results_metadata(path: str | Path) -> dict | None:
    """Our metadata of a results file (Parquet) or folder (Dask engine), or None when it is neither."""
    import pyarrow.parquet as pq

    path = Path(path)
    if path.is_dir():
        meta_file = path / "_analyzer.json"
        return json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else None

    try:
        meta = pq.ParquetFile(path).metadata.metadata or {}  # file key-value metadata
    except Exception:  # not Parquet at all
        return None
    raw = meta.get(META_KEY)
    return json.loads(raw) if raw else None


def read_results(path: str | Path) -> tuple["pd.DataFrame", list[dict], dict]:
    """(passage DataFrame, skipped notes, metadata) of a results file."""
    import pandas as pd

    meta = results_metadata(path)
    if meta is None:
        raise InputError("results.not_results", path=str(path))
    if meta.get("format") != RESULTS_FORMAT:
        raise InputError("results.format", path=str(path))
    if Path(path).is_dir():
        parts = sorted(Path(path).glob("part-*.parquet"))
        df = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True) if parts else pd.DataFrame()
    else:
        df = pd.read_parquet(path)
    for col in ("labels", "breaches"):
        df[col] = df[col].map(lambda v: list(v) if v is not None else [])
    return df, meta.get("skipped", []), meta
