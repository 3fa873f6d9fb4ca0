"""Label Studio: one task per body passage with the model's suggestions as ``predictions``, the labelling config
generated from the codebook, and the JSON export read back after people labelled.

Written with the standard library: the tasks are plain JSON and the config a few XML elements, so the Label Studio
SDK (a large client for the server's API) would add weight without adding safety.

>>> from analyzer.exchange.dataset import ExportData
>>> cb = [{"code": "P05", "name": "Bersikap profesional", "kind": "principle", "definition": "…"}]
>>> print(label_config(ExportData.build(cb, [], []), lang="en"))  # doctest: +NORMALIZE_WHITESPACE
<View><Header value="$note_id" size="6" /><Text name="text" value="$text" /><Header value="Codes shown in this passage
(breaches written !Pxx)" size="6" /><Choices name="codes" toName="text" choice="multiple" showInline="false"><Choice
value="P05" hint="Bersikap profesional" /><Choice value="!P05" hint="Breach: Bersikap profesional" /></Choices></View>
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Mapping, Sequence

from analyzer import messages
from analyzer.exchange.dataset import ExportData
from analyzer.exchange.errors import ExchangeError
from analyzer.exchange.labels import LabelMapper, hint_text
from analyzer.exchange.records import (ImportResult, decode, get_field, identity, iso_time, parse_json, read_bytes,
                                       record)

FORMAT = "label-studio"
TASKS_FILE = "label_studio_tasks.json"
CONFIG_FILE = "label_studio_config.xml"
CONTROL = "codes"  # the Choices control
OBJECT = "text"  # the Text object it labels


def label_config(data: ExportData, lang: str = "id") -> str:
    """The labelling config: the passage text and one multiple-choice list of every code and breach."""
    view = ET.Element("View")
    ET.SubElement(view, "Header", value="$note_id", size="6")
    ET.SubElement(view, "Text", name=OBJECT, value="$" + OBJECT)
    ET.SubElement(view, "Header", value=messages.text("exchange.ls_header", lang), size="6")
    choices = ET.SubElement(view, "Choices", name=CONTROL, toName=OBJECT, choice="multiple", showInline="false")
    for label in data.labels():
        ET.SubElement(choices, "Choice", value=label, hint=hint_text(label, data.name(label), lang))
    return ET.tostring(view, encoding="unicode")


def export_label_studio(codebook: Sequence[Mapping], notes: Sequence[Mapping], passages: Sequence[Mapping], *,
                        lang: str = "id", model_version: str = "analyzer") -> dict[str, bytes]:
    """``{TASKS_FILE: tasks JSON, CONFIG_FILE: labelling config XML}``."""
    data = ExportData.build(codebook, notes, passages)
    tasks = []
    for item in data.items:
        p, note = item.passage, item.note
        prediction: dict = {"model_version": model_version}
        if item.score is not None:
            prediction["score"] = item.score
        prediction["result"] = [{"from_name": CONTROL, "to_name": OBJECT, "type": "choices",
                                 "value": {"choices": item.suggested}}] if item.suggested else []
        tasks.append({"data": {"text": p["text"], "note_id": p["note_id"], "passage": p["passage"],
                               "start": p["start"], "end": p["end"], "worker": note["worker"], "date": note["date"]},
                      "predictions": [prediction]})
    return {TASKS_FILE: json.dumps(tasks, ensure_ascii=False, indent=1).encode("utf-8"),
            CONFIG_FILE: (label_config(data, lang) + "\n").encode("utf-8")}


def read_label_studio(path: str | Path, *, codebook: Sequence[Mapping] | None = None) -> ImportResult:
    """The annotations of a Label Studio JSON export (a list of tasks, or one task as cloud storage writes it).

    Every submitted annotation of a task gives one record; skipped annotations and tasks without any are
    reported. Older exports call annotations ``completions``; both are read."""
    tasks = parse_json(path, decode(path, read_bytes(path)), "JSON")
    return tasks_to_result(path, [tasks] if isinstance(tasks, dict) else tasks, codebook)


def tasks_to_result(path: object, tasks: object, codebook: Sequence[Mapping] | None) -> ImportResult:
    if not isinstance(tasks, list):
        raise ExchangeError("exchange.not_list", path=str(path))
    result = ImportResult(FORMAT)
    mapper = LabelMapper(path, codebook)
    for number, task in enumerate(tasks, start=1):
        where = f"task {task.get('id', number) if isinstance(task, dict) else number}"
        if not isinstance(task, dict):
            raise ExchangeError("exchange.not_object", path=str(path), where=where)
        data = get_field(path, where, "data", "object", task)
        note_id, passage, start, end, text = identity(path, where, data)
        annotations = task.get("annotations", task.get("completions")) or []
        if not isinstance(annotations, list):
            raise ExchangeError("exchange.field_list", path=str(path), where=where, field="annotations")
        if not annotations:
            result.skip(where, "unannotated", note_id, passage)
        for annotation in annotations:
            if not isinstance(annotation, dict):
                raise ExchangeError("exchange.not_object", path=str(path), where=f"{where}, annotation")
            if annotation.get("was_cancelled"):
                result.skip(where, "cancelled", note_id, passage)
                continue
            labels, breaches = mapper.map(_choices(path, where, annotation), where)
            result.records.append(record(FORMAT, note_id, passage, start, end, text, labels, breaches,
                                         by=_annotator(annotation.get("completed_by")),
                                         at=iso_time(annotation.get("updated_at") or annotation.get("created_at"))))
    mapper.check()
    return result


def _choices(path: object, where: str, annotation: dict) -> list:
    results = get_field(path, where, "result", "list", annotation)
    items = [r for r in results if isinstance(r, dict) and r.get("type") == "choices"]
    ours = [r for r in items if r.get("from_name") == CONTROL]
    chosen = []
    for item in ours or items:
        value = item.get("value")
        choices = value.get("choices") if isinstance(value, dict) else None
        if not isinstance(choices, list):
            raise ExchangeError("exchange.field_list", path=str(path), where=where, field="value.choices")
        chosen.extend(choices)
    return chosen


def _annotator(value: object) -> str | None:
    """Label Studio writes ``completed_by`` as a user id or as a user object (with e-mail)."""
    if isinstance(value, dict):
        value = value.get("email") or value.get("username") or value.get("id")
    return None if value is None or isinstance(value, bool) else str(value)
