"""The model card (``MODEL_CARD.md``) written by ``analyzer train`` from the model's metadata."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES

if TYPE_CHECKING:  # pragma: no cover
    from analyzer.codebook import Codebook

# Targets of the transfer issue (#12), for leave-one-genre-out, leave-one-style-out and the external set.
QUALITY_TARGETS = {
    "micro_f1": (">=", 0.75),
    "macro_f1": (">=", 0.70),
    "breach_micro_f1": (">=", 0.65),
    "no_code_false_positive_rate": ("<=", 0.10),
}
PROTOCOL_NAMES = {
    "genre": "leave-one-genre-out (CV)",
    "style": "leave-one-style-out (CV)",
    "writer": "leave-one-writer-out (CV)",
    "test": "held-out writers and genres (test-v2.jsonl)",
    "external": "external set (written blind from the codebook)",
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
    for name, (cmp, goal) in QUALITY_TARGETS.items():
        value = float(metrics.get(name, 0.0))
        met = value >= goal if cmp == ">=" else value <= goal
        out.append((name, value, cmp, goal, met))
    return out


def _table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def with_interval(metrics: dict, key: str) -> str:
    """``0.486 [0.47–0.50]``: a metric and its 95% interval when there is one."""
    ci = metrics.get("ci95", {}).get(key)
    value = float(metrics.get(key, 0.0))
    return f"{value:.3f} [{ci[0]:.2f}–{ci[1]:.2f}]" if ci else f"{value:.3f}"


def headline_rows(meta: dict) -> list[tuple[str, dict]]:
    """(key, metrics) of every transfer figure in the order the card and ``analyzer evaluate`` show them; the
    key is a protocol (``genre``, ``style``, ``writer``), ``test`` or ``external`` (names: ``PROTOCOL_NAMES``)."""
    metrics = meta.get("metrics", {})
    rows = [(p, (r or {}).get("pooled", {})) for p, r in (metrics.get("transfer") or {}).items()]
    rows += [(key, metrics[key]) for key in ("test", "external") if metrics.get(key)]
    return rows


def _headline_table(rows: list[tuple[str, dict]]) -> str:
    out = []
    for key, m in rows:
        name = PROTOCOL_NAMES.get(key, key)
        status = ", ".join(k for k, _, _, _, met in target_status(m) if not met)
        out.append([name, str(m.get("passages", 0)), with_interval(m, "micro_f1"),
                    with_interval(m, "macro_f1"), with_interval(m, "breach_micro_f1"),
                    f"{m.get('breach_macro_f1', 0):.3f}", with_interval(m, "no_code_false_positive_rate"),
                    "all met" if not status else f"missed: {status}"])
    return _table(out, ["evaluation", "passages", "micro-F1 [95% CI]", "macro-F1", "breach F1 (micro)",
                        "breach macro-F1", "no-code FP rate", "targets"])


def _group_table(result: dict, label: str) -> str:
    rows = [[g, str(m.get("passages", 0)), str(m.get("documents", 0)), with_interval(m, "micro_f1"),
             f"{m.get('macro_f1', 0):.3f}",
             f"{m.get('breach_micro_f1', 0):.3f}", f"{m.get('no_code_false_positive_rate', 0):.3f}"]
            for g, m in (result or {}).get("groups", {}).items()]
    return _table(rows, [label, "passages", "documents", "micro-F1 [95% CI]", "macro-F1", "breach F1",
                         "no-code FP rate"])


def render_card(meta: dict, codebook: "Codebook", extra: dict | None = None) -> str:
    """Markdown of the model card."""
    from analyzer.model.metadata import reliability_metrics

    extra = extra or {}
    metrics = meta.get("metrics", {})
    test = reliability_metrics(meta)
    transfer = metrics.get("transfer") or {}
    in_style = metrics.get("in_style") or {}
    cv = metrics.get("cv", {})
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
            "weak" if key in weak else ("no passages" if not s.get("support") else ""),
        ])
    in_style_line = (
        f"micro-F1 {in_style.get('micro_f1', 0):.3f}, macro-F1 {in_style.get('macro_f1', 0):.3f}, breach F1 "
        f"{in_style.get('breach_micro_f1', 0):.3f}, no-code false-positive rate "
        f"{in_style.get('no_code_false_positive_rate', 0):.3f} on {in_style.get('passages', 0)} passages"
    )
    versions = ", ".join(f"{k} {v}" for k, v in sorted(meta.get("package_versions", {}).items()))
    config = meta.get("config", {})
    weak_list = ", ".join(sorted(weak)) or "none"
    per_code_source = ("leave-one-genre-out (pooled held-out passages)" if transfer.get("genre")
                       else "the held-out test split")
    learner = f"logistic regression (liblinear, C={config.get('C')})"
    group_sections = ""
    if transfer.get("genre"):
        group_sections += "\n### Per genre (leave-one-genre-out)\n\n" + _group_table(transfer["genre"], "genre") + "\n"
    if transfer.get("style"):
        group_sections += "\n### Per style (leave-one-style-out)\n\n" + _group_table(transfer["style"], "style") + "\n"
    cv = {k: cv.get(k, 0) for k in ("micro_f1", "macro_f1", "breach_micro_f1", "no_code_false_positive_rate")}
    not_measured = "" if transfer else ("\nLeave-one-genre-out and leave-one-style-out were not measured for this "
                                        "model (`analyzer train --transfer` measures them).\n")
    context = {
        "headline_table": _headline_table(headline_rows(meta)), "not_measured": not_measured,
        "contrast_line": _contrast_line(metrics.get("contrast") or {}), "group_sections": group_sections,
        "in_style_line": in_style_line, "baseline_note": extra.get("baseline_note", ""),
        "corpus_sha256": meta.get("corpus_sha256", ""), "training_passages": meta.get("training_passages", 0),
        "word_ngrams": "–".join(map(str, config.get("word_ngrams") or ())), "min_df": config.get("min_df"),
        "char_line": _char_line(config), "learner": learner, "class_weight": config.get("class_weight"),
        "gate_threshold": meta.get("gate_threshold", 0), "seed": config.get("seed"), "versions": versions,
        "per_code_source": per_code_source,
        "applied_table": _table(applied_rows, ["code", "name", "precision", "recall", "F1", "passages", "threshold",
                                               "note"]),
        "breach_table": _table(breach_rows, ["principle", "name", "precision", "recall", "F1", "passages",
                                             "threshold", "note"]),
        "cv": cv, "weak_f1": WEAK_F1, "weak_support": WEAK_SUPPORT, "weak_list": weak_list,
    }
    return _template().render(context)


def _template():
    """The card's prose, ``templates/card.md.j2`` (Jinja2; figures and tables come from :func:`render_card`)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("analyzer.model", "templates"), keep_trailing_newline=True,
                      autoescape=False, undefined=StrictUndefined)
    return env.get_template("card.md.j2")


def _contrast_line(contrast: dict) -> str:
    if not contrast:
        return ""
    wrong = ", ".join(f"{p['pair']} ({p['code']})" for p in contrast["pairs"] if not p["right"]) or "none"
    status = "met" if contrast["pair_accuracy"] >= 0.9 else "**missed**"
    return (f"\nContrast set (`corpora/contrast/contrast.jsonl`, pairs of near-identical passages with a different "
            f"code): **{contrast['pairs_right']} of {len(contrast['pairs'])} pairs right** "
            f"({contrast['pair_accuracy']:.0%}; target ≥ 90%: {status}); passages right "
            f"{contrast['passage_accuracy']:.0%}. Pairs missed: {wrong}.\n")


def _char_line(config: dict) -> str:
    if not config.get("char_ngrams"):
        return ""
    return (f" plus hashed character {'–'.join(map(str, config.get('char_ngrams')))}-gram TF-IDF "
            f"(2^{config.get('char_hash_bits')} buckets, within word boundaries)")
