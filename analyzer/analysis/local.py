"""The streaming analysis engine behind ``analyzer analyze`` (local, one or more processes).

Notes are read, segmented and classified chunk by chunk and written incrementally to Parquet, so peak memory
does not grow with the number of notes. Results of each note text are cached in SQLite, keyed by a hash of the
text and the model id: a rerun re-analyses only new or changed notes, a changed model re-analyses everything,
and a run that was interrupted resumes from what was cached (every chunk is committed before it is written).
The output file appears only when the run is complete (written to a temporary file, then renamed).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sqlite3
import zlib
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from analyzer.analysis.passages import SCORE_COLUMNS, analyze_texts, chunked, result_columns

CHUNK_NOTES = 400


@dataclass
class RunSummary:
    """What a run did: notes analysed now, notes taken from the cache, skipped notes, passages written."""

    output: Path
    notes: int = 0
    analysed: int = 0
    cached: int = 0
    passages: int = 0
    skipped: list = field(default_factory=list)
    model_id: str = ""


def results_schema():
    """The Arrow schema of a results file (explicit, so every chunk writes the same types)."""
    import pyarrow as pa

    fields = [(name, pa.string()) for name in ("note_id", "worker", "client", "date", "month", "setting")]
    fields += [("passage", pa.int64()), ("start", pa.int64()), ("end", pa.int64()), ("kind", pa.string()),
               ("text", pa.string()), ("labels", pa.list_(pa.string())), ("breaches", pa.list_(pa.string())),
               ("evidence", pa.string())]
    fields += [(name, pa.float64()) for name in SCORE_COLUMNS]
    return pa.schema(fields)


def _data_version() -> str:
    """The analyzer version and a hash of its language data (tokenizer tables, PII recognisers): cached results
    from another version are never reused."""
    global _DATA_VERSION
    if _DATA_VERSION is None:
        from importlib import resources

        from analyzer import __version__

        digest = hashlib.sha256(__version__.encode())
        data = resources.files("analyzer").joinpath("data")
        for item in sorted(_walk(data), key=lambda t: t.name):
            digest.update(item.name.encode() + b"\0" + item.read_bytes())
        _DATA_VERSION = digest.hexdigest()[:16]
    return _DATA_VERSION


def _walk(folder):
    for item in folder.iterdir():
        if item.is_dir():
            yield from _walk(item)
        elif item.is_file():
            yield item


_DATA_VERSION: str | None = None


class ResultCache:
    """Per-note results keyed by sha256(text, redaction) for one model id, in a SQLite file."""

    def __init__(self, path: Path, model_id: str) -> None:
        self.path = Path(path)
        self.model_id = model_id
        self.db = sqlite3.connect(self.path)
        self.db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, model TEXT, payload BLOB)")
        self.db.execute("DELETE FROM results WHERE model != ?", (model_id,))  # a changed model: start afresh
        self.db.commit()

    @staticmethod
    def key(text: str, redact_text: "bool | str") -> str:
        from analyzer.text.redact import mode_of

        return hashlib.sha256(f"{mode_of(redact_text)}\0{_data_version()}\0{text}".encode("utf-8")).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, list[dict]]:
        out = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):
            part = unique[i:i + 500]
            marks = ",".join("?" * len(part))
            for key, payload in self.db.execute(
                f"SELECT key, payload FROM results WHERE model = ? AND key IN ({marks})", (self.model_id, *part)
            ):
                out[key] = json.loads(zlib.decompress(payload))
        return out

    def put_many(self, items: Mapping[str, list[dict]]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO results (key, model, payload) VALUES (?, ?, ?)",
                [(k, self.model_id, zlib.compress(json.dumps(v, ensure_ascii=False).encode("utf-8")))
                 for k, v in items.items()],
            )

    def close(self) -> None:
        self.db.close()


COLLECT_AFTER = 20_000  # allocations between young-generation collections during a run (Python's default: 700)


def _collect_less(threshold: int) -> None:
    """Freeze the objects that exist now (modules, the model, spaCy's tables) so collections skip them, and
    collect the young generation after ``threshold`` allocations. Analysis makes many short-lived lists and
    dicts that reference counting frees; collections still run (cycles are freed), less often."""
    gc.freeze()
    gc.set_threshold(threshold, *gc.get_threshold()[1:])


@contextmanager
def fewer_collections(threshold: int = COLLECT_AFTER):
    """:func:`_collect_less` while a batch runs; the collector's settings are restored afterwards."""
    old = gc.get_threshold()
    _collect_less(threshold)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


# worker processes ---------------------------------------------------------------------------------------------

_WORKER_MODEL = None


def _init_worker(model_dir: str | None) -> None:
    global _WORKER_MODEL
    from analyzer.model.persist import load_model

    _WORKER_MODEL = load_model(model_dir)
    _collect_less(COLLECT_AFTER)  # a worker lives for one run: nothing to restore


def _analyze_in_worker(args: tuple[list[str], bool]) -> list[list[dict]]:
    texts, redact_text = args
    return analyze_texts(texts, _WORKER_MODEL, redact_text)


def _split(items: list, parts: int) -> list[list]:
    size = max(1, -(-len(items) // parts))
    return [items[i:i + size] for i in range(0, len(items), size)]


def default_cache_path(output: Path) -> Path:
    return output.with_name(output.name + ".cache.sqlite")


def run_local(paths: Sequence[str | Path], output: str | Path, model_dir: str | Path | None = None,
              columns: Mapping[str, str] | None = None, redact_text: bool = True, jobs: int | None = None,
              cache: str | Path | None | bool = None, chunk_notes: int = CHUNK_NOTES,
              progress: Callable[[int, int | None], None] | None = None) -> RunSummary:
    """Analyse notes from ``paths`` into the Parquet file ``output`` (see the module docstring).

    ``jobs``: worker processes (default: all cores; 1 runs in this process). ``cache``: the cache file
    (default: ``OUTPUT.cache.sqlite``; ``False`` disables caching).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analyzer.analysis.passages import model_id as get_model_id
    from analyzer.model.persist import load_model
    from analyzer.io.notes import NoteBatch, iter_notes
    from analyzer.io.results import META_KEY, RESULTS_FORMAT, skipped_dicts

    output = Path(output)
    for stale in output.parent.glob(f".{output.name}.*.tmp"):  # left by a run that was killed
        stale.unlink()
    jobs = max(1, jobs or os.cpu_count() or 1)
    model = load_model(model_dir)
    summary = RunSummary(output=output, model_id=get_model_id(model))
    store = None if cache is False else ResultCache(Path(cache) if cache else default_cache_path(output),
                                                    summary.model_id)
    batch = NoteBatch()
    notes = iter_notes(paths, columns, batch)
    schema = results_schema()
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                               initargs=(None if model_dir is None else str(model_dir),)) if jobs > 1 else None
    writer = pq.ParquetWriter(tmp, schema, compression="zstd")
    try:
        with fewer_collections():
            for chunk in chunked(notes, chunk_notes):
                keys = [ResultCache.key(n.text, redact_text) for n in chunk]
                found = store.get_many(keys) if store else {}
                todo = list(dict.fromkeys(k for k in keys if k not in found))
                if todo:
                    text_of = {k: n.text for k, n in zip(keys, chunk)}
                    texts = [text_of[k] for k in todo]
                    if pool is None:
                        payloads = analyze_texts(texts, model, redact_text)
                    else:
                        parts = _split(texts, jobs)
                        payloads = [p for res in pool.map(_analyze_in_worker, [(t, redact_text) for t in parts])
                                    for p in res]
                    fresh = dict(zip(todo, payloads))
                    if store:
                        store.put_many(fresh)
                    found.update(fresh)
                table = pa.Table.from_pydict(result_columns(chunk, [found[k] for k in keys]), schema=schema)
                writer.write_table(table)
                summary.notes += len(chunk)
                summary.analysed += len(todo)
                summary.cached += len(chunk) - len(todo)
                summary.passages += table.num_rows
                if progress:
                    progress(summary.notes, None)
        summary.skipped = batch.skipped
        writer.add_key_value_metadata({META_KEY: json.dumps(
            {"format": RESULTS_FORMAT, "model_id": summary.model_id, "redacted": redact_text,
             "skipped": skipped_dicts(batch.skipped)}, ensure_ascii=False).encode("utf-8")})
        writer.close()
        writer = None
        os.replace(tmp, output)
    finally:
        if writer is not None:
            writer.close()
        if tmp.exists():
            tmp.unlink()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if store:
            store.close()
    return summary
