"""Self-review of one note or reflection: passages with their codes, what the note shows, what it does not,
and the codebook's reflection prompts for what is missing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from analyzer.codebook import OUTCOME_CODES, PRINCIPLE_CODES

if TYPE_CHECKING:  # pragma: no cover
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

    def to_dict(self) -> dict:
        return asdict(self)


def review_text(text: str, model: "CodeModel", codebook: "Codebook", lang: str = "id",
                redact_text: "bool | str" = True) -> Review:
    """Segment and classify one note; list shown/missing codes and the reflection prompts for the missing ones
    (and for breached principles)."""
    from analyzer.text.features import feature_text
    from analyzer.text.redact import redact_passages, redact_terms
    from analyzer.text.segment import segment_note

    passages = segment_note(text)
    shown, hidden = redact_passages(text, [(p.start, p.end) for p in passages], redact_text)
    body = [p for p in passages if not p.is_header]
    preds = dict(zip((p.index for p in body), model.predict_features([feature_text(p.tokens) for p in body])))
    reviewed = []
    for p, shown_text, hide in zip(passages, shown, hidden):
        pred = preds.get(p.index)
        reviewed.append(ReviewedPassage(
            p.index, p.start, p.end, p.kind, shown_text,
            list(pred.labels) if pred else [], list(pred.breaches) if pred else [],
            {k: redact_terms(v, hide, redact_text) for k, v in pred.evidence.items()} if pred else {},
        ))
    applied = {c for r in reviewed for c in r.labels}
    breached = sorted({c for r in reviewed for c in r.breaches})
    principles_missing = [c for c in PRINCIPLE_CODES if c not in applied]
    outcomes_missing = [c for c in OUTCOME_CODES if c not in applied]
    prompt_codes = list(dict.fromkeys(breached + principles_missing + outcomes_missing))
    return Review(
        passages=reviewed,
        principles_shown=[c for c in PRINCIPLE_CODES if c in applied],
        principles_missing=principles_missing,
        outcomes_reached=[c for c in OUTCOME_CODES if c in applied],
        outcomes_missing=outcomes_missing,
        breaches=breached,
        prompts={c: codebook[c].reflection_prompt(lang) for c in prompt_codes},
        weak_codes=list(model.weak_codes),
    )
