"""Model evaluation views for researchers: per-code metrics, confusion between related codes, error examples
and calibration, on annotated passages (the held-out test split by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from analyzer.model.targets import BREACH_PREFIX, TARGETS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from analyzer.corpus.records import Record
    from analyzer.model.classifier import CodeModel

RELATED = [("P09", "E2"), ("P10", "P11"), ("P10", "P03"), ("P11", "P03"), ("P06", "P12"), ("P08", "P12"),
           ("P07", "P13"), ("P04", "P16"), ("E3", "E4")]


def predictions_frame(model: "CodeModel", records: Sequence["Record"]) -> "pd.DataFrame":
    """One row per passage: id, text, setting, style, gold and predicted labels/breaches, and every score."""
    import pandas as pd

    from analyzer.analysis.passages import predict_passages

    preds = predict_passages(model, [r.text for r in records], evidence=False)
    rows = []
    for r, p in zip(records, preds):
        row = {"id": r.id, "text": r.text, "setting": r.setting, "style": r.style,
               "gold_labels": list(r.labels), "gold_breaches": list(r.breaches),
               "pred_labels": p.labels, "pred_breaches": p.breaches}
        row.update({f"score_{c}": v for c, v in p.scores.items()})
        row.update({f"score_{BREACH_PREFIX}{c}": v for c, v in p.breach_scores.items()})
        rows.append(row)
    return pd.DataFrame(rows)


def per_code_table(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Precision/recall/F1/support per applied code and per breach."""
    import pandas as pd

    from analyzer.model.metrics import evaluate_sets

    m = evaluate_sets(frame["gold_labels"], frame["gold_breaches"], frame["pred_labels"], frame["pred_breaches"])
    rows = [{"target": c, **{k: s[k] for k in ("precision", "recall", "f1", "support")}} for c, s in m["applied"].items()]
    rows += [{"target": BREACH_PREFIX + c, **{k: s[k] for k in ("precision", "recall", "f1", "support")}}
             for c, s in m["breach"].items()]
    return pd.DataFrame(rows).set_index("target")


def confusion_between(frame: "pd.DataFrame", pairs=RELATED) -> "pd.DataFrame":
    """For each pair of related codes (a, b): passages whose gold has a but not b and that were predicted b
    but not a (a→b), and the reverse."""
    import pandas as pd

    rows = []
    for a, b in pairs:
        gold, pred = frame["gold_labels"].map(set), frame["pred_labels"].map(set)
        a_to_b = sum(1 for g, p in zip(gold, pred) if a in g and b not in g and b in p and a not in p)
        b_to_a = sum(1 for g, p in zip(gold, pred) if b in g and a not in g and a in p and b not in p)
        rows.append({"pair": f"{a}/{b}", "gold a, predicted b": a_to_b, "gold b, predicted a": b_to_a,
                     "support a": int(sum(a in g for g in gold)), "support b": int(sum(b in g for g in gold))})
    return pd.DataFrame(rows).set_index("pair")


def errors(frame: "pd.DataFrame", code: str, kind: str = "fn", n: int = 5) -> "pd.DataFrame":
    """Example errors for one code: ``fn`` (gold, not predicted) or ``fp`` (predicted, not gold)."""
    breach = code.startswith(BREACH_PREFIX)
    c = code[len(BREACH_PREFIX):] if breach else code
    gold = frame["gold_breaches" if breach else "gold_labels"].map(lambda x: c in x)
    pred = frame["pred_breaches" if breach else "pred_labels"].map(lambda x: c in x)
    mask = (gold & ~pred) if kind == "fn" else (pred & ~gold)
    cols = ["id", "text", "gold_labels", "gold_breaches", "pred_labels", "pred_breaches", f"score_{code}"]
    return frame.loc[mask, cols].sort_values(f"score_{code}", ascending=(kind == "fp")).head(n)


def calibration(frame: "pd.DataFrame", bins: int = 10) -> "pd.DataFrame":
    """Reliability of the scores, pooled over all 36 targets: mean predicted probability vs observed frequency
    per probability bin of equal width (scikit-learn's ``calibration_curve``), with the number of decisions in
    each non-empty bin."""
    import numpy as np
    import pandas as pd
    from sklearn.calibration import calibration_curve

    ys, ps = [], []
    for t in TARGETS:
        breach = t.startswith(BREACH_PREFIX)
        c = t[len(BREACH_PREFIX):] if breach else t
        ys.append(frame["gold_breaches" if breach else "gold_labels"].map(lambda x, c=c: c in x).to_numpy())
        ps.append(frame[f"score_{t}"].to_numpy())
    y, p = np.concatenate(ys).astype(int), np.concatenate(ps)
    observed, predicted = calibration_curve(y, p, n_bins=bins, strategy="uniform")
    counts = np.histogram(p, bins=np.linspace(0, 1, bins + 1))[0]
    return pd.DataFrame({"mean_predicted": predicted, "observed": observed, "decisions": counts[counts > 0]})
