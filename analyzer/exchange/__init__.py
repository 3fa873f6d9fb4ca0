"""Exchange with annotation tools (issue 16): export passages with the model's suggestions for people to label in
Label Studio, doccano, Prodigy or a REFI-QDA program (NVivo, ATLAS.ti, MAXQDA, QualCoder), and import what they
labelled as correction-like records.

Export is a pure function from plain data to files: ``export(fmt, codebook, notes, passages)`` returns
``{file name: bytes}`` (``write_files`` puts them in a folder). Import reads one file, recognises its format by its
content, and returns an ``ImportResult``: ``records`` (one per labelled passage), ``skipped`` (tasks read that
carry no labels on purpose: rejected, skipped, unannotated, unreviewed) and ``warnings`` (message keys).

>>> sorted(FORMATS)
['doccano', 'label-studio', 'prodigy', 'refi-qda']
"""

from __future__ import annotations

import os
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Callable, Mapping, Sequence

from analyzer.exchange.doccano import export_doccano, is_doccano_line, read_doccano
from analyzer.exchange.errors import ExchangeError
from analyzer.exchange.label_studio import export_label_studio, read_label_studio
from analyzer.exchange.prodigy import export_prodigy, is_prodigy_line, read_prodigy
from analyzer.exchange.records import ImportResult, decode, open_zip, parse_json, read_bytes, snap_to_passages
from analyzer.exchange.refi_qda import export_refi_qda, project_member, read_refi_qda, validate_project

FORMATS: dict[str, Callable[..., dict[str, bytes]]] = {
    "label-studio": export_label_studio,
    "doccano": export_doccano,
    "prodigy": export_prodigy,
    "refi-qda": export_refi_qda,
}
READERS: dict[str, Callable[..., ImportResult]] = {
    "label-studio": read_label_studio,
    "doccano": read_doccano,
    "prodigy": read_prodigy,
    "refi-qda": read_refi_qda,
}

__all__ = [
    "FORMATS", "READERS", "ExchangeError", "ImportResult", "detect_format", "export", "export_doccano",
    "export_label_studio", "export_prodigy", "export_refi_qda", "import_file", "read_doccano", "read_label_studio",
    "read_prodigy", "read_refi_qda", "snap_to_passages", "validate_project", "write_files",
]


def export(fmt: str, codebook: Sequence[Mapping], notes: Sequence[Mapping], passages: Sequence[Mapping], *,
           lang: str = "id", model_version: str = "analyzer", schema: str | Path | None = None) -> dict[str, bytes]:
    """The files of ``fmt`` ("label-studio", "doccano", "prodigy" or "refi-qda") for the body passages.

    ``lang`` is the language of the texts written into the files (code group names, breach word); ``schema``, the
    REFI-QDA ``Project.xsd`` to validate a ``.qdpx`` against (ignored by the other formats)."""
    if fmt not in FORMATS:
        raise ExchangeError("exchange.unknown_format", fmt=fmt, formats=", ".join(FORMATS))
    options: dict = {"lang": lang, "model_version": model_version}
    if fmt == "refi-qda":
        options["schema"] = schema
    return FORMATS[fmt](codebook, notes, passages, **options)


def write_files(files: Mapping[str, bytes], out_dir: str | Path) -> list[Path]:
    """Write ``files`` into ``out_dir`` (created if needed), each atomically; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        target = out / name
        tmp = target.with_name(f".{name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(content)
            os.replace(tmp, target)
        finally:
            if tmp.exists():
                tmp.unlink()
        written.append(target)
    return written


def detect_format(path: str | Path) -> str:
    """The format of an annotation tool's export, recognised by its content (not its name)."""
    raw = read_bytes(path)
    if zipfile.is_zipfile(BytesIO(raw)):
        with open_zip(path) as archive:
            if project_member(archive) is not None:
                return "refi-qda"
            if any(name.lower().endswith(".jsonl") for name in archive.namelist()):
                return "doccano"
        raise ExchangeError("exchange.zip_unknown", path=str(path))
    text = decode(path, raw).lstrip()
    first: object = None
    if text.startswith("["):
        tasks = parse_json(path, text, "JSON")
        if tasks == []:
            return "label-studio"
        first = tasks[0] if isinstance(tasks, list) else None
    elif text.startswith("{"):
        try:
            first = parse_json(path, text.splitlines()[0], "line 1")
        except ExchangeError:
            first = parse_json(path, text, "JSON")  # one task written over several lines
    if isinstance(first, dict):
        if is_prodigy_line(first):
            return "prodigy"
        if is_doccano_line(first):
            return "doccano"
        if "data" in first:
            return "label-studio"
    raise ExchangeError("exchange.not_recognised", path=str(path))


def import_file(path: str | Path, *, fmt: str | None = None, codebook: Sequence[Mapping] | None = None,
                passages: Sequence[Mapping] | None = None, schema: str | Path | None = None) -> ImportResult:
    """The labelled passages of an annotation tool's export.

    ``fmt`` forces a format instead of recognising it; ``codebook`` lets labels be bare code names too;
    ``passages`` (of the exported results) map REFI-QDA selections onto passages; ``schema`` validates a ``.qdpx``."""
    fmt = fmt or detect_format(path)
    if fmt not in READERS:
        raise ExchangeError("exchange.unknown_format", fmt=fmt, formats=", ".join(READERS))
    if fmt == "refi-qda":
        return read_refi_qda(path, codebook=codebook, passages=passages, schema=schema)
    return READERS[fmt](path, codebook=codebook)
