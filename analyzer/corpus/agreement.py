"""Inter-annotator agreement: Cohen's kappa per code between the corpus labels and an independent pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES
from analyzer.errors import CorpusError


def read_second_pass(path: str | Path) -> dict[str, tuple[set[str], set[str]]]:
    """``{id: (labels, breaches)}`` from a JSONL file of an independent annotation pass."""
    from analyzer.io.documents import read_text

    out: dict[str, tuple[set[str], set[str]]] = {}
    line_of: dict[str, int] = {}
    path = Path(path)
    if not path.is_file():
        raise CorpusError("corpus.not_found", path=str(path))
    known = set(ALL_CODES)
    for number, raw in enumerate(read_text(path).splitlines(), start=1):
        if raw.strip():
            try:
                row = json.loads(raw)
                key, labels, breaches = str(row["id"]), row["labels"], row["breaches"]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise CorpusError("corpus.malformed", problem=f"{path.name}:{number}", n=1) from None
            for name, value in (("labels", labels), ("breaches", breaches)):
                if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
                    raise CorpusError("corpus.malformed", problem=f"{path.name}:{number}: {name} must be a list of "
                                      "codes", n=1)
            labels, breaches = set(labels), set(breaches)
            unknown = sorted((labels - known) | (breaches - set(PRINCIPLE_CODES)))
            if unknown:
                raise CorpusError("corpus.malformed", problem=f"{path.name}:{number}: unknown codes "
                                  f"{', '.join(map(str, unknown))}", n=1)
            if key in out:
                raise CorpusError("corpus.duplicate_id_in_pass", path=path.name, id=key, first=line_of[key],
                                  line=number)
            out[key], line_of[key] = (labels, breaches), number
    return out


def _kappa(a: Sequence[int], b: Sequence[int]) -> float | None:
    n = len(a)
    if n == 0:
        return None
    po = sum(1 for x, y in zip(a, b) if x == y) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    if pe == 1.0:
        return None  # no variation in either annotation: kappa undefined
    return (po - pe) / (1 - pe)


def agreement(first: dict[str, tuple[set[str], set[str]]], second: dict[str, tuple[set[str], set[str]]]) -> dict:
    """Per-code and overall Cohen's kappa over the passages both passes labelled.

    Each code is a binary decision per passage (applied codes and breaches separately). "overall" pools every
    passage × code decision; "mean" averages the per-code kappas that are defined. "exact_match" is the share
    of passages whose full label sets agree."""
    ids = sorted(set(first) & set(second))  # ids in one pass only are listed, never silently dropped
    per_code: dict[str, dict] = {}
    pooled_a: list[int] = []
    pooled_b: list[int] = []
    targets = [(c, 0) for c in ALL_CODES] + [(c, 1) for c in PRINCIPLE_CODES]
    for code, which in targets:
        a = [int(code in first[i][which]) for i in ids]
        b = [int(code in second[i][which]) for i in ids]
        key = code if which == 0 else f"breach:{code}"
        per_code[key] = {"kappa": _kappa(a, b), "first": sum(a), "second": sum(b),
                         "both": sum(1 for x, y in zip(a, b) if x and y)}
        pooled_a += a
        pooled_b += b
    defined = [v["kappa"] for v in per_code.values() if v["kappa"] is not None]
    exact = sum(1 for i in ids if first[i] == second[i])
    return {
        "passages": len(ids),
        "per_code": per_code,
        "overall": _kappa(pooled_a, pooled_b),
        "mean": sum(defined) / len(defined) if defined else None,
        "exact_match": exact / len(ids) if ids else None,
        "disagreements": [i for i in ids if first[i] != second[i]],
        "only_first": sorted(set(first) - set(second)),
        "only_second": sorted(set(second) - set(first)),
    }
