"""Evaluation metrics for applied codes and breaches (pure functions, no model involved).

Per code: precision, recall, F1 and support. Micro-F1 pools every passage-code decision; macro-F1 averages
the per-code F1 over the 20 codes (applied) or over the principles that have at least one gold breach passage
(breach). The no-code false-positive rate is the share of passages with no gold code that receive any
predicted code or breach.
"""

from __future__ import annotations

from typing import Sequence

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES

CodeSets = Sequence[frozenset[str] | set[str] | Sequence[str]]


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def per_code_scores(gold: CodeSets, pred: CodeSets, codes: Sequence[str]) -> dict[str, dict[str, float]]:
    """Precision/recall/F1/support for each code in ``codes``."""
    out = {}
    for code in codes:
        tp = sum(1 for g, p in zip(gold, pred) if code in g and code in p)
        fp = sum(1 for g, p in zip(gold, pred) if code not in g and code in p)
        fn = sum(1 for g, p in zip(gold, pred) if code in g and code not in p)
        out[code] = {**_prf(tp, fp, fn), "support": tp + fn, "tp": tp, "fp": fp, "fn": fn}
    return out


def _micro(scores: dict[str, dict[str, float]]) -> float:
    tp = sum(s["tp"] for s in scores.values())
    fp = sum(s["fp"] for s in scores.values())
    fn = sum(s["fn"] for s in scores.values())
    return _prf(int(tp), int(fp), int(fn))["f1"]


def evaluate_sets(gold_labels: CodeSets, gold_breaches: CodeSets, pred_labels: CodeSets,
                  pred_breaches: CodeSets) -> dict:
    """All metrics for one evaluation set, as plain data (JSON-serialisable)."""
    if not (len(gold_labels) == len(gold_breaches) == len(pred_labels) == len(pred_breaches)):
        raise ValueError("gold and predicted lists must have the same length")
    gl = [set(x) for x in gold_labels]
    gb = [set(x) for x in gold_breaches]
    pl = [set(x) for x in pred_labels]
    pb = [set(x) for x in pred_breaches]
    applied = per_code_scores(gl, pl, ALL_CODES)
    breach = per_code_scores(gb, pb, PRINCIPLE_CODES)
    breach_present = [c for c in PRINCIPLE_CODES if breach[c]["support"] > 0]
    no_code = [i for i in range(len(gl)) if not gl[i] and not gb[i]]
    false_pos = sum(1 for i in no_code if pl[i] or pb[i])
    return {
        "passages": len(gl),
        "applied": applied,
        "breach": breach,
        "micro_f1": _micro(applied),
        "macro_f1": sum(applied[c]["f1"] for c in ALL_CODES) / len(ALL_CODES),
        "breach_micro_f1": _micro(breach),
        "breach_macro_f1": (sum(breach[c]["f1"] for c in breach_present) / len(breach_present))
        if breach_present else 0.0,
        "breach_codes_evaluated": breach_present,
        "no_code_passages": len(no_code),
        "no_code_false_positive_rate": false_pos / len(no_code) if no_code else 0.0,
    }
