"""Assemble corpus v2 and the external set from the writers' documents and the annotators' labels.

    python corpora/v2/build.py

Writes ``corpora/annotated/v2-<writer>.jsonl`` (training), ``corpora/annotated/test-v2.jsonl`` (held-out
writers and genres, see ``split.json``) and ``corpora/external/external.jsonl`` (the external set; its gold is
the blind external annotator's label alone). Prints how each label was reached (agreed / adjudicated / blind /
intent) and the agreement of writer intent with the blind label.
"""

import json
from collections import Counter, defaultdict
from pathlib import Path

from analyzer.corpus.assembly import assemble, document_from_json, read_drafts, read_label_file

HERE = Path(__file__).resolve().parent
CORPORA = HERE.parent
ANNOTATED = CORPORA / "annotated"


def write_jsonl(path: Path, rows) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def corpus_v2() -> None:
    split = json.loads((HERE / "split.json").read_text(encoding="utf-8"))
    test_writers, test_genres = set(split["test_writers"]), set(split["test_genres"])
    docs = read_drafts(HERE / "drafts")
    blind, adjudicated = {}, {}
    for path in sorted((HERE / "annotation" / "blind").glob("*.jsonl")):
        blind.update(read_label_file(path))
    for path in sorted((HERE / "annotation" / "adjudicated").glob("*.jsonl")):
        adjudicated.update(read_label_file(path))
    records, how = assemble(docs, blind, adjudicated)
    for old in ANNOTATED.glob("v2-*.jsonl"):
        old.unlink()
    train, test = defaultdict(list), []
    for rec in records:
        if rec["writer"] in test_writers or rec["genre"] in test_genres:
            test.append(rec)
        else:
            train[rec["writer"]].append(rec)
    for writer, rows in sorted(train.items()):
        write_jsonl(ANNOTATED / f"v2-{writer}.jsonl", rows)
    write_jsonl(ANNOTATED / "test-v2.jsonl", test)
    print(f"corpus v2: {len(docs)} documents, {len(records)} passages "
          f"({sum(map(len, train.values()))} training, {len(test)} held out); labels: {dict(how)}")


def external() -> None:
    folder = CORPORA / "external"
    docs = []
    for path in sorted((folder / "drafts").glob("*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                obj = json.loads(raw)
                obj.setdefault("writer", path.stem)
                obj.setdefault("style", "mixed")
                obj.setdefault("setting", "komunitas")
                docs.append(document_from_json(obj))
    gold = {}
    for path in sorted((folder / "annotation").glob("*.jsonl")):
        gold.update(read_label_file(path))
    records, how = assemble(docs, gold, {})
    # The external gold is the blind annotator's label alone (never adjudicated against the writer's intent).
    labelled = []
    for rec in records:
        if rec["id"] in gold:
            rec["labels"], rec["breaches"] = list(gold[rec["id"]][0]), list(gold[rec["id"]][1])
            labelled.append(rec)
    write_jsonl(folder / "external.jsonl", labelled)
    print(f"external: {len(docs)} documents, {len(labelled)} labelled passages of {len(records)}")


if __name__ == "__main__":
    corpus_v2()
    external()
