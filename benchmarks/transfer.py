"""Model selection for transfer: variants compared by leave-one-genre-out and leave-one-style-out.

    python benchmarks/transfer.py [--protocols genre,style] [--variants shipped,lexicon,...] [--publish]

For each variant and protocol, every group is held out in turn (``analyzer.transfer``); thresholds for a
group are tuned on the other groups' held-out scores. Ensembles average two variants' held-out probabilities.
The external set (``corpora/external/external.jsonl``) is scored by each variant trained on all training
passages. Prints one table; ``--publish`` writes it into ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.corpus import read_records  # noqa: E402
from analyzer.model import ModelConfig  # noqa: E402

BASE = ModelConfig()
VARIANTS = {
    "shipped": replace(BASE, lexicon=False),
    "lexicon": BASE,
    "lexicon_char35": replace(BASE, char_ngrams=(3, 5)),
    "lexicon_sgd": replace(BASE, solver="sgd"),
    "lexicon_sgd_char35": replace(BASE, solver="sgd", char_ngrams=(3, 5)),
    "lexicon_words": replace(BASE, char_ngrams=None),
}
CONTEXT = {"lexicon_context"}  # experiment only: neighbouring passages' concepts and position in the document
VARIANTS["lexicon_context"] = BASE
ENSEMBLES = {"ens_lexicon+words": ("lexicon", "lexicon_words"), "ens_lexicon+sgd": ("lexicon", "lexicon_sgd")}


def context_texts(records, texts):
    """Append ``ctx:`` tokens: the previous and next body passage's concept tokens and the position in the
    document (first / last body passage). Corpus v1 passages stand alone and get none."""
    from analyzer.lexicon import PREFIX

    out = list(texts)
    by_doc = {}
    for i, r in enumerate(records):
        if r.is_v2:
            by_doc.setdefault(r.doc, []).append(i)
    for rows in by_doc.values():
        for k, i in enumerate(rows):
            extra = []
            if k == 0:
                extra.append("ctx:first")
            if k == len(rows) - 1:
                extra.append("ctx:last")
            for tag, j in (("prev", k - 1), ("next", k + 1)):
                if 0 <= j < len(rows):
                    extra += [f"ctx:{tag}:{t}" for t in texts[rows[j]].split() if t.startswith(PREFIX)]
            out[i] = texts[i] + " " + " ".join(extra) if extra else texts[i]
    return out


def run(protocols, variants, out_json: Path) -> dict:
    import numpy as np

    from analyzer.model import _lexicon, model_texts, target_matrix
    from analyzer.transfer import HeldOut, group_decisions, headline, held_out_scores, sets_from_decisions, summarize

    records = [r for r in read_records(ROOT / "corpora" / "annotated") if r.split == "train" and r.kind == "body"]
    results: dict = json.loads(out_json.read_text()) if out_json.exists() else {}
    y = target_matrix(records)
    texts_cache = {}
    for name in variants:
        config = VARIANTS[name]
        key = bool(config.lexicon)
        if key not in texts_cache:
            texts_cache[key] = model_texts([r.text for r in records], _lexicon(config))
        if name in CONTEXT:
            key = "context"
            texts_cache.setdefault(key, context_texts(records, texts_cache[True]))
        for protocol in protocols:
            t = time.time()
            held = held_out_scores(records, config, protocol, texts=texts_cache[key])
            np.save(out_json.parent / f"{name}.{protocol}.npy", held.scores)
            results.setdefault(name, {})[protocol] = _score(records, y, held)
            results[name][protocol]["seconds"] = round(time.time() - t, 1)
            print(name, protocol, json.dumps(results[name][protocol]["pooled"]), flush=True)
            out_json.write_text(json.dumps(results, indent=1))
    for name, (a, b) in ENSEMBLES.items():
        for protocol in protocols:
            fa, fb = (out_json.parent / f"{v}.{protocol}.npy" for v in (a, b))
            if fa.exists() and fb.exists():
                from analyzer.transfer import PROTOCOLS

                groups = [PROTOCOLS[protocol](r) for r in records]
                held = HeldOut(protocol, groups, (np.load(fa) + np.load(fb)) / 2)
                results.setdefault(name, {})[protocol] = _score(records, y, held)
                print(name, protocol, json.dumps(results[name][protocol]["pooled"]), flush=True)
    out_json.write_text(json.dumps(results, indent=1))
    return results


def _score(records, y, held):
    from analyzer.transfer import group_decisions, headline, sets_from_decisions, summarize

    decisions = group_decisions(held, y)
    labels, breaches = sets_from_decisions(decisions)
    idx = [i for i, g in enumerate(held.groups) if g is not None]
    pooled = headline(summarize([records[i] for i in idx], [labels[i] for i in idx], [breaches[i] for i in idx], 200))
    groups = {}
    for g in sorted({g for g in held.groups if g is not None}):
        gi = [i for i in idx if held.groups[i] == g]
        groups[g] = round(summarize([records[i] for i in gi], [labels[i] for i in gi], [breaches[i] for i in gi], 0)["micro_f1"], 3)
    return {"pooled": pooled, "groups": groups}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--protocols", default="genre,style")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--out", default="/tmp/transfer-bench/results.json")
    args = parser.parse_args()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    run(args.protocols.split(","), args.variants.split(","), out)


if __name__ == "__main__":
    main()
