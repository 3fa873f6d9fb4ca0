"""Write adjudication packets: for every passage where the writer's intent and the blind label disagree, the
passage with its neighbours and the two label sets in random order (the adjudicator does not know which is
whose). ``python corpora/v2/make_adjudication.py W01 …``"""

import random
import sys
from pathlib import Path

from analyzer.corpus.assembly import document_passages, read_drafts, read_label_file

HERE = Path(__file__).resolve().parent
ANN = HERE / "annotation"


def fmt(labels) -> str:
    applied, breached = labels
    parts = list(applied) + [f"breach {c}" for c in breached]
    return ", ".join(parts) or "(no code)"


for writer in sys.argv[1:]:
    blind = read_label_file(ANN / "blind" / f"{writer}.jsonl")
    rng = random.Random(writer)
    out = [f"# Adjudication packet {writer}", ""]
    n = 0
    for doc in read_drafts(HERE / "drafts"):
        if doc.writer != writer:
            continue
        passages = document_passages(doc)
        for i, p in enumerate(passages):
            intent = (p.intent_labels, p.intent_breaches)
            if p.id not in blind or blind[p.id] == intent:
                continue
            options = [intent, blind[p.id]]
            rng.shuffle(options)
            before = passages[i - 1].text if i > 0 else "(start of document)"
            after = passages[i + 1].text if i + 1 < len(passages) else "(end of document)"
            out += [f"## {p.id} (genre {doc.genre})", f"before: {before}", f"**[{p.id}] {p.text}**",
                    f"after: {after}", f"A: {fmt(options[0])}", f"B: {fmt(options[1])}", ""]
            n += 1
    (ANN / "adjudication_packets" / f"{writer}.md").write_text("\n".join(out), encoding="utf-8")
    print(writer, n, "disagreements")
