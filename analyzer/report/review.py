"""Self-review of one note or reflection: passages with their codes, what the note shows, what it does not,
and the codebook's reflection prompts for what is missing.

Prompts are prioritised: every breached principle first (strongest breach first), then at most
``MAX_MISSING_PROMPTS`` missing codes chosen by relevance. A missing code is more relevant when the note came
closer to showing it (its highest score in any passage: the note touches the subject without the practice being
clear); with the worker's earlier notes (``history``), a code those notes also lack (a recurring gap) comes
before one they usually show.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from analyzer.codebook import ALL_CODES, OUTCOME_CODES, PRINCIPLE_CODES

MAX_MISSING_PROMPTS = 3
RECURRING_GAP = 0.25  # a code in fewer than this share of the worker's earlier notes is a recurring gap

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from analyzer.codebook import Codebook
    from analyzer.model.classifier import CodeModel


@dataclass
class ReviewedPassage:
    index: int
    start: int
    end: int
    kind: str
    text: str
    labels: list[str] = field(default_factory=list)
    breaches: list[str] = field(default_factory=list)
    evidence: dict[str, list[str]] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    breach_scores: dict[str, float] = field(default_factory=dict)
    confirmed: list[str] = field(default_factory=list)  # codes (``!P05``: breaches) a person confirmed or added


@dataclass
class Review:
    """What one note shows (plain data; ``to_dict`` gives the JSON of ``analyzer review --format json``)."""

    passages: list[ReviewedPassage]
    principles_shown: list[str]
    principles_missing: list[str]
    outcomes_reached: list[str]
    outcomes_missing: list[str]
    breaches: list[str]
    prompts: dict[str, str]
    weak_codes: list[str]
    note: dict = field(default_factory=dict)  # note_id, worker, client, date (from the front matter)
    history: dict | None = None  # comparison with the worker's earlier notes (``compare_history``)
    corrections: dict | None = None  # what applying the corrections file did (``CorrectionSummary.to_dict()``)

    def to_dict(self) -> dict:
        return asdict(self)


def prioritised_prompts(breached: list[str], missing: list[str], passages: list[ReviewedPassage],
                        codebook: "Codebook", lang: str, history: dict | None = None) -> dict[str, str]:
    """Reflection prompts: breaches first (strongest first), then the ``MAX_MISSING_PROMPTS`` most relevant
    missing codes (see the module docstring)."""
    breach_strength = {c: max((p.breach_scores.get(c, 0.0) for p in passages), default=0.0) for c in breached}
    closeness = {c: max((p.scores.get(c, 0.0) for p in passages), default=0.0) for c in missing}
    shares = (history or {}).get("codes", {})

    def relevance(code: str):
        recurring = code in shares and shares[code]["share"] < RECURRING_GAP
        return (not recurring, -closeness[code], ALL_CODES.index(code))

    chosen = sorted(breached, key=lambda c: (-breach_strength[c], ALL_CODES.index(c)))
    chosen += sorted((c for c in missing if c not in breached), key=relevance)[:MAX_MISSING_PROMPTS]
    return {c: codebook[c].reflection_prompt(lang) for c in chosen}


def note_header(meta: dict, source: str) -> dict:
    """The note's id, worker, client and date (ISO) from its front matter; the file name stands in for a missing
    id."""
    from pathlib import Path

    from analyzer.io.dates import read_date

    date = read_date(meta.get("date")).date
    fallback = "" if source in ("-", "") else Path(source).stem
    return {"note_id": str(meta.get("note_id") or fallback), "worker": str(meta.get("worker") or ""),
            "client": str(meta.get("client") or ""), "date": date.isoformat() if date else ""}


def compare_history(review: "Review", passages: "pd.DataFrame") -> dict:
    """This note against the same worker's earlier notes in a results table (``analyzer analyze``): notes before
    this note's date (all of the worker's other notes when it has none). Per code: the share of earlier notes with
    evidence; codes this note shows that earlier notes rarely did (new), codes they usually show that this note
    does not (usual but missing), and breaches earlier notes also had (repeated)."""
    worker, date, note_id = review.note.get("worker"), review.note.get("date"), review.note.get("note_id")
    own = passages[(passages["worker"] == worker) & (passages["note_id"] != note_id)]
    if date:
        own = own[(own["date"] != "") & (own["date"] < date)]
    notes = int(own["note_id"].nunique())
    body = own[own["kind"] == "body"]
    applied = body[["note_id", "labels"]].explode("labels").dropna().drop_duplicates()
    breached = body[["note_id", "breaches"]].explode("breaches").dropna().drop_duplicates()
    with_code = applied.groupby("labels")["note_id"].size().to_dict()
    with_breach = breached.groupby("breaches")["note_id"].size().to_dict()
    shown = set(review.principles_shown) | set(review.outcomes_reached)
    codes = {c: {"notes": int(with_code.get(c, 0)), "share": round(with_code.get(c, 0) / notes, 4) if notes else 0.0,
                 "breached_notes": int(with_breach.get(c, 0)), "in_this_note": c in shown} for c in ALL_CODES}
    dated = sorted(d for d in own["date"].unique() if d)
    return {
        "worker": worker, "notes": notes, "first_date": dated[0] if dated else "",
        "last_date": dated[-1] if dated else "", "codes": codes,
        "new": [c for c in ALL_CODES if c in shown and codes[c]["share"] < RECURRING_GAP] if notes else [],
        "usual_missing": [c for c in ALL_CODES if c not in shown and codes[c]["share"] >= 0.5] if notes else [],
        "repeated_breaches": [c for c in review.breaches if codes[c]["breached_notes"]],
    }


def review_text(text: str, model: "CodeModel", codebook: "Codebook", lang: str = "id",
                redact_text: "bool | str" = True, note: dict | None = None,
                history: "pd.DataFrame | None" = None, *, note_id: str | None = None,
                corrections: "list[dict] | None" = None, corrections_file: str | None = None) -> Review:
    """Segment and classify one note; list shown/missing codes and the prioritised reflection prompts for
    breached principles and missing codes. ``note`` is the header (``note_header``); ``history`` a results table
    holding the worker's earlier notes; ``corrections`` about ``note_id`` (``io/corrections.py``) win over the
    model."""
    from analyzer.analysis.corrections import Corrector
    from analyzer.analysis.passages import Prediction, analyze_texts

    (passages,) = analyze_texts([text], model, redact_text)
    corrector = Corrector(corrections or [], corrections_file)
    rows = [(p["passage"], p["start"], p["end"], p["kind"], p["text_sha256"], p["labels"], p["breaches"])
            for p in passages]
    decided = corrector.apply_note(note_id, rows) if note_id is not None else [(p["labels"], p["breaches"], [])
                                                                              for p in passages]
    reviewed = []
    for p, (labels, breaches, confirmed) in zip(passages, decided):
        pred = Prediction.of(p)
        scored = p["kind"] == "body"
        reviewed.append(ReviewedPassage(
            p["passage"], p["start"], p["end"], p["kind"], p["text"], labels, breaches, p["evidence"],
            scores={c: round(float(v), 3) for c, v in pred.scores.items()} if scored else {},
            breach_scores={c: round(float(v), 3) for c, v in pred.breach_scores.items()} if scored else {},
            confirmed=confirmed,
        ))
    applied = {c for r in reviewed for c in r.labels}
    breached = sorted({c for r in reviewed for c in r.breaches})
    principles_missing = [c for c in PRINCIPLE_CODES if c not in applied]
    outcomes_missing = [c for c in OUTCOME_CODES if c not in applied]
    review = Review(
        passages=reviewed,
        principles_shown=[c for c in PRINCIPLE_CODES if c in applied],
        principles_missing=principles_missing,
        outcomes_reached=[c for c in OUTCOME_CODES if c in applied],
        outcomes_missing=outcomes_missing,
        breaches=breached,
        prompts={},
        weak_codes=list(model.weak_codes),
        note=dict(note or {"note_id": "", "worker": "", "client": "", "date": ""}),
        corrections=corrector.summary().to_dict() if corrections is not None else None,
    )
    if history is not None:
        review.history = compare_history(review, history)
    review.prompts = prioritised_prompts(breached, principles_missing + outcomes_missing, reviewed, codebook, lang,
                                         review.history)
    return review
