"""Does the model learn a new agency's notes? (issue 16)

    python benchmarks/adaptation.py            # prints the tables
    python benchmarks/adaptation.py --publish  # and writes them into benchmarks/RESULTS.md

A genre the shipped model never saw plays the new agency: ``rumah_sakit`` (hospital social work) from the held-out
file ``test-v2.jsonl`` (no passage of it is in the training files, and the shipped thresholds were tuned without
it). Its documents are split in two halves of about equal size; each half in turn is the agency's pool of
passages to label, the other half the evaluation set (cross-fitting: every document is evaluated once, never by a
model that learnt from it). From the pool, 25, 50, 100 and 200 passages are "labelled" (their gold labels are
used) and the model is trained as ``analyzer train --add`` trains it (``model.local.fit_with_local``: the training
files plus the labelled passages, each counted ``--weight`` times; the shipped thresholds). 0 is the shipped model.

- **random**: the passages are drawn at random from the pool (nested: the 50 contain the 25), ``--seeds`` draws;
- **suggest**: ``analyzer suggest``'s choice (``analysis.suggest.suggest``), one round per size: the model trained
  on the passages labelled so far scores the rest of the pool and picks the next ones (the shipped model picks
  the first 25).

The weight is chosen beforehand on another unseen genre (``litmas``, ``--tune-genre``), at 100 random passages,
so the main figures were not used to choose it. Reduced for run time (one fit is about 35 s on 2 cores): no
cross-validation inside the fits (``train --add`` cross-validates only to report reliability, not to fit), two
halves, ``--seeds`` random draws. Micro- and macro-F1 of the applied codes and breach micro-F1 are pooled over the
two evaluation halves.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.corpus.records import read_records  # noqa: E402

SIZES = (25, 50, 100, 200)
WEIGHTS = (1, 3, 5, 10)


def halves(records, seed: int = 0):
    """Two groups of documents with about the same number of passages (documents shuffled, then each given to the
    smaller half)."""
    import random

    docs: dict[str, list] = {}
    for r in records:
        docs.setdefault(r.doc, []).append(r)
    names = sorted(docs)
    random.Random(seed).shuffle(names)
    out: list[list] = [[], []]
    for name in sorted(names, key=lambda n: -len(docs[n])):
        min(out, key=len).extend(docs[name])
    return out


class Bench:
    def __init__(self, log=print) -> None:
        from analyzer.model.fit import _lexicon, model_texts
        from analyzer.model.local import config_of
        from analyzer.model.persist import load_model
        from analyzer.model.targets import target_matrix, with_gate
        from analyzer.resources import DEFAULT_CORPUS_DIR

        self.log = log
        self.base = load_model()
        self.config = config_of(self.base.metadata)
        self.lexicon = _lexicon(self.config)
        corpus = [r for r in read_records(DEFAULT_CORPUS_DIR) if r.kind == "body" and r.split == "train"]
        self.corpus_texts = model_texts([r.text for r in corpus], self.lexicon)
        self.corpus_y = with_gate(target_matrix(corpus))
        self.fits = 0

    def texts(self, records):
        from analyzer.model.fit import model_texts

        return model_texts([r.text for r in records], self.lexicon)

    def fit(self, labelled, labelled_texts, weight: int):
        """The model ``train --add`` would make from ``labelled`` (the shipped model when there is none)."""
        from analyzer.model.classifier import CodeModel
        from analyzer.model.local import fit_with_local
        from analyzer.model.targets import target_matrix, with_gate

        if not labelled:
            return self.base
        self.fits += 1
        est = fit_with_local(self.config, self.corpus_texts, self.corpus_y, labelled_texts,
                             with_gate(target_matrix(labelled)), weight)
        return CodeModel.from_estimator(est, self.base.thresholds, gate_threshold=self.base.gate_threshold)

    @staticmethod
    def scores(model, texts):
        return model.scores_from_matrix(model.transform(texts))

    def decisions(self, model, texts):
        """(labels, breaches, applied-code scores) of ``texts``."""
        from analyzer.model.targets import N_APPLIED, decisions_to_sets

        scores = self.scores(model, texts)
        return (*decisions_to_sets(model.decide(scores)), scores[:, :N_APPLIED])


def pool_frame(records, scores):
    """The pool as the passage table ``suggest`` reads (note = document, worker = writer)."""
    import pandas as pd

    from analyzer.io.results import SCORE_COLUMNS

    frame = pd.DataFrame({"note_id": [r.doc for r in records], "worker": [r.writer for r in records],
                          "passage": list(range(len(records))), "kind": "body", "text": [r.text for r in records]})
    for j, name in enumerate(SCORE_COLUMNS):
        frame[name] = scores[:, j]
    return frame


def run_split(bench: Bench, pool, evaluation, weight: int, seeds: int, sizes=SIZES, strategies=("random", "suggest")):
    """{(strategy, size, seed): (gold/pred lists of the evaluation set)} for one pool/evaluation split."""
    import random

    from analyzer.analysis.suggest import suggest

    pool_texts, eval_texts = bench.texts(pool), bench.texts(evaluation)
    out = {}
    base_pred = bench.decisions(bench.base, eval_texts)
    out[("base", 0, 0)] = base_pred
    if "random" in strategies:
        for seed in range(seeds):
            order = list(range(len(pool)))
            random.Random(1000 + seed).shuffle(order)
            for size in sizes:
                chosen = order[:min(size, len(pool))]
                t = time.time()
                model = bench.fit([pool[i] for i in chosen], [pool_texts[i] for i in chosen], weight)
                out[("random", size, seed)] = bench.decisions(model, eval_texts)
                bench.log(f"  random seed {seed} size {size}: fit {time.time() - t:.0f} s")
    if "suggest" in strategies:
        chosen: list[int] = []
        model = bench.base
        for size in sizes:
            frame = pool_frame(pool, bench.scores(model, pool_texts))
            picks = suggest(frame, bench.base.thresholds, min(size, len(pool)) - len(chosen),
                            exclude={(pool[i].doc, i) for i in chosen})
            chosen += [p.passage for p in picks]
            t = time.time()
            model = bench.fit([pool[i] for i in chosen], [pool_texts[i] for i in chosen], weight)
            out[("suggest", size, 0)] = bench.decisions(model, eval_texts)
            bench.log(f"  suggest size {size} ({len(chosen)} picked): fit {time.time() - t:.0f} s")
    return out


def ranking(gold_labels, scores) -> float:
    """Mean average precision of the applied-code scores over the codes with a gold passage: how well the scores
    rank the passages that have a code above those that do not, whatever the thresholds."""
    import numpy as np
    from sklearn.metrics import average_precision_score

    from analyzer.codebook import ALL_CODES

    gold = np.array([[c in labels for c in ALL_CODES] for labels in gold_labels])
    return float(np.mean([average_precision_score(gold[:, j], scores[:, j]) for j in range(len(ALL_CODES))
                          if gold[:, j].any()]))


def pooled_metrics(results_per_split, evaluations):
    """Metrics per (strategy, size): pooled over the splits' evaluation sets, averaged over seeds (min–max)."""
    import numpy as np

    from analyzer.model.metrics import evaluate_sets

    keys = sorted({k for r in results_per_split for k in r}, key=lambda k: (k[0], k[1], k[2]))
    by_condition: dict[tuple[str, int], list[dict]] = {}
    for key in keys:
        gold_l, gold_b, pred_l, pred_b, scores = [], [], [], [], []
        for results, evaluation in zip(results_per_split, evaluations):
            labels, breaches, applied_scores = results[key]
            gold_l += [r.labels for r in evaluation]
            gold_b += [r.breaches for r in evaluation]
            pred_l += labels
            pred_b += breaches
            scores.append(applied_scores)
        metrics = evaluate_sets(gold_l, gold_b, pred_l, pred_b)
        metrics["ranking"] = ranking(gold_l, np.vstack(scores))
        by_condition.setdefault(key[:2], []).append(metrics)
    return by_condition


def _fmt(values: list[float]) -> str:
    mean = sum(values) / len(values)
    return f"{mean:.3f}" if len(values) == 1 else f"{mean:.3f} ({min(values):.3f}–{max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--genre", default="rumah_sakit", help="held-out genre that plays the new agency")
    parser.add_argument("--tune-genre", default="litmas", help="held-out genre the weight is chosen on")
    parser.add_argument("--weight", type=int, default=None, help="skip the weight choice and use this weight")
    parser.add_argument("--seeds", type=int, default=2, help="random draws per size")
    parser.add_argument("--publish", action="store_true", help="write the tables into benchmarks/RESULTS.md")
    args = parser.parse_args()

    from benchmarks._results import publish

    started = time.time()
    bench = Bench(log=lambda line: print(line, file=sys.stderr, flush=True))
    held = [r for r in read_records(ROOT / "corpora" / "annotated" / "test-v2.jsonl") if r.kind == "body"]
    weight_rows = []
    weight = args.weight
    if weight is None:
        tune = [r for r in held if r.genre == args.tune_genre]
        pool, evaluation = halves(tune)
        best = None
        for w in WEIGHTS:
            print(f"weight {w} on {args.tune_genre}", file=sys.stderr)
            res = run_split(bench, pool, evaluation, w, 1, sizes=(100,), strategies=("random",))
            m = pooled_metrics([res], [evaluation])
            base, at100 = m[("base", 0)][0], m[("random", 100)][0]
            weight_rows.append((w, base["micro_f1"], at100["micro_f1"], at100["macro_f1"]))
            if best is None or at100["micro_f1"] > best[1]:
                best = (w, at100["micro_f1"])
        weight = best[0]
    agency = [r for r in held if r.genre == args.genre]
    split = halves(agency)
    results, evaluations = [], []
    for k, (pool, evaluation) in enumerate(((split[0], split[1]), (split[1], split[0]))):
        print(f"half {k + 1}: pool {len(pool)} passages, evaluation {len(evaluation)}", file=sys.stderr)
        results.append(run_split(bench, pool, evaluation, weight, args.seeds))
        evaluations.append(evaluation)
    m = pooled_metrics(results, evaluations)
    base = m[("base", 0)][0]
    rows = ["| labelled passages | strategy | micro-F1 | macro-F1 | breach micro-F1 | ranking (mean AP) | "
            "micro-F1 gain |", "|---|---|---|---|---|---|---|",
            f"| 0 | shipped model | {base['micro_f1']:.3f} | {base['macro_f1']:.3f} | "
            f"{base['breach_micro_f1']:.3f} | {base['ranking']:.3f} | – |"]
    for size in SIZES:
        for strategy in ("random", "suggest"):
            runs = m[(strategy, size)]
            micro = [r["micro_f1"] for r in runs]
            rows.append(f"| {size} | {strategy} | {_fmt(micro)} | {_fmt([r['macro_f1'] for r in runs])} | "
                        f"{_fmt([r['breach_micro_f1'] for r in runs])} | {_fmt([r['ranking'] for r in runs])} | "
                        f"{sum(micro) / len(micro) - base['micro_f1']:+.3f} |")
    gain100 = {s: sum(r["micro_f1"] for r in m[(s, 100)]) / len(m[(s, 100)]) - base["micro_f1"]
               for s in ("random", "suggest")}
    at50 = {s: sum(r["micro_f1"] for r in m[(s, 50)]) / len(m[(s, 50)]) for s in ("random", "suggest")}
    macro50 = {s: sum(r["macro_f1"] for r in m[(s, 50)]) / len(m[(s, 50)]) for s in ("random", "suggest")}
    best100 = max(gain100.values())
    n_pool = [len(split[0]), len(split[1])]
    lines = [
        "## Learning an agency's notes (`python benchmarks/adaptation.py"
        + ("`)" if args.genre == "rumah_sakit" else f" --genre {args.genre} --weight {weight}`)"),
        "",
        f"The new agency: genre `{args.genre}` of `test-v2.jsonl` ({len(agency)} body passages, "
        f"{len({r.doc for r in agency})} documents), never seen by the shipped model. Its documents are split into "
        f"two halves ({n_pool[0]} and {n_pool[1]} passages); each half in turn is the pool to label from and the "
        "other the evaluation set, and the figures are pooled over both evaluation halves (every passage evaluated "
        "once, by models that never saw its document). Labelled passages are added to the training files as "
        f"`analyzer train --add` does, each counted {weight} times, with the shipped thresholds. random: "
        f"{args.seeds} draws per half (mean, min–max over draws); suggest: `analyzer suggest` picks, one round per "
        "size, each round scored by the model trained on the passages labelled so far.",
        "",
        *rows,
        "",
        f"Targets: +0.15 micro-F1 at 100 passages — "
        f"{'**met**' if best100 >= 0.15 else '**missed**'} (random {gain100['random']:+.3f}, suggest "
        f"{gain100['suggest']:+.3f}); suggest better than random at 50 — "
        f"{'**met**' if at50['suggest'] > at50['random'] else '**missed**'} (micro-F1 {at50['suggest']:.3f} vs "
        f"{at50['random']:.3f}; macro-F1 {macro50['suggest']:.3f} vs {macro50['random']:.3f}).",
        "",
        "Ranking (mean average precision of the applied-code scores over the codes present) shows whether the "
        "labels teach the scores anything whatever the thresholds.",
        "",
    ]
    if weight_rows:
        lines += [
            f"The weight was chosen before these runs on another unseen genre, `{args.tune_genre}` (one half "
            "labelled, 100 random passages, the other half evaluated):",
            "",
            "| weight | micro-F1 shipped | micro-F1 at 100 | macro-F1 at 100 |",
            "|---|---|---|---|",
            *[f"| {w} | {b:.3f} | {a:.3f} | {ma:.3f} |" for w, b, a, ma in weight_rows],
            "",
            f"`--weight {weight}` is the default of `analyzer train --add`.",
            "",
        ]
    lines += [f"Reduced for run time: {bench.fits} fits of about 35 s each on 2 cores, no cross-validation inside "
              f"the fits, {args.seeds} random draws; total {(time.time() - started) / 60:.0f} min."]
    publish("adaptation" if args.genre == "rumah_sakit" else f"adaptation-{args.genre}", lines, write=args.publish)


if __name__ == "__main__":
    main()
