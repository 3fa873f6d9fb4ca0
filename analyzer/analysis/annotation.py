"""Results to annotation tools and back (issue 16): the bridge between a results file and ``analyzer.exchange``.

**Export.** The exchange formats need each note's text with the passages at their offsets. A results file holds
the passages only, masked, so the export builds a *view* of every note: its passages (masked as asked, never less
than the results were) joined by blank lines, with offsets in that view. Pre-annotations are the codes in effect
(the model's, with corrections applied), scores the model's.

**Import.** What people labelled comes back keyed by note id and passage number (REFI-QDA: by selections in the
view, mapped onto the view's passages). Each labelled passage is checked against the results: the text that was
labelled must be the passage's text in the view of some redaction mode, or its key; otherwise it is listed as
changed and not imported. It becomes one ``label`` correction (``io/corrections.py``) with the passage's offsets
in the note and its key taken from the results, so it applies to every later analysis of the same text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from analyzer.codebook import Codebook

SEPARATOR = "\n\n"
MODES = ("all", "ids", "none")
_STRENGTH = {"none": 0, "ids": 1, "all": 2}


@dataclass
class View:
    """Notes and passages of a results file as the exchange library takes them (offsets in the view)."""

    mode: str
    notes: list[dict]
    passages: list[dict]  # every passage (header and body) of every note, in note order

    def body_index(self) -> dict[tuple[str, int], dict]:
        return {(p["note_id"], p["passage"]): p for p in self.passages if p["kind"] == "body"}


def exchange_codebook(codebook: "Codebook", lang: str = "id") -> list[dict]:
    """The codebook as ``analyzer.exchange`` takes it."""
    kinds = {"principle": "principle", "engagement_outcome": "outcome"}
    return [{"code": c.code, "name": c.name(lang), "kind": kinds[c.group], "definition": c.definition(lang)}
            for c in codebook]


def build_view(df: "pd.DataFrame", mode: str, stored_mode: "bool | str" = "all",
               select: set[tuple[str, int]] | None = None) -> View:
    """The view of the notes of ``df`` (``io/results.py`` columns) with passage texts masked as ``mode`` says
    (text already masked more strongly stays masked). ``select``: only these body passages are exported (their
    notes are still shown whole)."""
    from analyzer.text.redact import mode_of, redact

    stored = mode_of(stored_mode)
    mask = _STRENGTH[mode] > _STRENGTH[stored]
    notes, passages = [], []
    ordered = df.sort_values(["note_id", "passage"], kind="stable") if len(df) else df
    for note_id, rows in ordered.groupby("note_id", sort=False):
        if select is not None and not any((note_id, int(p)) in select for p in rows["passage"]):
            continue
        parts, offset = [], 0
        first = rows.iloc[0]
        for row in rows.itertuples(index=False):
            text = redact(row.text, mode) if mask else row.text
            parts.append(text)
            passage = {"note_id": note_id, "passage": int(row.passage), "start": offset, "end": offset + len(text),
                       "kind": row.kind, "text": text, "labels": list(row.labels), "breaches": list(row.breaches),
                       "scores": _scores(row), "note_start": int(row.start), "note_end": int(row.end),
                       "text_sha256": row.text_sha256}
            if select is None or row.kind != "body" or (note_id, int(row.passage)) in select:
                passages.append(passage)
            offset += len(text) + len(SEPARATOR)
        notes.append({"note_id": note_id, "worker": first.worker, "client": first.client, "date": first.date,
                      "text": SEPARATOR.join(parts)})
    return View(mode, notes, passages)


def _scores(row) -> dict[str, float]:
    scores = {code: float(getattr(row, f"score_{code}")) for code in ALL_CODES}
    scores.update({f"!{code}": float(getattr(row, f"breach_score_{code}")) for code in PRINCIPLE_CODES})
    return scores


def export_results(df: "pd.DataFrame", fmt: str, codebook: "Codebook", *, mode: str = "all",
                   stored_mode: "bool | str" = "all", lang: str = "id", model_version: str = "analyzer",
                   schema: str | Path | None = None, select: set[tuple[str, int]] | None = None) -> dict[str, bytes]:
    """The files of ``fmt`` for the body passages of ``df`` (``select``: only these), as ``exchange.export``."""
    from analyzer.exchange import export

    view = build_view(df, mode, stored_mode, select)
    return export(fmt, exchange_codebook(codebook, lang), view.notes, view.passages, lang=lang,
                  model_version=model_version, schema=schema)


# --- import ----------------------------------------------------------------------------------------------------------

@dataclass
class Imported:
    """What an import gives: corrections to add, the tool's own skipped tasks and ours, warnings (message keys)."""

    source_format: str
    corrections: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {"where", "reason"}: reason a message key
    warnings: list[str] = field(default_factory=list)


def import_labels(path: str | Path, df: "pd.DataFrame", codebook: "Codebook", *, stored_mode: "bool | str" = "all",
                  by: str | None = None, schema: str | Path | None = None) -> Imported:
    """The ``label`` corrections of what people labelled in an annotation tool's export ``path`` of the results
    ``df`` (see the module docstring). ``by`` names the person when the tool does not."""
    from analyzer.exchange import detect_format, import_file
    from analyzer.io.corrections import new_correction

    fmt = detect_format(path)
    cb = exchange_codebook(codebook)
    views = _views(df, stored_mode)
    if fmt == "refi-qda":
        result, view = _best_refi_import(path, cb, views, schema)
    else:
        result, view = import_file(path, fmt=fmt, codebook=cb), views[0]
    out = Imported(fmt, warnings=list(result.warnings))
    out.skipped = [{"where": s["where"], "reason": "exchange.skip." + s["reason"]} for s in result.skipped]
    rows = view.body_index()
    accepted = _accepted_hashes(views)
    for rec in sorted(result.records, key=lambda r: r["at"] or ""):
        where = f"{rec['note_id']} #{rec['passage'] if rec['passage'] is not None else '?'}"
        row = rows.get((rec["note_id"], rec["passage"])) if rec["passage"] is not None else None
        if row is None:
            out.skipped.append({"where": where, "reason": "corrections.skip.no_passage"})
            continue
        if rec["text_sha256"] not in accepted.get((rec["note_id"], rec["passage"]), ()):
            out.skipped.append({"where": where, "reason": "corrections.skip.text_changed"})
            continue
        out.corrections.append(new_correction(
            "label", rec["note_id"], rec["passage"], row["note_start"], row["note_end"], row["text_sha256"],
            labels=rec["labels"], breaches=rec["breaches"], by=rec["by"] or by, at=rec["at"], source=fmt))
    return out


def _views(df: "pd.DataFrame", stored_mode: "bool | str") -> list[View]:
    """The distinct views an export of ``df`` can have been made with (the default mode first)."""
    views: list[View] = []
    seen: set[str] = set()
    for mode in MODES:
        view = build_view(df, mode, stored_mode)
        digest = hashlib.sha256("\x00".join(n["text"] for n in view.notes).encode("utf-8")).hexdigest()
        if digest not in seen:
            seen.add(digest)
            views.append(view)
    return views


def _accepted_hashes(views: Sequence[View]) -> dict[tuple[str, int], set[str]]:
    from analyzer.exchange.records import text_sha256

    accepted: dict[tuple[str, int], set[str]] = {}
    for view in views:
        for key, p in view.body_index().items():
            accepted.setdefault(key, {p["text_sha256"]}).add(text_sha256(p["text"]))
    return accepted


def _best_refi_import(path, codebook: list[dict], views: Sequence[View], schema):
    """REFI-QDA selections are mapped onto the passages of the view the project was exported with: the first view
    whose note texts the project still has (fewest passages reported as changed)."""
    from analyzer.exchange import import_file

    best = None
    for view in views:
        result = import_file(path, fmt="refi-qda", codebook=codebook, passages=view.passages, schema=schema)
        changed = sum(1 for s in result.skipped if s["reason"] == "text_changed")
        if best is None or changed < best[0]:
            best = (changed, result, view)
        if changed == 0:
            break
    return best[1], best[2]


def describe_skipped(skipped: Sequence[Mapping], lang: str = "id") -> list[str]:
    from analyzer import messages

    return [f"{s['where']}: {messages.text(s['reason'], lang)}" for s in skipped]


# --- the commands' library side ------------------------------------------------------------------------------------

def default_schema() -> Path | None:
    """The REFI-QDA project schema beside a source checkout (``../shared/refi-qda/Project.xsd``), when present. It
    is not shipped: ``--schema`` names it elsewhere."""
    from analyzer.resources import REPO_ROOT

    path = REPO_ROOT.parent / "shared" / "refi-qda" / "Project.xsd"
    return path if path.is_file() else None


def write_export(files: Mapping[str, bytes], out_dir: str | Path, inputs: Sequence[str | Path]) -> list[Path]:
    """Write an export's files into the folder ``out_dir`` (created if needed, checked by ``io.outputs``: never an
    input), each atomically."""
    from analyzer.io import atomic
    from analyzer.io.outputs import check_output

    out = check_output(out_dir, inputs, folder=True)
    out.mkdir(parents=True, exist_ok=True)
    targets = [check_output(out / name, inputs) for name in files]
    for target, content in zip(targets, files.values()):
        atomic.write_bytes(target, content)
    return targets


def export_file(results, fmt: str, out_dir, codebook: "Codebook", *, mode: str = "all", lang: str = "id",
                schema: str | Path | None = None, corrections: Sequence[dict] | None = None,
                select: set[tuple[str, int]] | None = None,
                inputs: Sequence[str | Path] = ()) -> tuple[list[Path], int, int]:
    """``analyzer export``: the body passages of a results file (corrections applied) in ``fmt``, written into
    ``out_dir``; returns (files, passages, notes)."""
    from analyzer.analysis.corrections import apply_corrections, read_results_file

    from analyzer.io.outputs import check_output

    df, meta = read_results_file(results)
    check_output(out_dir, [results, *inputs], folder=True)  # before any work
    if corrections:
        df, _ = apply_corrections(df, corrections)
    files = export_results(df, fmt, codebook, mode=mode, stored_mode=meta.get("redacted", True), lang=lang,
                           model_version=meta.get("model_id") or "analyzer", schema=schema or default_schema(),
                           select=select)
    body = df[df["kind"] == "body"]
    if select is not None:
        chosen = [(a, int(b)) in select for a, b in zip(body["note_id"], body["passage"])]
        body = body[chosen]
    written = write_export(files, out_dir, [results, *inputs])
    return written, len(body), body["note_id"].nunique()


def import_file_into(path, results, out, codebook: "Codebook", *, by: str | None = None,
                     schema: str | Path | None = None) -> tuple[Imported, Path]:
    """``analyzer import``: the labels of an annotation tool's export of ``results``, added to the corrections
    file ``out`` as ``label`` corrections; returns what was imported and the file."""
    from analyzer.analysis.corrections import read_results_file
    from analyzer.io.corrections import append
    from analyzer.io.outputs import check_output

    out = check_output(out, [path, results])
    df, meta = read_results_file(results)
    imported = import_labels(path, df, codebook, stored_mode=meta.get("redacted", True), by=by,
                             schema=schema)
    if imported.corrections:
        append(out, imported.corrections)
    return imported, out
