"""Agreement of the writers' intent with the blind annotators' labels, per writer (micro-F1 over codes,
treating the blind label as reference), on body passages: ``python corpora/v2/agreement.py``."""

from collections import defaultdict
from pathlib import Path

from analyzer.corpus.assembly import document_passages, read_drafts, read_label_file
from analyzer.model.metrics import evaluate_sets

HERE = Path(__file__).resolve().parent

blind = {}
for path in sorted((HERE / "annotation" / "blind").glob("*.jsonl")):
    blind.update(read_label_file(path))
rows = defaultdict(list)
for doc in read_drafts(HERE / "drafts"):
    for p in document_passages(doc):
        if p.kind == "body" and p.id in blind:
            rows[doc.writer].append((p, blind[p.id]))
for writer, items in sorted(rows.items()):
    m = evaluate_sets([b[0] for _, b in items], [b[1] for _, b in items],
                      [p.intent_labels for p, _ in items], [p.intent_breaches for p, _ in items])
    exact = sum(1 for p, b in items if (p.intent_labels, p.intent_breaches) == b) / len(items)
    print(f"{writer}: {len(items)} body passages, intent vs blind micro-F1 {m['micro_f1']:.3f}, "
          f"breach micro-F1 {m['breach_micro_f1']:.3f}, exact agreement {exact:.2f}")
