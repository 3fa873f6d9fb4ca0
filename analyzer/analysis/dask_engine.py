"""The Dask engine of ``analyzer analyze --engine dask``: the same analysis on a Dask cluster.

The client streams the notes (with the same readers, skip rules and duplicate rules as the local engine) into
partitions of ``PARTITION_NOTES`` notes; each partition is analysed on a worker, which writes it as one Parquet
part into the output folder (``part-00000.parquet`` …) and returns only counts, so neither the client nor the
workers hold the whole collection. The model travels once to every worker as bytes (``Client.scatter`` with
broadcast) and is loaded there with the same trusted-type checks; nothing has to be installed on the workers
but this package. ``_analyzer.json`` in the folder records the model id and the skipped notes. Results are
identical to the local engine.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Mapping, Sequence

from analyzer.analysis.local import RunSummary

PARTITION_NOTES = 100
_MODELS: dict[str, object] = {}


def _worker_model(payload: dict):
    """Load (once per worker process) the model shipped as bytes."""
    from analyzer.model.persist import load_model

    key = payload["model_id"]
    if key not in _MODELS:
        folder = Path(tempfile.mkdtemp(prefix="analyzer-model-"))
        for name, data in payload["files"].items():
            (folder / name).write_bytes(data)
        _MODELS[key] = load_model(folder)
    return _MODELS[key]


def analyze_partition(notes: list[dict], payload: dict, redact_text: bool, part_path: str,
                      corrections: list[dict] | None = None) -> tuple[int, int, dict]:
    """Analyse one partition of notes on a worker, apply the partition's ``corrections`` and write it as a
    Parquet part; returns (notes, passages, what the corrections did)."""
    import datetime as dt

    from analyzer.analysis.corrections import Corrector, apply_to_columns
    from analyzer.analysis.passages import analyze_texts
    from analyzer.io.notes import Note
    from analyzer.io.results import result_columns, write_part

    model = _worker_model(payload)
    objs = [Note(**{**n, "date": dt.date.fromisoformat(n["date"]) if n["date"] else None}) for n in notes]
    payloads = analyze_texts([n.text for n in objs], model, redact_text)
    columns = result_columns(objs, payloads)
    corrector = Corrector(corrections or [])
    apply_to_columns(columns, corrector)
    state = {"applied": corrector.applied, "stale": corrector.stale, "seen": sorted(corrector.seen)}
    return len(objs), write_part(columns, part_path), state


def model_payload(model_dir: str | Path | None) -> dict:
    from analyzer.analysis.passages import model_id
    from analyzer.model.persist import LEXICON_FILE, METADATA_FILE, MODEL_FILE, load_model
    from analyzer.resources import DEFAULT_MODEL_DIR
    from analyzer.model.pack import PACK_FILE

    folder = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
    model = load_model(folder)  # checks the model before anything is shipped
    # Workers only score: the NumPy arrays are enough (a folder without them ships the scikit-learn pipeline).
    names = (PACK_FILE, METADATA_FILE) if (folder / PACK_FILE).is_file() else (MODEL_FILE, METADATA_FILE)
    if (folder / LEXICON_FILE).is_file():
        names += (LEXICON_FILE,)
    return {"model_id": model_id(model), "files": {name: (folder / name).read_bytes() for name in names}}


def _check_address(address: str) -> None:
    """A scheduler address Dask can parse (``tcp://host:port``) whose port answers, or a clear error before any
    work."""
    from distributed.comm import parse_address, parse_host_port

    from analyzer.errors import InputError

    try:
        scheme, location = parse_address(address)
        host, port = parse_host_port(location) if scheme in ("tcp", "tls") else (None, None)
    except (ValueError, TypeError) as exc:
        raise InputError("dask.bad_address", address=address, detail=str(exc)[:120]) from None
    if host is not None:  # a closed port or an unknown host is said at once, not after the client's time-out
        import socket

        try:
            socket.create_connection((host, port), timeout=10).close()
        except OSError as exc:
            raise InputError("dask.unreachable", address=address,
                             detail=exc.strerror or type(exc).__name__) from None


def run_dask(paths: Sequence[str | Path], output: str | Path, model_dir: str | Path | None = None,
             columns: Mapping[str, str] | None = None, redact_text: bool = True, scheduler: str | None = None,
             partition_notes: int = PARTITION_NOTES, n_workers: int | None = None, corrections=None) -> RunSummary:
    """Analyse notes on a Dask cluster (``scheduler`` address, or a LocalCluster) into the folder ``output``;
    ``corrections`` (an ``analysis.corrections.Corrector``) are applied on the workers, partition by partition."""
    from distributed import Client, LocalCluster, as_completed

    from analyzer.analysis.corrections import Corrector

    from analyzer.errors import InputError
    from analyzer.io.notes import NoteBatch, iter_notes
    from analyzer.io.atomic import atomic_path
    from analyzer.io.outputs import check_output
    from analyzer.io.results import run_metadata, write_folder_metadata

    output = check_output(output, paths, folder=True)
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise InputError("dask.output_exists", path=str(output))
    if scheduler is not None:
        _check_address(scheduler)
    payload = model_payload(model_dir)
    corrector = corrections if corrections is not None else Corrector([])
    with atomic_path(output, directory=True) as work:
        cluster = None if scheduler else LocalCluster(n_workers=n_workers or os.cpu_count() or 1, threads_per_worker=1,
                                                     processes=True, dashboard_address=None,
                                                     silence_logs=logging.CRITICAL)
        summary = RunSummary(output=output, model_id=payload["model_id"])
        try:
            try:
                client = Client(scheduler or cluster, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise InputError("dask.unreachable", address=scheduler or "local", detail=type(exc).__name__) from None
            with client:
                shipped = client.scatter(payload, broadcast=True)
                batch = NoteBatch()
                pending = as_completed()
                in_flight = 0
                limit = 2 * max(1, len(client.scheduler_info().get("workers", {})) or 1)
                chunk: list[dict] = []

                def submit(part: list[dict], index: int) -> None:
                    nonlocal in_flight
                    path = str(work / f"part-{index:05d}.parquet")
                    mine = [c for n in part for c in corrector.by_note.get(n["note_id"], [])]
                    pending.add(client.submit(analyze_partition, part, shipped, redact_text, path, mine, pure=False))
                    in_flight += 1

                def drain(until: int) -> None:
                    nonlocal in_flight
                    while in_flight > until:
                        n_notes, n_rows, state = next(pending).result()
                        corrector.applied.update(state["applied"])
                        corrector.stale.extend(state["stale"])
                        corrector.seen.update(state["seen"])
                        summary.notes += n_notes
                        summary.passages += n_rows
                        in_flight -= 1

                index = 0
                for note in iter_notes(paths, columns, batch):
                    chunk.append({"note_id": note.note_id, "worker": note.worker, "client": note.client,
                                  "date": note.date.isoformat() if note.date else "", "text": note.text,
                                  "source": note.source, "setting": note.setting})
                    if len(chunk) >= partition_notes:
                        submit(chunk, index)
                        index, chunk = index + 1, []
                        drain(limit)
                if chunk:
                    submit(chunk, index)
                drain(0)
                summary.skipped = batch.skipped
            summary.analysed = summary.notes
            metadata = run_metadata(payload["model_id"], redact_text, summary.skipped)
            if corrector.records:
                summary.corrections = metadata["corrections"] = corrector.summary().to_dict()
            write_folder_metadata(work, metadata)
        finally:
            if cluster is not None:
                cluster.close()
    return summary
