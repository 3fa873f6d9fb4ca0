"""The results format, owned here: columns, Arrow schema, metadata (model id, redaction, skipped notes), and
reading and writing. A results file is one Parquet file (``analyzer analyze``); the Dask engine writes a
folder of Parquet parts with the metadata in ``_analyzer.json``. Written atomically (``io/atomic.py``)."""

from __future__ import annotations

import json
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES
from analyzer.errors import InputError
from analyzer.io import atomic

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from analyzer.io.notes import Note, Skipped

META_KEY = b"analyzer_results"
# 2: the correction columns (issue 16). Format 1 files are still read: their model columns are their codes, and
# their key is derived from the text when it was masked with ``all`` (see ``read_results``).
RESULTS_FORMAT = 2
READABLE_FORMATS = (1, 2)
FOLDER_META_FILE = "_analyzer.json"

SCORE_COLUMNS = [f"score_{c}" for c in ALL_CODES] + [f"breach_score_{c}" for c in PRINCIPLE_CODES]
# ``labels``/``breaches`` are the codes in effect (the model's, with people's corrections applied);
# ``model_labels``/``model_breaches`` the model's own decisions; ``confirmed`` the label ids (``P05``, ``!P05``
# for a breach) a person confirmed or added; ``text_sha256`` the key corrections are matched on
# (``analysis.passages.passage_key``: a hash of the passage masked with ``all``, never of the raw text).
CORRECTION_COLUMNS = ["text_sha256", "model_labels", "model_breaches", "confirmed"]
BASE_COLUMNS = [
    "note_id", "worker", "client", "date", "month", "setting", "passage", "start", "end", "kind", "text",
    "labels", "breaches", "evidence", *CORRECTION_COLUMNS,
]
COLUMNS = BASE_COLUMNS + SCORE_COLUMNS
LIST_COLUMNS = ("labels", "breaches", "model_labels", "model_breaches", "confirmed")



NOTE_COLUMNS = ("note_id", "worker", "client", "date", "month", "setting")
PASSAGE_COLUMNS = ("passage", "start", "end", "kind", "text", "labels", "breaches", "evidence", "text_sha256")


def result_columns(notes: Sequence["Note"], payloads: Sequence[list[dict]]) -> dict[str, "list | np.ndarray"]:
    """The result rows of ``notes`` joined to their passages (``analyze_texts`` payloads), as columns in
    ``COLUMNS`` order: lists, and one float array per score column (a table is built from columns much faster
    than from one dict per row)."""
    import numpy as np

    note_values: list[tuple] = []
    for note, passages in zip(notes, payloads):
        if passages:
            date = note.date.isoformat() if note.date else ""
            month = note.date.strftime("%Y-%m") if note.date else ""
            note_values.append(((note.note_id, note.worker, note.client, date, month, note.setting), len(passages)))
    columns: dict[str, list | np.ndarray] = {}
    for k, name in enumerate(NOTE_COLUMNS):
        values: list = []
        for fields, count in note_values:
            values.extend([fields[k]] * count)
        columns[name] = values
    rows = [p for passages in payloads for p in passages]
    fields_of = itemgetter(*PASSAGE_COLUMNS)
    for name, values in zip(PASSAGE_COLUMNS, zip(*map(fields_of, rows)) if rows else [()] * len(PASSAGE_COLUMNS)):
        columns[name] = list(values)
    dumps = json.dumps
    columns["evidence"] = [dumps(e, ensure_ascii=False, sort_keys=True) if e else "{}" for e in columns["evidence"]]
    columns["model_labels"] = [list(v) for v in columns["labels"]]  # no corrections applied yet
    columns["model_breaches"] = [list(v) for v in columns["breaches"]]
    columns["confirmed"] = [[] for _ in rows]
    scores = np.array([p["scores"] for p in rows], dtype=np.float64).reshape(len(rows), len(SCORE_COLUMNS))
    for j, name in enumerate(SCORE_COLUMNS):
        columns[name] = np.ascontiguousarray(scores[:, j])
    return {name: columns[name] for name in COLUMNS}


def skipped_dicts(skipped: Sequence["Skipped"]) -> list[dict]:
    return [{"note_id": s.note_id, "source": s.source, "reason_code": s.reason, "detail": s.detail} for s in skipped]


def run_metadata(model_id: str, redacted: "bool | str", skipped: Sequence["Skipped"]) -> dict:
    """What a results file records besides its rows."""
    return {"format": RESULTS_FORMAT, "model_id": model_id, "redacted": redacted, "skipped": skipped_dicts(skipped)}


def results_schema():
    """The Arrow schema of a results file (explicit, so every chunk writes the same types)."""
    import pyarrow as pa

    fields = [(name, pa.string()) for name in NOTE_COLUMNS]
    fields += [("passage", pa.int64()), ("start", pa.int64()), ("end", pa.int64()), ("kind", pa.string()),
               ("text", pa.string()), ("labels", pa.list_(pa.string())), ("breaches", pa.list_(pa.string())),
               ("evidence", pa.string()), ("text_sha256", pa.string()), ("model_labels", pa.list_(pa.string())),
               ("model_breaches", pa.list_(pa.string())), ("confirmed", pa.list_(pa.string()))]
    fields += [(name, pa.float64()) for name in SCORE_COLUMNS]
    return pa.schema(fields)


class ResultsWriter:
    """Streams result chunks into one Parquet file that appears, complete with its metadata, only on
    :meth:`finish` (a run that fails or is killed leaves the previous file untouched)."""

    def __init__(self, output: str | Path) -> None:
        import pyarrow.parquet as pq

        self.output = Path(output)
        self._file = atomic.atomic_path(self.output)
        self._schema = results_schema()
        self._writer = pq.ParquetWriter(self._file.path, self._schema, compression="zstd")

    def write(self, columns: dict) -> int:
        """Append the rows of ``result_columns``; returns how many."""
        import pyarrow as pa

        table = pa.Table.from_pydict(columns, schema=self._schema)
        self._writer.write_table(table)
        return table.num_rows

    def finish(self, metadata: dict) -> Path:
        self._writer.add_key_value_metadata({META_KEY: json.dumps(metadata, ensure_ascii=False).encode("utf-8")})
        self._writer.close()
        self._writer = None
        return self._file.commit()

    def abort(self) -> None:
        """Discard an unfinished file (no effect after :meth:`finish`)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self._file.discard()


def write_part(columns: dict, path: str | Path) -> int:
    """One Parquet part of a results folder; returns its rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pydict(columns, schema=results_schema())
    with atomic.atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return table.num_rows


def write_folder_metadata(folder: str | Path, metadata: dict) -> None:
    atomic.write_text(Path(folder) / FOLDER_META_FILE, json.dumps(metadata, ensure_ascii=False))


def results_metadata(path: str | Path) -> dict | None:
    """Our metadata of a results file (Parquet) or folder (Dask engine), or None when it is neither. Metadata
    that cannot be read, or is not a JSON object, is an error (``results.broken`` for a folder's
    ``_analyzer.json``, ``results.damaged`` for a file's)."""
    import pyarrow.parquet as pq

    path = Path(path)
    if path.is_dir():
        meta_file = path / FOLDER_META_FILE
        if not meta_file.is_file():
            return None
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError, OSError):
            raise InputError("results.broken", path=str(meta_file)) from None
        if not isinstance(meta, dict):
            raise InputError("results.broken", path=str(meta_file))
        return meta

    try:
        meta = pq.ParquetFile(path).metadata.metadata or {}  # file key-value metadata
    except Exception:  # not Parquet at all
        return None
    raw = meta.get(META_KEY)
    if not raw:
        return None
    try:
        meta = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        meta = None
    if not isinstance(meta, dict):
        raise InputError("results.damaged", path=str(path), what=META_KEY.decode())
    return meta


def _damaged(path: Path, what: str) -> InputError:
    if path.is_dir() and what == FOLDER_META_FILE:
        return InputError("results.broken", path=str(path / FOLDER_META_FILE))
    return InputError("results.damaged", path=str(path), what=what)


def read_results(path: str | Path) -> tuple["pd.DataFrame", list[dict], dict]:
    """(passage DataFrame, skipped notes, metadata) of a results file or folder, checked: the metadata's shape,
    every part readable, every column of the format present (a damaged file is ``results.damaged`` naming what
    cannot be read). A folder without parts (every note skipped) is an empty result."""
    import pandas as pd

    path = Path(path)
    meta = results_metadata(path)
    if meta is None:
        raise InputError("results.not_results", path=str(path))
    if meta.get("format") not in READABLE_FORMATS:
        raise InputError("results.format", path=str(path))
    skipped = meta.get("skipped", [])
    if not isinstance(skipped, list) or not all(isinstance(s, dict) and {"note_id", "source", "reason_code"} <= set(s)
                                                for s in skipped):
        raise _damaged(path, FOLDER_META_FILE if path.is_dir() else META_KEY.decode())
    frames = []
    for part in sorted(path.glob("part-*.parquet")) if path.is_dir() else [path]:
        try:
            frames.append(_read_part(part))
        except Exception:  # pyarrow raises several types for a damaged file
            raise InputError("results.damaged", path=str(path), what=part.name) from None
    df = pd.concat(frames, ignore_index=True) if frames else to_frame({name: [] for name in COLUMNS})
    expected = COLUMNS if meta.get("format") == RESULTS_FORMAT else [c for c in COLUMNS if c not in CORRECTION_COLUMNS]
    missing = [name for name in expected if name not in df.columns]  # before the upgrade, which reads columns
    if missing:
        raise InputError("results.damaged", path=str(path), what=", ".join(missing))
    if meta.get("format") == 1:
        _upgrade_format_1(df, meta)
    return df, skipped, meta


def _read_part(part: Path) -> "pd.DataFrame":
    """One Parquet file as a passage DataFrame whose list columns hold Python lists (``[]`` for a null); the
    lists are made by Arrow, which is twice as fast as converting NumPy arrays row by row."""
    import pyarrow.parquet as pq

    from analyzer.bulk import REPORT_COLLECT_AFTER, fewer_collections

    table = pq.read_table(part)
    lists = [c for c in LIST_COLUMNS if c in table.column_names]
    df = table.drop_columns(lists).to_pandas()
    with fewer_collections(REPORT_COLLECT_AFTER):
        for col in lists:
            df[col] = [v if v is not None else [] for v in table.column(col).to_pylist()]
    return df[table.column_names]


def _upgrade_format_1(df: "pd.DataFrame", meta: dict) -> None:
    """The correction columns of a format 1 file: the model's codes are its codes, nothing is confirmed, and the
    key is the hash of the text when the text was masked with ``all`` (otherwise unknown: no correction can be
    matched until the notes are analysed again)."""
    from analyzer.analysis.passages import passage_key

    masked_all = meta.get("redacted", True) in (True, "all")
    df["text_sha256"] = [passage_key(t) if masked_all else None for t in df["text"]] if len(df) else []
    df["model_labels"] = [list(v) for v in df["labels"]]  # copies: never the same list as labels
    df["model_breaches"] = [list(v) for v in df["breaches"]]
    df["confirmed"] = [[] for _ in range(len(df))]


def to_frame(columns: "dict[str, list] | list[dict]") -> "pd.DataFrame":
    """A passage DataFrame from ``result_columns`` (or from a list of row dicts)."""
    import pandas as pd

    if isinstance(columns, list):  # row dicts written before the correction columns: fill them in
        from analyzer.analysis.passages import passage_key

        columns = [{"text_sha256": passage_key(str(r.get("text", ""))), "model_labels": list(r.get("labels") or []),
                    "model_breaches": list(r.get("breaches") or []), "confirmed": [], **r} for r in columns]
    frame = pd.DataFrame(columns, columns=COLUMNS)
    for col in ("passage", "start", "end"):
        frame[col] = frame[col].astype("int64")
    for col in SCORE_COLUMNS:
        frame[col] = frame[col].astype("float64")
    return frame
