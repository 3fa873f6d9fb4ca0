"""Evaluation that measures transfer: leave-one-genre-out, leave-one-style-out, leave-one-writer-out.

For a protocol (a way to group passages), each group in turn is held out: a model is trained on every other
passage and scores the held-out group. The thresholds applied to group *g* are tuned on the held-out scores
of the *other* groups only, so no label of *g* — not even through a threshold — reaches its own figures.
Figures are pooled over all held-out passages, given per group, and come with 95% bootstrap confidence
intervals that resample whole documents (passages of one document are not independent).

Corpus v1 passages (genre ``v1``, not documents) never form a held-out genre or writer group: they are always
training data there. In leave-one-style-out every passage belongs to its style family.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from analyzer.corpus.records import Record
    from analyzer.model.config import ModelConfig

PROTOCOLS: dict[str, Callable[["Record"], str | None]] = {
    "genre": lambda r: r.genre if r.is_v2 else None,
    "style": lambda r: r.style_family,
    "writer": lambda r: r.writer if r.is_v2 else None,
}
BOOTSTRAP = 1000
HEADLINE = ("micro_f1", "macro_f1", "breach_micro_f1", "breach_macro_f1", "no_code_false_positive_rate")


@dataclass
class HeldOut:
    """Held-out scores of one protocol: ``scores[i]`` was produced by a model that never saw ``groups[i]``."""

    protocol: str
    groups: list[str | None]
    scores: "np.ndarray"  # passages × (36 targets + gate); NaN rows for passages never held out


def held_out_scores(records: Sequence["Record"], config: "ModelConfig", protocol: str,
                    progress: Callable[[str], None] | None = None, texts: Sequence[str] | None = None) -> HeldOut:
    """Scores of every passage of a held-out group, each from a model trained without that group."""
    import numpy as np

    from analyzer.model.classifier import CodeModel
    from analyzer.model.fit import _fit, _lexicon, model_texts
    from analyzer.model.targets import TARGETS, target_matrix, with_gate

    key = PROTOCOLS[protocol]
    groups = [key(r) for r in records]
    if texts is None:
        texts = model_texts([r.text for r in records], _lexicon(config))
    y = with_gate(target_matrix(records))
    out = np.full(y.shape, np.nan)
    names = sorted({g for g in groups if g is not None})
    for k, name in enumerate(names, start=1):
        if progress:
            progress(f"{protocol} {k}/{len(names)}")
        test = [i for i, g in enumerate(groups) if g == name]
        train = [i for i, g in enumerate(groups) if g != name]
        est = _fit(config, [texts[i] for i in train], y[train])
        model = CodeModel.from_estimator(est, np.full(len(TARGETS), 0.5))
        out[test] = model.scores_from_matrix(model.transform([texts[i] for i in test]))
    return HeldOut(protocol, groups, out)


def group_decisions(held: HeldOut, y: "np.ndarray") -> "np.ndarray":
    """Decisions for every held-out passage, with thresholds tuned on the other groups' held-out scores."""
    import numpy as np

    from analyzer.model.decide import decide
    from analyzer.model.fit import tune_gate

    decisions = np.zeros((len(held.groups), y.shape[1]), dtype=bool)
    evaluated = ~np.isnan(held.scores[:, 0])
    groups = np.array([g if g is not None else "" for g in held.groups], dtype=object)
    for name in sorted({g for g in held.groups if g is not None}):
        mine = groups == name
        others = evaluated & ~mine
        thresholds, gate = tune_gate(held.scores[others], y[others])
        decisions[mine] = decide(held.scores[mine], thresholds, gate)
    return decisions


def bootstrap_ci(gold: "np.ndarray", pred: "np.ndarray", docs: Sequence[str], n: int = BOOTSTRAP,
                 seed: int = 0) -> dict[str, list[float]]:
    """95% percentile intervals of the headline metrics over ``n`` resamples of whole documents.

    ``gold`` and ``pred`` are boolean passages × 36 matrices (20 applied codes, then 16 breaches)."""
    import numpy as np

    from analyzer.model.targets import N_APPLIED

    doc_ids, inverse = np.unique(np.asarray(docs, dtype=object).astype(str), return_inverse=True)
    d = len(doc_ids)

    def per_doc(matrix):
        out = np.zeros((d, matrix.shape[1]))
        np.add.at(out, inverse, matrix.astype(np.float64))
        return out

    tp, fp, fn = per_doc(gold & pred), per_doc(~gold & pred), per_doc(gold & ~pred)
    no_code = ~gold.any(axis=1)
    nc = per_doc(no_code[:, None])[:, 0]
    nc_fp = per_doc((no_code & pred.any(axis=1))[:, None])[:, 0]
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(d, np.full(d, 1.0 / d), size=n).astype(np.float64)  # n × documents
    TP, FP, FN = weights @ tp, weights @ fp, weights @ fn

    def micro(cols):
        t, f, m = TP[:, cols].sum(1), FP[:, cols].sum(1), FN[:, cols].sum(1)
        return 2 * t / np.maximum(2 * t + f + m, 1e-12)

    def macro(cols, present_only):
        f1 = 2 * TP[:, cols] / np.maximum(2 * TP[:, cols] + FP[:, cols] + FN[:, cols], 1e-12)
        if not present_only:
            return f1.mean(1)
        present = (TP[:, cols] + FN[:, cols]) > 0
        return (f1 * present).sum(1) / np.maximum(present.sum(1), 1)

    applied, breach = slice(0, N_APPLIED), slice(N_APPLIED, gold.shape[1])
    values = {
        "micro_f1": micro(applied), "macro_f1": macro(applied, False),
        "breach_micro_f1": micro(breach), "breach_macro_f1": macro(breach, True),
        "no_code_false_positive_rate": (weights @ nc_fp) / np.maximum(weights @ nc, 1e-12),
    }
    return {k: [round(float(np.percentile(v, 2.5)), 4), round(float(np.percentile(v, 97.5)), 4)]
            for k, v in values.items()}


def summarize(records: Sequence["Record"], pred_labels, pred_breaches, bootstrap: int = BOOTSTRAP) -> dict:
    """Metrics (``metrics.evaluate_sets``) of predictions on ``records`` plus bootstrap intervals."""
    from analyzer.model.metrics import evaluate_sets
    from analyzer.model.targets import code_matrix

    gold_l, gold_b = [r.labels for r in records], [r.breaches for r in records]
    result = evaluate_sets(gold_l, gold_b, pred_labels, pred_breaches)
    if bootstrap and records:
        result["ci95"] = bootstrap_ci(code_matrix(gold_l, gold_b), code_matrix(pred_labels, pred_breaches),
                                      [r.doc for r in records], bootstrap)
    result["documents"] = len({r.doc for r in records})
    return result


def headline(metrics: dict) -> dict:
    """The headline numbers of a metrics dict (and their intervals when present)."""
    out = {k: round(float(metrics[k]), 4) for k in HEADLINE if k in metrics}
    out["passages"] = metrics.get("passages", 0)
    out["documents"] = metrics.get("documents", 0)
    if "ci95" in metrics:
        out["ci95"] = metrics["ci95"]
    return out


def evaluate_held_out(records: Sequence["Record"], held: HeldOut, bootstrap: int = BOOTSTRAP) -> dict:
    """Pooled (with per-code figures and bootstrap intervals) and per-group results of held-out scores."""
    from analyzer.model.targets import decisions_to_sets, target_matrix

    labels, breaches = decisions_to_sets(group_decisions(held, target_matrix(records)))
    evaluated = [i for i, g in enumerate(held.groups) if g is not None]
    pooled = summarize([records[i] for i in evaluated], [labels[i] for i in evaluated],
                       [breaches[i] for i in evaluated], bootstrap)
    per_group = {}
    for name in sorted({g for g in held.groups if g is not None}):
        idx = [i for i in evaluated if held.groups[i] == name]
        per_group[name] = headline(summarize([records[i] for i in idx], [labels[i] for i in idx],
                                             [breaches[i] for i in idx], bootstrap))
    return {"protocol": held.protocol, "pooled": pooled, "groups": per_group}


def measure_transfer(records: Sequence["Record"], config: "ModelConfig", protocols: Sequence[str] = ("genre", "style"),
                     progress: Callable[[str], None] | None = None, texts: Sequence[str] | None = None) -> dict:
    """``{protocol: evaluate_held_out(...)}`` for each protocol that has at least two groups."""
    from analyzer.model.fit import _lexicon, model_texts

    if texts is None:
        texts = model_texts([r.text for r in records], _lexicon(config))
    out = {}
    for protocol in protocols:
        if len({g for g in map(PROTOCOLS[protocol], records) if g is not None}) >= 2:
            out[protocol] = evaluate_held_out(records, held_out_scores(records, config, protocol, progress, texts))
    return out
