"""Write the blind annotators' packets: ``python corpora/v2/make_packets.py W01 W02 …`` (all writers if none)."""

import sys
from collections import defaultdict
from pathlib import Path

from analyzer.corpus.assembly import annotation_packet, read_drafts

HERE = Path(__file__).resolve().parent
docs = defaultdict(list)
for doc in read_drafts(HERE / "drafts"):
    docs[doc.writer].append(doc)
for writer in sys.argv[1:] or sorted(docs):
    out = HERE / "annotation" / "packets" / f"{writer}.md"
    out.write_text(f"# Packet {writer}\n\n" + annotation_packet(docs[writer]), encoding="utf-8")
    print(out, len(docs[writer]), "documents")
