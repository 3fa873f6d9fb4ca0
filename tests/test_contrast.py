"""The contrast set runs against the shipped model: pairs of near-identical passages with a different code."""

from __future__ import annotations

import json

from analyzer.resources import DEFAULT_MODEL_DIR
from analyzer.corpus.contrast import CONTRAST_SET, contrast_results, read_pairs, status
from analyzer.model.persist import load_model


def test_contrast_set_is_well_formed():
    rows = read_pairs()
    pairs = {}
    for row in rows:
        pairs.setdefault(row["pair"], []).append(row)
    assert len(pairs) >= 40 and len(rows) >= 80
    for pair, members in pairs.items():
        assert len(members) == 2, pair
        assert len({m["code"] for m in members}) == 1, pair
        golds = [status(m["code"], m["labels"], m["breaches"]) for m in members]
        assert golds[0] != golds[1], f"pair {pair} does not contrast its code"


def test_demo_errors_are_in_the_contrast_set():
    texts = {r["text"] for r in read_pairs()}
    assert "Sy pamit dr depan pintu." in texts
    assert "Yang penting Ibu tidur tenang dulu." in texts
    assert any("Sy ngomong kenceng" in t for t in texts)


def test_shipped_model_on_the_contrast_set_matches_its_card(repo_root, capsys):
    """Per pair what the model gets right; the figures equal those recorded at training (no silent drift)."""
    model = load_model(DEFAULT_MODEL_DIR)
    result = contrast_results(model, CONTRAST_SET)
    for pair in result["pairs"]:
        marks = " ".join(f"{p['gold']}→{p['predicted']}{'' if p['right'] else ' ✗'}" for p in pair["passages"])
        print(f"pair {pair['pair']:>2} {pair['code']}: {'right' if pair['right'] else 'WRONG'} ({marks})")
    recorded = json.loads((DEFAULT_MODEL_DIR / "metadata.json").read_text())["metrics"]["contrast"]
    assert result["pair_accuracy"] == recorded["pair_accuracy"]
    assert [p["right"] for p in result["pairs"]] == [p["right"] for p in recorded["pairs"]]
    assert result["pair_accuracy"] > 0.5  # far better than chance on its own code decisions
