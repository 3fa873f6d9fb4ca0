"""The streaming analysis engine behind ``analyzer analyze`` (local, one or more processes).

Notes are read, segmented and classified chunk by chunk and written incrementally to Parquet, so peak memory
does not grow with the number of notes. Results of each note text are cached in SQLite, keyed by a hash of the
text and the model id: a rerun re-analyses only new or changed notes, a changed model re-analyses everything,
and a run that was interrupted resumes from what was cached (every chunk is committed before it is written).
The output file appears only when the run is complete (written to a temporary file, then renamed).
"""

from __future__ import annotations

import glob
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from analyzer.analysis.cache import ResultCache, default_cache_path
from analyzer.analysis.passages import analyze_texts, chunked
from analyzer.bulk import COLLECT_AFTER, collect_less, fewer_collections

CHUNK_NOTES = 400
PARALLEL_FROM = 100  # texts to analyse in one chunk before worker processes are worth starting


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
    corrections: dict | None = None  # ``CorrectionSummary.to_dict()`` when a corrections file was applied


# worker processes ---------------------------------------------------------------------------------------------

_WORKER_MODEL = None


def _exit_with_parent() -> None:
    """A pool worker ends when the process that started it dies, even by SIGKILL: on Linux the kernel sends it
    SIGTERM (``PR_SET_PDEATHSIG``); elsewhere a watchdog thread notices the parent is gone."""
    import signal
    import sys
    import threading
    import time

    parent = os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):  # pragma: no cover - no prctl
            pass
        if os.getppid() != parent:  # the parent died before the call
            os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="analyzer-parent-watch").start()


def _init_worker(model_dir: str | None) -> None:
    import signal

    global _WORKER_MODEL
    # The main process handles Ctrl-C and SIGTERM and stops the pool. A worker starts with both signals blocked
    # (see _start_pool) and with the CLI's handler, which raises KeyboardInterrupt and would print a traceback:
    # it ignores Ctrl-C, ends quietly on SIGTERM, and only then takes the signals (one sent meanwhile included).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # POSIX
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    _exit_with_parent()
    from analyzer.model.persist import load_model

    _WORKER_MODEL = load_model(model_dir)
    collect_less(COLLECT_AFTER)  # a worker lives for one run: nothing to restore


SPILL_SUFFIX = ".spill.tmp"


def _analyze_in_worker(args: tuple[list[str], "bool | str", str, str]) -> str:
    """Analyse ``texts`` and write the payloads (JSON) to a new file beside the output; return its name. Only
    the name goes back through the pool's result pipe: a message that short is written whole, so a worker
    killed while answering can never leave a half message there (on which the pool would wait forever)."""
    import json
    import tempfile

    texts, redact_text, folder, prefix = args
    payloads = analyze_texts(texts, _WORKER_MODEL, redact_text)
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=SPILL_SUFFIX, dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payloads, fh, ensure_ascii=False)
    return name


def _collect(name: str) -> list[list[dict]]:
    """The payloads a worker wrote (and the file removed)."""
    import json

    try:
        with open(name, encoding="utf-8") as fh:
            return json.load(fh)
    finally:
        os.unlink(name)


def _start_pool(jobs: int, model_dir, pools: list) -> None:
    """Start a pool of ``jobs`` worker processes (appended to ``pools`` before anything can interrupt, so the
    caller always stops what was started). SIGINT and SIGTERM are blocked while the workers are forked, so no
    signal reaches a worker before ``_init_worker`` has set its handling (the workers inherit the mask)."""
    import signal

    posix = hasattr(signal, "pthread_sigmask")
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}) if posix else None
    try:
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                                   initargs=(None if model_dir is None else str(model_dir),))
        pools.append(pool)
        pool.submit(os.getpid)  # starts the worker processes
    finally:
        if posix:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the pool's worker processes at once, then the pool: an interrupted or failed run does not wait for
    their tasks, and a finished one does not wait for idle workers to read their stop signal (a worker killed
    while it held the task queue's lock would leave the others waiting for it forever)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.terminate()
        except (OSError, ValueError):  # pragma: no cover - already gone
            pass
    pool.shutdown(wait=True, cancel_futures=True)


def _split(items: list, parts: int) -> list[list]:
    size = max(1, -(-len(items) // parts))
    return [items[i:i + size] for i in range(0, len(items), size)]


def run_local(paths: Sequence[str | Path], output: str | Path, model_dir: str | Path | None = None,
              columns: Mapping[str, str] | None = None, redact_text: "bool | str" = True, jobs: int | None = None,
              cache: str | Path | None | bool = None, chunk_notes: int = CHUNK_NOTES,
              progress: Callable[[int, int | None], None] | None = None, corrections=None) -> RunSummary:
    """Analyse notes from ``paths`` into the Parquet file ``output`` (see the module docstring).

    ``jobs``: worker processes (default: all cores; 1 runs in this process; a run whose chunks hold fewer than
    ``PARALLEL_FROM`` notes to analyse runs in this process too, as starting the workers would take longer).
    ``cache``: the cache file (default: ``OUTPUT.cache.sqlite``; ``False`` disables caching). ``corrections``: an
    ``analysis.corrections.Corrector`` whose corrections are applied to every chunk before it is written (the
    cache keeps the model's own results).

    Only one run writes an output at a time: a second run on the same output stops at once with
    ``output.in_use`` (``io/atomic.exclusive``). A worker process that dies ends the run with
    ``engine.worker_died``; what finished before is in the cache.
    """
    from analyzer.analysis.corrections import Corrector
    from analyzer.io.atomic import exclusive
    from analyzer.io.outputs import check_cache, check_output

    output = check_output(output, paths)
    cache_file = None if cache is False else check_cache(default_cache_path(output) if cache is None else cache,
                                                         output, paths)
    corrector = corrections if corrections is not None else Corrector([])
    with exclusive(output):
        return _run(paths, output, model_dir, columns, redact_text, max(1, jobs or os.cpu_count() or 1), cache_file,
                    chunk_notes, progress, corrector)


def _run(paths, output: Path, model_dir, columns, redact_text, jobs: int, cache_file: Path | None, chunk_notes: int,
         progress, corrector) -> RunSummary:
    from concurrent.futures.process import BrokenProcessPool

    from analyzer.analysis.corrections import apply_to_columns
    from analyzer.analysis.passages import model_id as get_model_id
    from analyzer.errors import AnalyzerError
    from analyzer.io.notes import NoteBatch, iter_notes
    from analyzer.io.results import ResultsWriter, result_columns, run_metadata
    from analyzer.model.persist import load_model

    model = load_model(model_dir)
    summary = RunSummary(output=output, model_id=get_model_id(model))
    store = None if cache_file is None else ResultCache(cache_file, summary.model_id)
    batch = NoteBatch()
    notes = iter_notes(paths, columns, batch)
    pools: list[ProcessPoolExecutor] = []  # the worker pool, once started
    spill = f".{output.name}.{os.getpid()}."  # workers' result files: named like atomic.py's temporary files
    writer = ResultsWriter(output)
    try:
        with fewer_collections():
            for chunk in chunked(notes, chunk_notes):
                keys = [ResultCache.key(n.text, redact_text) for n in chunk]
                found = store.get_many(keys) if store else {}
                todo = list(dict.fromkeys(k for k in keys if k not in found))
                if todo:
                    text_of = {k: n.text for k, n in zip(keys, chunk)}
                    texts = [text_of[k] for k in todo]
                    if not pools and jobs > 1 and len(texts) >= PARALLEL_FROM:
                        # the workers are forked from this process: load the text pipeline (spaCy, the
                        # recognisers, the model's tables) here once, and every worker starts with it
                        analyze_texts(["Saya mendengarkan."], model, redact_text)
                        _start_pool(jobs, model_dir, pools)
                    if not pools:
                        payloads = analyze_texts(texts, model, redact_text)
                    else:
                        tasks = [(t, redact_text, str(output.parent), spill) for t in _split(texts, jobs)]
                        try:
                            payloads = [p for name in pools[0].map(_analyze_in_worker, tasks) for p in _collect(name)]
                        except BrokenProcessPool:
                            raise AnalyzerError("engine.worker_died") from None
                    fresh = dict(zip(todo, payloads))
                    if store:
                        store.put_many(fresh)
                    found.update(fresh)
                columns = result_columns(chunk, [found[k] for k in keys])
                apply_to_columns(columns, corrector)
                summary.passages += writer.write(columns)
                summary.notes += len(chunk)
                summary.analysed += len(todo)
                summary.cached += len(chunk) - len(todo)
                if progress:
                    progress(summary.notes, None)
        summary.skipped = batch.skipped
        metadata = run_metadata(summary.model_id, redact_text, batch.skipped)
        if corrector.records:
            summary.corrections = metadata["corrections"] = corrector.summary().to_dict()
        writer.finish(metadata)
    finally:
        writer.abort()
        for pool in pools:
            _stop_workers(pool)
            for left in output.parent.glob(f"{glob.escape(spill)}*{SPILL_SUFFIX}"):  # of tasks never collected
                left.unlink(missing_ok=True)
        if store:
            store.close()
    return summary
