"""The model card (``MODEL_CARD.md``) written by ``analyzer train`` from the model's metadata."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES

if TYPE_CHECKING:  # pragma: no cover
    from analyzer.codebook import Codebook

# Targets of the classifier issue, measured on the held-out test split.
TARGETS = {
    "micro_f1": (">=", 0.85),
    "macro_f1": (">=", 0.80),
    "breach_macro_f1": (">=", 0.75),
    "no_code_false_positive_rate": ("<=", 0.10),
}
WEAK_F1 = 0.60
WEAK_SUPPORT = 5


def weak_codes(test_metrics: dict) -> list[str]:
    """Codes too weak to rely on: held-out F1 below 0.60 or fewer than 5 test passages (``breach:Pxx`` for
    breaches)."""
    weak = []
    for code, s in test_metrics.get("applied", {}).items():
        if s["f1"] < WEAK_F1 or s["support"] < WEAK_SUPPORT:
            weak.append(code)
    for code, s in test_metrics.get("breach", {}).items():
        if s["support"] == 0:
            continue
        if s["f1"] < WEAK_F1 or s["support"] < WEAK_SUPPORT:
            weak.append("breach:" + code)
    return weak


def target_status(metrics: dict) -> list[tuple[str, float, str, float, bool]]:
    """(metric, value, comparison, target, met) for each target."""
    out = []
    for name, (cmp, goal) in TARGETS.items():
        value = float(metrics.get(name, 0.0))
        met = value >= goal if cmp == ">=" else value <= goal
        out.append((name, value, cmp, goal, met))
    return out


def _table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def render_card(meta: dict, codebook: "Codebook", extra: dict | None = None) -> str:
    """Markdown of the model card."""
    extra = extra or {}
    test = meta.get("metrics", {}).get("test", {})
    cv = meta.get("metrics", {}).get("cv", {})
    weak = set(meta.get("weak_codes", []))
    thresholds = meta.get("thresholds", {})
    applied_rows = []
    for code in ALL_CODES:
        s = test.get("applied", {}).get(code, {})
        applied_rows.append([
            code, codebook[code].name_en, f"{s.get('precision', 0):.2f}", f"{s.get('recall', 0):.2f}",
            f"**{s.get('f1', 0):.2f}**", str(s.get("support", 0)), f"{thresholds.get(code, 0):.2f}",
            "weak" if code in weak else "",
        ])
    breach_rows = []
    for code in PRINCIPLE_CODES:
        s = test.get("breach", {}).get(code, {})
        key = "breach:" + code
        breach_rows.append([
            code, codebook[code].name_en, f"{s.get('precision', 0):.2f}", f"{s.get('recall', 0):.2f}",
            f"**{s.get('f1', 0):.2f}**", str(s.get("support", 0)), f"{thresholds.get(key, 0):.2f}",
            "weak" if key in weak else ("no test passages" if not s.get("support") else ""),
        ])
    status_rows = [
        [name, f"{value:.3f}", f"{cmp} {goal:.2f}", "met" if met else "**missed**"]
        for name, value, cmp, goal, met in target_status(test)
    ]
    cv_line = (
        f"micro-F1 {cv.get('micro_f1', 0):.3f}, macro-F1 {cv.get('macro_f1', 0):.3f}, breach macro-F1 "
        f"{cv.get('breach_macro_f1', 0):.3f}, no-code false-positive rate {cv.get('no_code_false_positive_rate', 0):.3f}"
    )
    versions = ", ".join(f"{k} {v}" for k, v in sorted(meta.get("package_versions", {}).items()))
    config = meta.get("config", {})
    weak_list = ", ".join(sorted(weak)) or "none"
    return f"""# Model card: analyzer passage classifier

*Written by `analyzer train`; do not edit by hand (retrain instead).*

## Intended use
Decision support for **supervision and reflection**: it points a supervisor or a worker to passages of
Indonesian social-work session notes that show one of the 16 negotiation principles (P01–P16), one of the four
engagement outcomes (E1–E4), or a breach of a principle. Every finding is a suggestion to be read in context.

**Not for** ranking, scoring, rewarding or disciplining workers; not for decisions about clients. Notes differ in
length and style, and a principle that is practised but not written down is invisible to the model.

## Data
- Annotated corpus `corpora/annotated/` (SHA-256 `{meta.get('corpus_sha256', '')}`): {meta.get('training_passages', 0)}
  training passages; {test.get('passages', 0)} held-out test passages (`test.jsonl`, whole writing batches never
  used for training or tuning), of which {test.get('no_code_passages', 0)} carry no code.
- All passages were written for this project by the team (invented people and places); see
  `corpora/README.md` for how, the counts per code/setting/style and the inter-annotator agreement.

## Model
- spaCy `blank("id")` tokenizer with our normalisation (informal spellings, abbreviations, negations kept), then
  scikit-learn: word {'–'.join(map(str, config.get('word_ngrams') or ()))}-gram TF-IDF (min_df {config.get('min_df')}) plus hashed
  character {'–'.join(map(str, config.get('char_ngrams') or ()))}-gram TF-IDF (2^{config.get('char_hash_bits')} buckets, within word boundaries)
  → one-vs-rest logistic regression (liblinear, C={config.get('C')}, class_weight {config.get('class_weight')}) over 36
  targets — 20 codes applied and 16 principles breached — plus a gate column ("any code at all").
- Per-target thresholds and the gate threshold ({meta.get('gate_threshold', 0):.2f}) tuned on out-of-fold scores of a
  {config.get('folds')}-fold GroupKFold over writing batches of the training data (never on test data). A passage
  whose gate score is below the gate threshold gets no code. When a principle's applied and breach scores both
  pass, only the one further above its threshold is reported, so a breach is never reported as applied.
- Evidence: for each reported code, the 3–5 words or word pairs of the passage with the largest positive
  contribution (TF-IDF × weight), function words left out.
- Saved with skops (`model.skops`, compressed), loaded with an explicit list of trusted types. Prediction
  uses `scoring.npz`, the same fitted numbers as NumPy arrays (no pickle; SHA-256 in `metadata.json`), which
  loads without scikit-learn; a test checks it gives the pipeline's features and scores. Seed
  {config.get('seed')}; training is deterministic. Package versions: {versions}.

## Held-out test results

{_table(status_rows, ['metric', 'value', 'target', 'status'])}

Grouped cross-validation on the training data (used for tuning): {cv_line}.
{extra.get('baseline_note', '')}
### Applied codes (test split)

{_table(applied_rows, ['code', 'name', 'precision', 'recall', 'F1', 'test passages', 'threshold', 'note'])}

### Breaches (test split)

{_table(breach_rows, ['principle', 'name', 'precision', 'recall', 'F1', 'test passages', 'threshold', 'note'])}

## Known weaknesses
- **Codes too weak to rely on** (held-out F1 below {WEAK_F1:.2f} or fewer than {WEAK_SUPPORT} test passages):
  {weak_list}. Reports mark them; read their findings as hints only.
- Breach F1 values rest on 6–7 test passages per principle: one passage more or less right moves an F1 by
  about 0.1, so read them as rough estimates (the cross-validated breach macro-F1 on the training data,
  {cv.get('breach_macro_f1', 0):.3f}, is the steadier figure).
- The corpus was written by one team; notes from other regions, services or writing habits will differ.
  Expect lower accuracy on very long, list-like or heavily regional (Javanese/Sundanese) passages.
- Neighbouring codes are confused more often than distant ones (P09/E2, P10/P11/P03, P06/P12, E3/E4);
  see `notebooks/model_evaluation.ipynb` (confusion between related codes, error examples, calibration).
- The model sees one passage at a time: behaviour spread over several passages, or implied by context, is
  missed; irony and quoted speech of other people can be misread as the worker's own behaviour.
"""
