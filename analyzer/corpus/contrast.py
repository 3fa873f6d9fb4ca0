"""The contrast set: pairs of passages with mostly the same words and a different code.

``corpora/contrast/contrast.jsonl`` holds hand-checked pairs (``pair``, the contrasted ``code``, ``text``, gold
``labels`` and ``breaches``): speaking loudly in anger (P02 breach) against speaking slowly and calmly (P02), a
farewell at the door (no code) against leaving the client mid-story (P10 breach), a worker who listens against a
client's child who does not. A passage is right when the model's decision on the contrasted code — applied,
breached or neither — is the gold one; a pair is right when both of its passages are.
"""

from __future__ import annotations

import json
from pathlib import Path

from analyzer.resources import CORPORA_DIR

CONTRAST_SET = CORPORA_DIR / "contrast" / "contrast.jsonl"


def status(code: str, labels, breaches) -> str:
    """``applied``, ``breach`` or ``none`` for one code."""
    return "breach" if code in breaches else ("applied" if code in labels else "none")


def read_pairs(path: str | Path = CONTRAST_SET) -> list[dict]:
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def contrast_results(model, path: str | Path = CONTRAST_SET) -> dict:
    """Per pair and per passage what the model gets right, and the share of pairs right."""
    rows = read_pairs(path)
    from analyzer.analysis.passages import predict_passages

    preds = predict_passages(model, [r["text"] for r in rows], evidence=False)
    pairs: dict[int, dict] = {}
    for row, pred in zip(rows, preds):
        gold = status(row["code"], row["labels"], row["breaches"])
        got = status(row["code"], pred.labels, pred.breaches)
        entry = pairs.setdefault(int(row["pair"]), {"pair": int(row["pair"]), "code": row["code"], "passages": []})
        entry["passages"].append({"text": row["text"], "gold": gold, "predicted": got, "right": gold == got})
    for entry in pairs.values():
        entry["right"] = all(p["right"] for p in entry["passages"])
    ordered = [pairs[k] for k in sorted(pairs)]
    n_right = sum(p["right"] for p in ordered)
    passages = [p for e in ordered for p in e["passages"]]
    return {"pairs": ordered, "pairs_right": n_right, "pair_accuracy": round(n_right / max(len(ordered), 1), 4),
            "passage_accuracy": round(sum(p["right"] for p in passages) / max(len(passages), 1), 4)}
