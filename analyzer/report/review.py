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
    corrections: dict | None = None  # what applying the corrections file did (``CorrectionSummary.to_dict()``)

    def to_dict(self) -> dict:
        return asdict(self)


def review_text(text: str, model: "CodeModel", codebook: "Codebook", lang: str = "id",
                redact_text: "bool | str" = True, note_id: str | None = None,
                corrections: "list[dict] | None" = None, corrections_file: str | None = None) -> Review:
    """Segment and classify one note; list shown/missing codes and the reflection prompts for the missing ones
    (and for breached principles). ``corrections`` about ``note_id`` (``io/corrections.py``) win over the model."""
    from analyzer.analysis.corrections import Corrector
    from analyzer.analysis.passages import analyze_texts

    (passages,) = analyze_texts([text], model, redact_text)
    corrector = Corrector(corrections or [], corrections_file)
    rows = [(p["passage"], p["start"], p["end"], p["kind"], p["text_sha256"], p["labels"], p["breaches"])
            for p in passages]
    decided = corrector.apply_note(note_id, rows) if note_id is not None else [(p["labels"], p["breaches"], [])
                                                                              for p in passages]
    reviewed = [ReviewedPassage(p["passage"], p["start"], p["end"], p["kind"], p["text"], labels, breaches,
                                p["evidence"], confirmed) for p, (labels, breaches, confirmed) in zip(passages, decided)]
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
        corrections=corrector.summary().to_dict() if corrections is not None else None,
    )
