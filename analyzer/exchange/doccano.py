"""doccano (text classification): JSONL with the model's suggestions as ``label`` lists, and doccano's export read
back: JSONL or JSON with ``label`` (``cats`` in intent-detection projects), or the zip of one JSONL file per user
that doccano writes when annotation is not collaborative.

doccano turns every field other than the text and the labels into metadata and writes it back at the top level of
its export (older versions under ``meta``); both are read. doccano does not record whether an example was reviewed,
so imported pre-annotations read as labels: export only approved examples (the importer adds that warning).

Written with the standard library (``json``): doccano has no file-format library, only an API client.

>>> _labels("f.jsonl", "line 1", {"text": "…", "cats": ["P01", "!P05"]})
['P01', '!P05']
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path, PurePosixPath
from typing import Mapping, Sequence

from analyzer.exchange.dataset import ExportData
from analyzer.exchange.errors import ExchangeError
from analyzer.exchange.labels import LabelMapper
from analyzer.exchange.records import (ImportResult, decode, identity, iter_jsonl, open_zip, parse_json, read_bytes,
                                       read_member, record)

FORMAT = "doccano"
FILE = "doccano.jsonl"
LABEL_KEYS = ("label", "cats", "labels")  # classification export, intent detection, some older versions


def export_doccano(codebook: Sequence[Mapping], notes: Sequence[Mapping], passages: Sequence[Mapping], *,
                   lang: str = "id", model_version: str = "analyzer") -> dict[str, bytes]:
    """``{FILE: JSONL}``, one line per body passage: text, suggested labels, and our fields as metadata."""
    data = ExportData.build(codebook, notes, passages)
    lines = []
    for item in data.items:
        p, note = item.passage, item.note
        lines.append(json.dumps({"text": p["text"], "label": item.suggested, "note_id": p["note_id"],
                                 "passage": p["passage"], "start": p["start"], "end": p["end"],
                                 "worker": note["worker"], "date": note["date"], "score": item.score,
                                 "model_version": model_version}, ensure_ascii=False))
    return {FILE: "".join(line + "\n" for line in lines).encode("utf-8")}


def read_doccano(path: str | Path, *, codebook: Sequence[Mapping] | None = None) -> ImportResult:
    """The labels of a doccano export: ``.jsonl``, ``.json`` (a list) or the per-user ``.zip``."""
    raw = read_bytes(path)
    result = ImportResult(FORMAT, warnings=["exchange.warn.doccano_unreviewed"])
    mapper = LabelMapper(path, codebook)
    if zipfile.is_zipfile(path):
        for member, text in jsonl_members(path):
            user = PurePosixPath(member).stem
            for where, line in iter_jsonl(path, text):
                _add(result, mapper, path, f"{member}, {where}", line, user)
    else:
        text = decode(path, raw)
        if text.lstrip().startswith("["):
            lines = parse_json(path, text, "JSON")
            if not isinstance(lines, list):
                raise ExchangeError("exchange.not_list", path=str(path))
            for number, line in enumerate(lines, start=1):
                if not isinstance(line, dict):
                    raise ExchangeError("exchange.not_object", path=str(path), where=f"item {number}")
                _add(result, mapper, path, f"item {number}", line, None)
        else:
            for where, line in iter_jsonl(path, text):
                _add(result, mapper, path, where, line, None)
    mapper.check()
    return result


def jsonl_members(path: str | Path) -> list[tuple[str, str]]:
    """(name, text) of the ``.jsonl`` files in a zip, in name order."""
    with open_zip(path) as archive:
        names = sorted(n for n in archive.namelist() if n.lower().endswith(".jsonl") and not n.endswith("/"))
        return [(name, decode(f"{path}:{name}", read_member(path, archive, name))) for name in names]


def is_doccano_line(obj: object) -> bool:
    return isinstance(obj, dict) and "text" in obj and any(key in obj for key in LABEL_KEYS) and "data" not in obj


def _add(result: ImportResult, mapper: LabelMapper, path: object, where: str, line: dict, user: str | None) -> None:
    note_id, passage, start, end, text = identity(path, where, line, line.get("meta") or {})
    codes, breaches = mapper.map(_labels(path, where, line), where)
    result.records.append(record(FORMAT, note_id, passage, start, end, text, codes, breaches, by=user))


def _labels(path: object, where: str, line: dict) -> list:
    key = next((k for k in LABEL_KEYS if k in line), None)
    if key is None:
        raise ExchangeError("exchange.field_missing", path=str(path), where=where, field="label")
    labels = line[key] if line[key] is not None else []
    if not isinstance(labels, list):
        raise ExchangeError("exchange.field_list", path=str(path), where=where, field=key)
    if any(isinstance(label, (list, dict)) for label in labels):
        raise ExchangeError("exchange.span_labels", path=str(path), where=where)
    return labels
