"""Corpus v2 assembly: document offsets, passages with the writer's intent, and the gold-label rule."""

from __future__ import annotations

from analyzer.corpus.assembly import assemble, document_from_json, document_passages, gold_label

DOC = {"doc": "W09-001", "writer": "W09", "genre": "tagana", "style": "chat", "setting": "bencana",
       "blocks": [{"t": "LAPORAN POSKO", "l": [], "b": []},
                  {"t": "Hari/tanggal: Senin, 3 Agustus 2026", "l": [], "b": []},
                  {"t": "Sy duduk menemani Amaq S yg rumahnya roboh, sy biarkan beliau cerita sampai selesai.",
                   "l": ["P10", "X99"], "b": []},
                  {"t": "Sy sempat membentak warga yg berebut terpal di depan tenda.", "l": ["P02"], "b": ["P02"]}]}


def test_blocks_are_joined_by_blank_lines_with_exact_offsets():
    doc = document_from_json(DOC)
    for block, raw in zip(doc.blocks, DOC["blocks"]):
        assert doc.text[block.start:block.end] == raw["t"]
    assert doc.blocks[2].labels == ("P10",)  # unknown code dropped


def test_passages_carry_the_intent_of_their_block_and_kind():
    passages = document_passages(document_from_json(DOC))
    assert [p.kind for p in passages] == ["header", "header", "body", "body"]
    assert passages[2].intent_labels == ("P10",)
    assert passages[3].intent_labels == () and passages[3].intent_breaches == ("P02",)  # breach kept, not both
    assert [p.id for p in passages] == ["W09-001-01", "W09-001-02", "W09-001-03", "W09-001-04"]


def test_gold_label_rule():
    intent, other = (("P10",), ()), (("P11",), ())
    assert gold_label(intent, intent, None)[2] == "agreed"
    assert gold_label(intent, other, (("P10", "P11"), ())) == (("P10", "P11"), (), "adjudicated")
    assert gold_label(intent, other, None) == (("P11",), (), "blind")
    assert gold_label(intent, None, None) == (("P10",), (), "intent")


def test_assemble_records_have_document_fields():
    records, how = assemble([document_from_json(DOC)], {"W09-001-03": (("P10",), ())}, {})
    assert how == {"intent": 3, "agreed": 1}
    rec = records[2]
    assert (rec["writer"], rec["genre"], rec["doc"], rec["kind"], rec["labels"]) == (
        "W09", "tagana", "W09-001", "body", ["P10"])
