"""REFI-QDA (``.qdpx``), the exchange format of NVivo, ATLAS.ti, MAXQDA and QualCoder: a zip holding
``project.qde`` (XML in namespace ``urn:QDA-XML:project:1.0``) and the notes as UTF-8 text files in ``sources/``.

The codebook becomes codes in three groups (principles, engagement outcomes, and the breaches ``!P01``–``!P16`` as
codes of their own); each note a ``TextSource``; each passage with suggestions a ``PlainTextSelection`` whose
``Coding``s are made by a user standing for the model. Positions count characters (Unicode code points, Python
string indices) of the plain text, so ``é`` or an emoji is one position however many bytes UTF-8 gives it.
Every GUID is a UUID5 of what it stands for (a code, a note, a passage), so exporting the same results twice gives
the same file byte for byte.

Reading back: each selection coded by a person gives a record of the codes it carries at that point; selections
with only the model's own codings are reported as unreviewed. Given the passages, selections are mapped to the
passages they cover (people select freely in a QDA tool); without them, a selection keeps its own offsets.

Written with the standard library (``xml.etree``, ``zipfile``), since no maintained Python library writes REFI-QDA
projects; ``xmlschema`` checks the result against the published schema (given as a file: it is not shipped).

>>> guid("code", "P01") == guid("code", "P01") != guid("code", "P02")
True
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from functools import lru_cache
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Mapping, Sequence

from analyzer import messages
from analyzer.exchange.dataset import ExportData
from analyzer.exchange.errors import ExchangeError
from analyzer.exchange.labels import OUTCOMES, PRINCIPLES, LabelMapper, label_id, option_text
from analyzer.exchange.records import (ImportResult, decode, merge_records, open_zip, read_bytes, read_member,
                                       record, snap_to_passages, text_sha256)

FORMAT = "refi-qda"
FILE = "project.qdpx"
PROJECT = "project.qde"
SOURCES = "sources"
NS = "urn:QDA-XML:project:1.0"
_Q = f"{{{NS}}}"
_ROOT = uuid.UUID("6f1d3c5e-2b7a-5d0e-9c41-8a3e2f6b7d10")  # namespace of every GUID we write
MODEL_USER = "model"
COLORS = {"principle": "#2E86C1", "outcome": "#28B463", "breach": "#C0392B"}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SELECTION_NAME = re.compile(r"(?P<note>.*) #(?P<passage>\d+)")


def guid(*parts: object) -> str:
    """A stable GUID for what ``parts`` name (``"code", "P01"``; ``"source", note_id``; …)."""
    return str(uuid.uuid5(_ROOT, "\x1f".join(str(p) for p in parts)))


# --- export ----------------------------------------------------------------------------------------------------------

def export_refi_qda(codebook: Sequence[Mapping], notes: Sequence[Mapping], passages: Sequence[Mapping], *,
                    lang: str = "id", model_version: str = "analyzer", project_name: str = "analyzer",
                    schema: str | Path | None = None) -> dict[str, bytes]:
    """``{FILE: the .qdpx zip}``. With ``schema`` (the REFI-QDA ``Project.xsd``), the project is validated first."""
    data = ExportData.build(codebook, notes, passages)
    qde = project_xml(data, lang, model_version, project_name)
    if schema is not None:
        validate_project(qde, schema, FILE, PROJECT)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _write(archive, PROJECT, qde)
        for note in data.notes.values():
            _write(archive, f"{SOURCES}/{guid('source', note['note_id'])}.txt", note["text"].encode("utf-8"))
    return {FILE: buffer.getvalue()}


def project_xml(data: ExportData, lang: str = "id", model_version: str = "analyzer",
                project_name: str = "analyzer") -> bytes:
    """The ``project.qde`` document."""
    model = guid("user", MODEL_USER)
    root = ET.Element("Project", xmlns=NS, name=_safe(project_name), origin="analyzer")
    users = ET.SubElement(root, "Users")
    ET.SubElement(users, "User", guid=model, name=messages.text("exchange.model_user", lang), id=MODEL_USER)
    _codebook(ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes"), data, lang)
    variables = {"worker": guid("variable", "worker"), "date": guid("variable", "date")}
    if any(note[field] for note in data.notes.values() for field in variables):
        element = ET.SubElement(root, "Variables")
        for field, variable in variables.items():
            ET.SubElement(element, "Variable", guid=variable, name=messages.text(f"exchange.variable.{field}", lang),
                          typeOfVariable="Text")
    sources = ET.SubElement(root, "Sources")
    coded: dict[str, list] = {}
    for item in data.items:
        if item.suggested:
            coded.setdefault(item.note["note_id"], []).append(item)
    for note in data.notes.values():
        source_id = guid("source", note["note_id"])
        source = ET.SubElement(sources, "TextSource", guid=source_id, name=_safe(note["note_id"]),
                               plainTextPath=f"internal://{source_id}.txt")
        for item in coded.get(note["note_id"], []):
            p = item.passage
            span = (p["note_id"], p["start"], p["end"])
            selection = ET.SubElement(source, "PlainTextSelection", guid=guid("selection", *span),
                                      name=_safe(f"{p['note_id']} #{p['passage']}"), startPosition=str(p["start"]),
                                      endPosition=str(p["end"]), creatingUser=model)
            for label in item.suggested:
                coding = ET.SubElement(selection, "Coding", guid=guid("coding", *span, label), creatingUser=model)
                ET.SubElement(coding, "CodeRef", targetGUID=guid("code", label))
        for field, variable in variables.items():
            if note[field]:
                value = ET.SubElement(source, "VariableValue")
                ET.SubElement(value, "VariableRef", targetGUID=variable)
                ET.SubElement(value, "TextValue").text = _safe(note[field])
    ET.SubElement(root, "Description").text = _safe(f"model: {model_version}")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _codebook(codes: ET.Element, data: ExportData, lang: str) -> None:
    groups = [("principle", [c for c in data.codebook if c in PRINCIPLES]),
              ("outcome", [c for c in data.codebook if c in OUTCOMES]),
              ("breach", [label_id(c, True) for c in data.codebook if c in PRINCIPLES])]
    for group, labels in groups:
        if not labels:
            continue
        parent = ET.SubElement(codes, "Code", guid=guid("group", group),
                               name=messages.text(f"exchange.group.{group}", lang), isCodable="false")
        for label in labels:
            name = _safe(option_text(label, data.name(label), lang))
            code = ET.SubElement(parent, "Code", guid=guid("code", label), name=name, isCodable="true",
                                 color=COLORS[group])
            definition = data.codebook[label.removeprefix("!")]["definition"]
            if definition:
                ET.SubElement(code, "Description").text = _safe(definition)


def _write(archive: zipfile.ZipFile, name: str, content: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, content)


def _safe(value: str) -> str:
    """``value`` without the control characters XML 1.0 cannot hold (ElementTree escapes the rest)."""
    return _NOT_XML.sub("", value)


# --- schema ----------------------------------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _schema(path: str):
    import xmlschema

    return xmlschema.XMLSchema(path)


def validate_project(qde: bytes, schema: str | Path, path: object = FILE, member: str = PROJECT) -> None:
    """Raise an error naming the first problem when ``qde`` does not conform to the REFI-QDA project schema."""
    if not Path(schema).is_file():
        raise ExchangeError("exchange.schema_missing", path=str(schema))
    root = _parse(qde, path, member)
    for error in _schema(str(Path(schema).resolve())).iter_errors(root):
        # reason and path only: the full message would quote the element, and with it note text
        raise ExchangeError("exchange.schema_invalid", path=str(path), member=member,
                            detail=f"{error.reason} ({error.path})")


def _parse(qde: bytes, path: object, member: str) -> ET.Element:
    try:
        root = ET.fromstring(qde)
    except ET.ParseError as exc:
        raise ExchangeError("exchange.bad_xml", path=str(path), member=member, detail=str(exc)) from None
    if root.tag != f"{_Q}Project":
        raise ExchangeError("exchange.not_refi", path=str(path), member=member)
    return root


# --- import ----------------------------------------------------------------------------------------------------------

def read_refi_qda(path: str | Path, *, codebook: Sequence[Mapping] | None = None,
                  passages: Sequence[Mapping] | None = None, schema: str | Path | None = None) -> ImportResult:
    """The codings of a ``.qdpx`` project, one record per selection coded by a person.

    With ``passages`` (those of the exported results), selections are mapped to the body passages they cover and
    a passage whose text changed in the tool is reported, not imported. With ``schema``, the project is validated."""
    read_bytes(path)  # not found, unreadable, empty
    with open_zip(path) as archive:
        member = project_member(archive)
        if member is None:
            raise ExchangeError("exchange.no_project", path=str(path))
        qde = read_member(path, archive, member)
        if schema is not None:
            validate_project(qde, schema, path, member)
        project = _Project(path, archive, _parse(qde, path, member), codebook)
        result = project.read()
    if passages is None:
        result.records = merge_records(result.records)
        return result
    snapped, unmatched = snap_to_passages(result.records, passages)
    for rec in unmatched:
        result.skip(f"{rec['note_id']} {rec['start']}–{rec['end']}", "no_passage", rec["note_id"])
    result.records = []
    for rec in snapped:
        if project.passage_text(rec) is None:
            result.skip(f"{rec['note_id']} #{rec['passage']}", "text_changed", rec["note_id"], rec["passage"])
        else:
            result.records.append(rec)
    return result


def project_member(archive: zipfile.ZipFile) -> str | None:
    """The project file of a ``.qdpx``: ``project.qde``, else the first ``.qde`` at the top level."""
    names = [n for n in archive.namelist() if "/" not in n.strip("/") and n.lower().endswith(".qde")]
    return PROJECT if PROJECT in names else (sorted(names)[0] if names else None)


class _Project:
    """One parsed project: its users, codes and source texts, read as the selections need them."""

    def __init__(self, path: object, archive: zipfile.ZipFile, root: ET.Element,
                 codebook: Sequence[Mapping] | None) -> None:
        self.path, self.archive, self.root = path, archive, root
        self.mapper = LabelMapper(path, codebook)
        self.users = {_key(u.get("guid")): u.get("name") for u in root.iter(f"{_Q}User")}
        model_names = {messages.text("exchange.model_user", lang) for lang in messages.LANGS}
        self.model_users = {key for key, name in self.users.items() if name in model_names}
        self.model_users.add(_key(guid("user", MODEL_USER)))
        self.codes = {_key(c.get("guid")): c.get("name") for c in root.iter(f"{_Q}Code")}
        self.members = {m.lower(): m for m in archive.namelist()}
        self.texts: dict[str, str] = {}  # note_id -> source text

    def read(self) -> ImportResult:
        result = ImportResult(FORMAT)
        for source in self.root.iter(f"{_Q}TextSource"):
            note_id = source.get("name") or source.get("guid") or ""
            if source.find(f"{_Q}Coding") is not None:
                result.skip(note_id, "document_coding", note_id)
            for selection in source.findall(f"{_Q}PlainTextSelection"):
                self._selection(result, source, note_id, selection)
        self.mapper.check()
        return result

    def passage_text(self, rec: Mapping) -> str | None:
        """The note text at a record's offsets if its hash is the record's, else None (the text changed)."""
        text = self.texts.get(rec["note_id"], "")[rec["start"]:rec["end"]]
        return text if text_sha256(text) == rec["text_sha256"] else None

    def _selection(self, result: ImportResult, source: ET.Element, note_id: str, selection: ET.Element) -> None:
        sel_id = selection.get("guid") or "?"
        codings = selection.findall(f"{_Q}Coding")
        if not codings:
            return
        start, end = (self._int(selection, "PlainTextSelection", name) for name in ("startPosition", "endPosition"))
        text = self._text(source, note_id)
        if not 0 <= start < end <= len(text):
            raise ExchangeError("exchange.selection_range", path=str(self.path), guid=sel_id, name=note_id,
                                start=start, end=end, length=len(text))
        match = _SELECTION_NAME.fullmatch(selection.get("name") or "")
        passage = int(match["passage"]) if match and match["note"] == note_id else None
        where = f"{note_id} #{passage}" if passage is not None else f"{note_id} {start}–{end}"
        names, people, times = [], set(), []
        for coding in codings:
            ref = coding.find(f"{_Q}CodeRef")
            target = _key(ref.get("targetGUID") if ref is not None else None)
            if target not in self.codes:
                raise ExchangeError("exchange.code_ref", path=str(self.path), guid=sel_id,
                                    target=ref.get("targetGUID") if ref is not None else "?")
            names.append(self.codes[target])
            user = _key(coding.get("creatingUser"))
            if user not in self.model_users:
                people.add(self.users.get(user) or coding.get("creatingUser") or "")
                times.append(coding.get("creationDateTime"))
        if _key(selection.get("modifyingUser")) not in self.model_users | {""}:
            people.add(self.users.get(_key(selection.get("modifyingUser"))) or selection.get("modifyingUser"))
            times.append(selection.get("modifiedDateTime"))
        if not people:
            result.skip(where, "unreviewed", note_id, passage)
            return
        codes, breaches = self.mapper.map(names, where)
        result.records.append(record(FORMAT, note_id, passage, start, end, text[start:end], codes, breaches,
                                     by=", ".join(sorted(people - {""})) or None,
                                     at=max(filter(None, times), default=None)))

    def _int(self, element: ET.Element, kind: str, name: str) -> int:
        value = (element.get(name) or "").strip()
        if not (value.isascii() and value.isdigit()):
            raise ExchangeError("exchange.refi_attribute", path=str(self.path), element=kind,
                                guid=element.get("guid") or "?", field=name)
        return int(value)

    def _text(self, source: ET.Element, note_id: str) -> str:
        if note_id not in self.texts:
            content = source.find(f"{_Q}PlainTextContent")
            if content is not None:
                self.texts[note_id] = content.text or ""
            else:
                target = source.get("plainTextPath") or ""
                name = target.removeprefix("internal://")  # in sources/ (MAXQDA) or Sources/ (NVivo)
                member = self.members.get(f"{SOURCES}/{name}".lower()) if name != target else None
                if member is None:
                    raise ExchangeError("exchange.source_missing", path=str(self.path), name=note_id,
                                        target=target or "?")
                raw = read_member(self.path, self.archive, member)
                self.texts[note_id] = decode(f"{self.path}:{PurePosixPath(member).name}", raw)
        return self.texts[note_id]


def _key(value: str | None) -> str:
    """A GUID as compared: without braces, lower case (tools differ in both)."""
    return (value or "").strip().strip("{}").lower()
