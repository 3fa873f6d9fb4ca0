"""Corpus v2: from writers' whole documents to labelled passages.

Writers deliver documents as JSONL (``corpora/v2/drafts/<writer>/batchNN.jsonl``), one document per line::

    {"doc": "W03-001", "writer": "W03", "genre": "pkh_kunjungan", "style": "chat", "setting": "pkh",
     "region": "...", "blocks": [{"t": "...", "l": ["P10"], "b": []}, ...]}

The document text is the blocks joined by a blank line. It is cut into passages exactly as ``analyzer
segment`` cuts notes; each passage carries the writer's *intent* (the codes of the block it lies in). A second
person who did not write the document labels every passage blind, in the context of its document
(``corpora/v2/annotation/blind/<writer>.jsonl``); where the blind label and the intent disagree an
adjudicator decides (``corpora/v2/annotation/adjudicated/<writer>.jsonl``). :func:`gold_label` is the rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES

BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    labels: tuple[str, ...]
    breaches: tuple[str, ...]


@dataclass
class Document:
    """One written document with its blocks' character spans and the writer's intended codes."""

    doc: str
    writer: str
    genre: str
    style: str
    setting: str
    region: str
    text: str
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class DraftPassage:
    """A passage of a v2 document as ``analyzer segment`` cuts it, with the writer's intent."""

    id: str
    doc: str
    position: int
    kind: str
    text: str
    intent_labels: tuple[str, ...]
    intent_breaches: tuple[str, ...]


def _codes(values: Iterable, allowed: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({str(v).strip().upper() for v in values or ()} & set(allowed)))


def document_from_json(obj: dict) -> Document:
    """A :class:`Document` from one draft line (unknown codes dropped, codes sorted)."""
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for block in obj["blocks"]:
        text = str(block["t"]).strip("\n")
        if not text.strip():
            continue
        if parts:
            pos += len(BLOCK_SEPARATOR)
        blocks.append(Block(pos, pos + len(text), _codes(block.get("l"), ALL_CODES),
                            _codes(block.get("b"), PRINCIPLE_CODES)))
        parts.append(text)
        pos += len(text)
    return Document(doc=str(obj["doc"]), writer=str(obj.get("writer") or str(obj["doc"]).split("-")[0]),
                    genre=str(obj.get("genre", "")), style=str(obj.get("style", "")),
                    setting=str(obj.get("setting", "")), region=str(obj.get("region", "")),
                    text=BLOCK_SEPARATOR.join(parts), blocks=blocks)


def read_drafts(folder: str | Path) -> list[Document]:
    """Every document under ``folder`` (``*/batch*.jsonl`` or ``*.jsonl``), in file and line order."""
    folder = Path(folder)
    files = sorted(folder.glob("*/*.jsonl")) + sorted(folder.glob("*.jsonl"))
    docs = []
    for file in files:
        for raw in file.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                docs.append(document_from_json(json.loads(raw)))
    return docs


def document_passages(doc: Document) -> list[DraftPassage]:
    """The document's passages (``segment_note``) with the intent of the block(s) each lies in."""
    from analyzer.text.segment import segment_note

    out = []
    for p in segment_note(doc.text):
        labels: set[str] = set()
        breaches: set[str] = set()
        for b in doc.blocks:
            if b.start < p.end and p.start < b.end:
                labels.update(b.labels)
                breaches.update(b.breaches)
        labels -= breaches  # never a code both applied and breached: the breach is kept
        out.append(DraftPassage(f"{doc.doc}-{p.index + 1:02d}", doc.doc, p.index, p.kind, p.text,
                                tuple(sorted(labels)), tuple(sorted(breaches))))
    return out


def annotation_packet(docs: Sequence[Document]) -> str:
    """Markdown for a blind annotator: each document whole, every passage under its id, no labels."""
    lines: list[str] = []
    for doc in docs:
        lines.append(f"## {doc.doc} (genre: {doc.genre})")
        lines.append("")
        for p in document_passages(doc):
            lines.append(f"[{p.id}] {p.text}")
            lines.append("")
    return "\n".join(lines)


Codes = tuple[tuple[str, ...], tuple[str, ...]]  # (labels, breaches)


def gold_label(intent: Codes, blind: Codes | None, adjudicated: Codes | None) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """The label a passage gets, and how it was reached.

    Agreement of writer intent and blind label is kept ("agreed"); a disagreement takes the adjudicator's
    decision ("adjudicated"), or — when no decision was recorded — the blind reader's label ("blind"), since a
    reader sees only the text, as the model does. Without a blind label the intent is used ("intent")."""
    if blind is None:
        return intent[0], intent[1], "intent"
    if tuple(sorted(blind[0])) == tuple(sorted(intent[0])) and tuple(sorted(blind[1])) == tuple(sorted(intent[1])):
        return tuple(sorted(blind[0])), tuple(sorted(blind[1])), "agreed"
    if adjudicated is not None:
        return tuple(sorted(adjudicated[0])), tuple(sorted(adjudicated[1])), "adjudicated"
    return tuple(sorted(blind[0])), tuple(sorted(blind[1])), "blind"


def read_label_file(path: str | Path) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """``{id: (labels, breaches)}`` from a JSONL label file (unknown codes dropped; a code both applied and
    breached is kept as the breach)."""
    out: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    path = Path(path)
    if not path.is_file():
        return out
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        obj = json.loads(raw)
        breaches = _codes(obj.get("breaches"), PRINCIPLE_CODES)
        labels = tuple(c for c in _codes(obj.get("labels"), ALL_CODES) if c not in breaches)
        out[str(obj["id"])] = (labels, breaches)
    return out


def assemble(docs: Sequence[Document], blind: dict, adjudicated: dict) -> tuple[list[dict], dict[str, int]]:
    """Corpus records (one per passage, in document order) and how many labels were reached each way."""
    from collections import Counter

    how = Counter()
    records = []
    for doc in docs:
        for p in document_passages(doc):
            labels, breaches, source = gold_label((p.intent_labels, p.intent_breaches), blind.get(p.id),
                                                  adjudicated.get(p.id))
            how[source] += 1
            records.append({
                "id": p.id, "text": p.text, "labels": list(labels), "breaches": list(breaches),
                "setting": doc.setting, "style": doc.style, "batch": doc.doc, "writer": doc.writer,
                "genre": doc.genre, "doc": doc.doc, "position": p.position, "kind": p.kind,
            })
    return records, dict(how)
