"""Prodigy: ``choice`` tasks (several options may be chosen) with the model's suggestions pre-selected in
``accept``, and the annotations read back from ``prodigy db-out``.

Accepted tasks give their ``accept`` list as labels (an empty list says no code applies); rejected and ignored
tasks give no labels and are reported. Written with the standard library: Prodigy is a commercial tool that is
not installable from a public index, and its task format is plain JSON lines.

>>> _option_labels({"options": [{"id": 3, "text": "P01 — Fokus"}], "accept": [3, "!P05"]})
['P01 — Fokus', '!P05']
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping, Sequence

from analyzer.exchange.dataset import ExportData
from analyzer.exchange.errors import ExchangeError
from analyzer.exchange.labels import LabelMapper, option_text, parse_label
from analyzer.exchange.records import ImportResult, decode, identity, iso_time, iter_jsonl, read_bytes, record

FORMAT = "prodigy"
FILE = "prodigy.jsonl"
ANSWERS = {"accept", "reject", "ignore"}


def export_prodigy(codebook: Sequence[Mapping], notes: Sequence[Mapping], passages: Sequence[Mapping], *,
                   lang: str = "id", model_version: str = "analyzer") -> dict[str, bytes]:
    """``{FILE: JSONL}``: one choice task per body passage; ``meta`` is what Prodigy shows beside the task."""
    data = ExportData.build(codebook, notes, passages)
    options = [{"id": label, "text": option_text(label, data.name(label), lang)} for label in data.labels()]
    lines = []
    for item in data.items:
        p, note = item.passage, item.note
        lines.append(json.dumps({
            "text": p["text"], "options": options, "accept": item.suggested, "config": {"choice_style": "multiple"},
            "note_id": p["note_id"], "passage": p["passage"], "start": p["start"], "end": p["end"],
            "meta": {"note": p["note_id"], "passage": p["passage"], "worker": note["worker"], "date": note["date"],
                     "score": item.score, "model": model_version},
        }, ensure_ascii=False))
    return {FILE: "".join(line + "\n" for line in lines).encode("utf-8")}


def read_prodigy(path: str | Path, *, codebook: Sequence[Mapping] | None = None) -> ImportResult:
    """The answers of a ``prodigy db-out`` file."""
    result = ImportResult(FORMAT)
    mapper = LabelMapper(path, codebook)
    for where, task in iter_jsonl(path, decode(path, read_bytes(path))):
        note_id, passage, start, end, text = identity(path, where, task, task.get("meta") or {})
        answer = task.get("answer")
        if answer is None:
            result.skip(where, "unannotated", note_id, passage)
            continue
        if answer not in ANSWERS:
            raise ExchangeError("exchange.field_answer", path=str(path), where=where, answer=str(answer))
        if answer != "accept":
            result.skip(where, "rejected" if answer == "reject" else "ignored", note_id, passage)
            continue
        if not isinstance(task.get("accept", []), list):
            raise ExchangeError("exchange.field_list", path=str(path), where=where, field="accept")
        codes, breaches = mapper.map(_option_labels(task), where)
        result.records.append(record(FORMAT, note_id, passage, start, end, text, codes, breaches,
                                     by=_annotator(task), at=iso_time(task.get("_timestamp"))))
    mapper.check()
    return result


def is_prodigy_line(obj: object) -> bool:
    return isinstance(obj, dict) and ("answer" in obj or "_task_hash" in obj or "options" in obj)


def _option_labels(task: dict) -> list:
    """The accepted option ids, each replaced by its option text when the id itself is not one of our labels."""
    texts = {json.dumps(o.get("id")): o.get("text") for o in task.get("options") or [] if isinstance(o, dict)}
    return [oid if parse_label(oid) else texts.get(json.dumps(oid), oid) for oid in task.get("accept") or []]


def _annotator(task: dict) -> str | None:
    value = task.get("_annotator_id") or task.get("_session_id")
    return str(value) if value else None
