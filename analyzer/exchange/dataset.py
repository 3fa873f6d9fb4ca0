"""What every exporter starts from: the caller's codebook, notes and passages, checked and joined once.

Only body passages are exported (header passages, the biodata lines, are never scored). A passage's text must be
the note's text at its offsets, so that offsets written for one tool mean the same in every other.

>>> codebook = [{"code": "P05", "name": "Bersikap profesional", "kind": "principle", "definition": "…"}]
>>> notes = [{"note_id": "N1", "worker": "Sari", "client": "K1", "date": "2026-08-03", "text": "Nama: K1\\nIa tenang."}]
>>> passages = [{"note_id": "N1", "passage": 0, "start": 0, "end": 8, "kind": "header", "text": "Nama: K1",
...              "labels": [], "breaches": [], "scores": {}},
...             {"note_id": "N1", "passage": 1, "start": 9, "end": 19, "kind": "body", "text": "Ia tenang.",
...              "labels": ["P05"], "breaches": [], "scores": {"P05": 0.8, "!P05": 0.1}}]
>>> data = ExportData.build(codebook, notes, passages)
>>> [(item.passage["passage"], item.suggested, item.score) for item in data.items]
[(1, ['P05'], 0.8)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from analyzer.exchange.errors import ExchangeError
from analyzer.exchange.labels import BREACH, PRINCIPLES, check_codebook, label_id, sort_labels, split_label


@dataclass(frozen=True)
class Item:
    """One body passage to export, with its note and the model's suggestions as label ids (``P01``, ``!P05``)."""

    note: dict
    passage: dict
    suggested: list[str]
    score: float | None


@dataclass(frozen=True)
class ExportData:
    codebook: dict[str, dict]  # code -> entry, in codebook order
    notes: dict[str, dict]  # note_id -> note, in the caller's order
    items: list[Item]  # body passages, by note then passage index

    @classmethod
    def build(cls, codebook: Sequence[Mapping], notes: Sequence[Mapping], passages: Sequence[Mapping]) -> "ExportData":
        entries = check_codebook(codebook)
        by_id = _check_notes(notes)
        order = {note_id: i for i, note_id in enumerate(by_id)}
        items = []
        for index, raw in enumerate(passages, start=1):
            passage = _check_passage(raw, index)
            note = by_id.get(passage["note_id"])
            if note is None:
                raise ExchangeError("exchange.note_missing", passage=passage["passage"], note_id=passage["note_id"])
            if note["text"][passage["start"]:passage["end"]] != passage["text"]:
                raise ExchangeError("exchange.passage_mismatch", passage=passage["passage"],
                                    note_id=passage["note_id"], start=passage["start"], end=passage["end"])
            if passage["kind"] != "body":
                continue
            suggested = _suggestions(passage, entries)
            items.append(Item(note, passage, suggested, confidence(passage["scores"], suggested)))
        items.sort(key=lambda item: (order[item.note["note_id"]], item.passage["passage"]))
        return cls(entries, by_id, items)

    def labels(self) -> list[str]:
        """Every label a person can choose: the codes, then the breaches of the principles in the codebook."""
        return [*self.codebook, *(label_id(code, True) for code in self.codebook if code in PRINCIPLES)]

    def name(self, label: str) -> str:
        """The codebook name of the code behind a label id (``P05`` or ``!P05``)."""
        return self.codebook[split_label(label)[0]]["name"]


def confidence(scores: Mapping[str, float], suggested: Sequence[str]) -> float | None:
    """How sure the model is of its suggestions: the score of its least certain suggestion, or, with none,
    one minus the highest score of any label. None without scores.

    >>> confidence({"P01": 0.9, "P02": 0.6, "!P05": 0.2}, ["P01", "P02"]), confidence({"P01": 0.3}, [])
    (0.6, 0.7)
    """
    if not scores:
        return None
    if suggested:
        return round(min(float(scores.get(label, 0.0)) for label in suggested), 4)
    return round(1.0 - max(float(v) for v in scores.values()), 4)


def _check_notes(notes: Sequence[Mapping]) -> dict[str, dict]:
    by_id: dict[str, dict] = {}
    for index, note in enumerate(notes, start=1):
        if not isinstance(note, Mapping):
            raise ExchangeError("exchange.note_field", index=index, field="note_id")
        for field in ("note_id", "text"):
            if not isinstance(note.get(field), str):
                raise ExchangeError("exchange.note_field", index=index, field=field)
        if note["note_id"] in by_id:
            raise ExchangeError("exchange.note_duplicate", note_id=note["note_id"])
        by_id[note["note_id"]] = {
            "note_id": note["note_id"], "text": note["text"],
            **{field: None if note.get(field) is None else str(note[field]) for field in ("worker", "client", "date")},
        }
    return by_id


def _check_passage(passage: Mapping, index: int) -> dict:
    if not isinstance(passage, Mapping):
        raise ExchangeError("exchange.passage_field", index=index, field="note_id")
    checks = {"note_id": str, "passage": int, "start": int, "end": int, "kind": str, "text": str}
    for field, kind in checks.items():
        value = passage.get(field)
        if not isinstance(value, kind) or isinstance(value, bool) or (kind is int and value < 0):
            raise ExchangeError("exchange.passage_field", index=index, field=field)
    if passage["end"] < passage["start"]:
        raise ExchangeError("exchange.passage_field", index=index, field="end")
    for field in ("labels", "breaches"):
        value = passage.get(field) if passage.get(field) is not None else []
        if isinstance(value, (str, bytes)) or not all(isinstance(v, str) for v in value):
            raise ExchangeError("exchange.passage_field", index=index, field=field)
    scores = passage.get("scores") or {}
    if not isinstance(scores, Mapping) or not all(isinstance(v, (int, float)) for v in scores.values()):
        raise ExchangeError("exchange.passage_field", index=index, field="scores")
    return {**{field: passage[field] for field in checks}, "labels": list(passage.get("labels") or []),
            "breaches": list(passage.get("breaches") or []), "scores": dict(scores)}


def _suggestions(passage: dict, entries: dict[str, dict]) -> list[str]:
    pairs = [(c, False) for c in passage["labels"]] + [(c.removeprefix(BREACH), True) for c in passage["breaches"]]
    for code, breach in pairs:
        if code not in entries or (breach and code not in PRINCIPLES):
            raise ExchangeError("exchange.passage_code", passage=passage["passage"], note_id=passage["note_id"],
                                code=label_id(code, breach))
    return sort_labels(label_id(code, breach) for code, breach in pairs)
