"""Recall and precision of the personal-identifier recognisers, per kind, and their cost.

    python benchmarks/pii.py [--no-write]

On ``tests/data/pii/notes.jsonl`` (development) and ``heldout.jsonl`` (invented notes with labelled identifier
spans and look-alikes that must survive): a gold span counts as masked when predicted spans cover every character of it (whatever kind they
were given: it is masked either way); precision counts predicted spans that overlap a gold span. Compared
with Presidio's own pattern and deny-list recognisers (``presidio-analyzer``, no NER model), built from the same
patterns, when it is installed. Cost: passages masked per second on the annotated corpus, ``all`` vs ``ids``.
Writes a section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import publish  # noqa: E402

SETS = {
    "development": ROOT / "tests" / "data" / "pii" / "notes.jsonl",  # the recognisers were refined on it
    "held-out": ROOT / "tests" / "data" / "pii" / "heldout.jsonl",  # written later, never looked at while tuning
}
STRUCTURED = ("NIK", "KK", "TELEPON", "EMAIL", "NO_REK", "BPJS", "NISN", "NPWP", "PLAT")


def score(notes, predict) -> tuple[dict, dict]:
    """Per kind: gold spans, masked ones; overall predicted spans and those that hit a gold span."""
    found, total = Counter(), Counter()
    pred_total = pred_hit = 0
    for note in notes:
        text = note["text"]
        spans = predict(text)
        covered = bytearray(len(text))
        for s in spans:
            covered[s[0]:s[1]] = b"\x01" * (s[1] - s[0])
        gold = [(g["start"], g["end"]) for g in note["spans"]]
        for g in note["spans"]:
            total[g["kind"]] += 1
            if all(covered[g["start"]:g["end"]]):
                found[g["kind"]] += 1
        for a, b in spans:
            pred_total += 1
            pred_hit += any(a < gb and b > ga for ga, gb in gold)
    recall = {k: found[k] / total[k] for k in sorted(total)}
    return recall, {"precision": pred_hit / max(pred_total, 1), "predicted": pred_total, "gold": sum(total.values()),
                    "structured_recall": sum(found[k] for k in STRUCTURED) / max(sum(total[k] for k in STRUCTURED), 1),
                    "names_addresses_recall": (found["NAMA"] + found["ALAMAT"]) / max(total["NAMA"] + total["ALAMAT"], 1),
                    "counts": dict(total)}


def ours(text):
    from analyzer.text.pii import find

    return [(s.start, s.end) for s in find(text, "all")]


def presidio_predictor():
    """Presidio PatternRecognizers with our structured patterns, and a deny list of our given names for NAMA."""
    try:
        from presidio_analyzer import Pattern, PatternRecognizer
    except ImportError:
        return None
    from analyzer.text.pii import _lines

    recognisers = []
    for line in _lines("patterns.tsv"):
        kind, _, rx = line.split("\t", 2)
        # Presidio scores whole matches: the keyword part of our context patterns is kept in the match.
        recognisers.append(PatternRecognizer(supported_entity=kind, supported_language="id",
                                             patterns=[Pattern(kind, rx.strip(), 0.8)]))
    names = [n.capitalize() for n in _lines("given_names.txt")]
    recognisers.append(PatternRecognizer(supported_entity="NAMA", supported_language="id", deny_list=names))

    def predict(text):
        out = []
        for r in recognisers:
            for res in r.analyze(text, entities=r.supported_entities, nlp_artifacts=None):
                out.append((res.start, res.end))
        return out

    return predict


def lokal_predictor():
    """lokal-id's ``mask_pii`` (Samaran: Indonesian personal-data masking, rules only), when installed."""
    try:
        import lokal
    except ImportError:
        return None
    return lambda text: [(m.start, m.end) for m in lokal.mask_pii(text).matches]


def cost() -> dict:
    from analyzer.corpus.records import read_records
    from analyzer.text.redact import redact

    texts = [r.text for r in read_records(ROOT / "corpora" / "annotated")]
    out = {}
    for mode in ("ids", "all"):
        redact(texts[0], mode)
        t = time.perf_counter()
        for text in texts:
            redact(text, mode)
        out[mode] = len(texts) / (time.perf_counter() - t)
    out["passages"] = len(texts)
    return out


def section(set_name: str, notes: list, systems: dict) -> list[str]:
    results = {name: score(notes, predict) for name, predict in systems.items()}
    first = next(iter(results.values()))[1]
    kinds = sorted(first["counts"])
    lines = [f"### {set_name.capitalize()} set: {len(notes)} notes, {first['gold']} labelled spans", "",
             "| kind | gold spans | " + " | ".join(f"recall {n}" for n in results) + " |",
             "|---|---|" + "---|" * len(results)]
    for k in kinds:
        lines.append(f"| {k} | {first['counts'][k]} | " + " | ".join(f"{r[0].get(k, 0):.3f}" for r in results.values())
                     + " |")
    for label, key in (("structured identifiers (recall; target 0.995)", "structured_recall"),
                       ("names and addresses (recall; target 0.97)", "names_addresses_recall"),
                       ("precision (target 0.90)", "precision")):
        lines.append(f"| **{label}** | | " + " | ".join(f"**{r[1][key]:.3f}**" for r in results.values()) + " |")
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    systems = {"analyzer (pii.py)": ours}
    presidio = presidio_predictor()
    if presidio:
        systems["Presidio patterns + deny list"] = presidio
    lokal = lokal_predictor()
    if lokal:
        systems["lokal-id mask_pii"] = lokal
    lines = ["## Personal identifiers (`python benchmarks/pii.py`)", "",
             "Invented notes with labelled identifier spans and look-alikes that must survive (session dates, money, "
             "ages, RT/RW in general talk, institutions, initials, role words after honorifics). Recall: gold spans "
             "fully masked (whatever kind they were given); precision: masked spans that touch a gold identifier. "
             "The recognisers were refined on the development set; the held-out set was written afterwards by a "
             "writer who saw neither the recognisers nor the development set.", ""]
    for set_name, path in SETS.items():
        if path.is_file():
            notes = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            lines += section(set_name, notes, systems)
    speed = cost()
    lines += [f"Cost on the {speed['passages']} corpus passages, one core: mode `ids` "
              f"{speed['ids']:,.0f} passages/s, mode `all` {speed['all']:,.0f} passages/s."]
    if not presidio or not lokal:
        lines.append("Comparisons need `pip install presidio-analyzer lokal-id` (benchmark only, not dependencies).")
    publish("pii", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
