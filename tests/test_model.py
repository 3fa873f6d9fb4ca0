"""The classifier: training on a small real sample, determinism, decisions, evidence, persistence."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analyzer.analysis.passages import predict_passages
from analyzer.resources import DEFAULT_MODEL_DIR
from analyzer.corpus.records import read_records
from analyzer.errors import ModelError
from analyzer.model.config import ModelConfig
from analyzer.model.fit import train, tune_thresholds
from analyzer.model.persist import load_estimator, load_model
from analyzer.model.targets import BREACH_PREFIX, N_APPLIED, TARGETS
from tests.conftest import edit_metadata

SMALL = ModelConfig(folds=2)  # the small model of the shared fixture (conftest.py) is trained with this


def test_training_is_deterministic(sample_records, small_model):
    model, cv = small_model
    again, cv2 = train(sample_records, SMALL)
    assert np.array_equal(model.thresholds, again.thresholds)
    assert np.array_equal(model.weights, again.weights)
    texts = [r.text for r in sample_records[:50]]
    assert [p.__dict__ for p in predict_passages(model, texts)] == [p.__dict__ for p in predict_passages(again, texts)]
    assert cv == cv2


def test_tune_thresholds_picks_best_f1():
    scores = np.array([[0.9, 0.1], [0.7, 0.2], [0.4, 0.3], [0.2, 0.8]])
    y = np.array([[1, 0], [1, 0], [0, 0], [0, 0]])
    th = tune_thresholds(scores, y)
    assert 0.4 < th[0] <= 0.7  # separates the two positives from the rest
    assert th[1] == 0.5  # no positive: default


def test_decide_never_reports_breach_as_applied(small_model):
    model, _ = small_model
    scores = np.full((2, len(TARGETS)), 0.01)
    j_app, j_br = TARGETS.index("P02"), TARGETS.index(BREACH_PREFIX + "P02")
    scores[0, j_app], scores[0, j_br] = 0.99, 0.999  # both pass: breach further above its threshold
    scores[1, j_app], scores[1, j_br] = 0.999, model.thresholds[j_br] + 1e-6
    th = model.thresholds.copy()
    model.thresholds[:] = 0.5
    try:
        dec = model.decide(scores)
    finally:
        model.thresholds[:] = th
    assert dec[0, j_br] and not dec[0, j_app]
    assert dec[1, j_app] and not dec[1, j_br]


def test_predictions_have_disjoint_labels_and_breaches(small_model, sample_records):
    model, _ = small_model
    for pred in predict_passages(model, [r.text for r in sample_records]):
        assert not set(pred.labels) & set(pred.breaches)
        assert pred.labels == sorted(pred.labels) and pred.breaches == sorted(pred.breaches)
        for code in pred.labels:
            assert code in pred.evidence and len(pred.evidence[code]) <= 5
        for code in pred.breaches:
            assert BREACH_PREFIX + code in pred.evidence


def test_breach_passages_are_not_reported_as_applied(small_model, sample_records):
    model, _ = small_model
    breach_recs = [r for r in sample_records if r.breaches]
    preds = predict_passages(model, [r.text for r in breach_recs])
    wrongly_applied = sum(1 for r, p in zip(breach_recs, preds) for c in r.breaches if c in p.labels)
    total = sum(len(r.breaches) for r in breach_recs)
    assert wrongly_applied / total < 0.1


def test_empty_text_gets_no_codes(small_model):
    model, _ = small_model
    (pred,) = predict_passages(model, [""])
    assert pred.labels == [] and pred.breaches == [] and pred.evidence == {}
    assert set(pred.scores) == set(TARGETS[:N_APPLIED])


def test_evidence_terms_come_from_the_passage(small_model, sample_records):
    from analyzer.text.tokenizer import feature_strings

    model, _ = small_model
    texts = [r.text for r in sample_records[:80]]
    for feats, pred in zip(feature_strings(texts), predict_passages(model, texts)):
        words = feats.split()
        bigrams = {" ".join(p) for p in zip(words, words[1:])}
        for terms in pred.evidence.values():
            for term in terms:
                assert term in words or term in bigrams


def test_save_load_roundtrip(saved_small_model, small_model, sample_records):
    model, _ = small_model
    loaded = load_model(saved_small_model)
    texts = [r.text for r in sample_records[:30]]
    assert [p.__dict__ for p in predict_passages(loaded, texts)] == [p.__dict__ for p in predict_passages(model, texts)]
    meta = json.loads((saved_small_model / "metadata.json").read_text())
    assert meta["targets"] == list(TARGETS) and meta["note"] == "x"


def test_model_keeps_its_own_lexicon(tmp_path, model_copy, small_model):
    """The lexicon a model was trained with travels with it (checksummed); a changed copy is refused."""
    model, _ = small_model
    assert model.lexicon is not None
    path = tmp_path / "m" / "lexicon.tsv"
    assert path.read_text(encoding="utf-8") == model.lexicon.text
    assert load_model(tmp_path / "m").lexicon.sha256 == model.lexicon.sha256
    path.write_text(model.lexicon.text + "anger\tmarah-marah\n", encoding="utf-8")
    with pytest.raises(ModelError) as exc:
        load_model(tmp_path / "m")
    assert "checksum" in exc.value.render("en")


def test_concept_tokens_change_the_scores(small_model):
    """The concept tokens reach the classifier: the same words score differently without them."""
    model, _ = small_model
    with_lexicon = predict_passages(model, ["Sy membentak ibunya krn kesal."])[0].breach_scores["P02"]
    lexicon, model.lexicon = model.lexicon, None
    try:
        without = predict_passages(model, ["Sy membentak ibunya krn kesal."])[0].breach_scores["P02"]
    finally:
        model.lexicon = lexicon
    assert with_lexicon != without


class Evil:
    """A type skops must refuse to construct."""

    loaded = False

    def __setstate__(self, state):
        Evil.loaded = True


def test_untrusted_model_file_is_refused(tmp_path, model_copy, small_model):
    import skops.io as sio

    model, _ = small_model
    est = model.estimator
    est.named_steps["clf"].evil_ = Evil()
    try:
        sio.dump(est, tmp_path / "m" / "model.skops")
    finally:
        del est.named_steps["clf"].evil_
    for load in (load_estimator, lambda folder: load_model(folder, estimator=True)):
        with pytest.raises(ModelError) as exc:
            load(tmp_path / "m")
        assert exc.value.key == "model.untrusted"
        assert "test_model.Evil" in exc.value.render("en")
    assert not Evil.loaded


def test_pickle_file_is_never_unpickled(tmp_path, model_copy, small_model):
    import pickle

    model, _ = small_model
    (tmp_path / "m" / "model.skops").write_bytes(pickle.dumps(Evil()))
    with pytest.raises(ModelError) as exc:
        load_estimator(tmp_path / "m")
    assert exc.value.render("en").startswith(f"model file {tmp_path / 'm' / 'model.skops'} is damaged (")
    assert not Evil.loaded


def test_model_from_another_version_is_refused(tmp_path, model_copy, small_model):
    model, _ = small_model
    edit_metadata(tmp_path / "m", lambda meta: meta.update(model_format=0))
    with pytest.raises(ModelError) as exc:
        load_model(tmp_path / "m")
    assert exc.value.render("en") == (
        f"the model in {tmp_path / 'm'} has format 0; this version needs format 1. Train again with 'analyzer train'."
    )


def test_missing_files(tmp_path, model_copy, small_model):
    model, _ = small_model
    with pytest.raises(ModelError) as exc:
        load_model(tmp_path / "none")
    assert exc.value.key == "model.not_found"
    (tmp_path / "m" / "model.skops").unlink()
    assert predict_passages(load_model(tmp_path / "m"), ["Saya dengarkan Ibu A."])  # scoring needs only the arrays
    with pytest.raises(ModelError) as exc:
        load_estimator(tmp_path / "m")
    assert exc.value.render("en") == f"model folder {tmp_path / 'm'} has no model.skops. Train it again with 'analyzer train'."
    (tmp_path / "m" / "scoring.npz").unlink()
    with pytest.raises(ModelError) as exc:
        load_model(tmp_path / "m")
    assert exc.value.render("en") == f"model folder {tmp_path / 'm'} has no scoring.npz. Train it again with 'analyzer train'."


def test_model_card_marks_weak_codes():
    from analyzer.codebook import load_codebook
    from analyzer.model.card import render_card, weak_codes

    test = {"applied": {"P01": {"precision": 1, "recall": 1, "f1": 0.9, "support": 20},
                        "P02": {"precision": 0.5, "recall": 0.4, "f1": 0.44, "support": 20},
                        "P03": {"precision": 1, "recall": 1, "f1": 1.0, "support": 4},
                        "P04": {"precision": 1, "recall": 1, "f1": 1.0, "support": 6}},
            "breach": {"P02": {"precision": 1, "recall": 1, "f1": 0.8, "support": 12},
                       "P05": {"precision": 0, "recall": 0, "f1": 0.0, "support": 0}},
            "micro_f1": 0.86, "macro_f1": 0.7, "breach_macro_f1": 0.8, "no_code_false_positive_rate": 0.2,
            "passages": 10, "no_code_passages": 3}
    assert weak_codes(test) == ["P02", "P03"]
    outside = dict(test, micro_f1=0.6, ci95={"micro_f1": [0.55, 0.66]})
    card = render_card({"metrics": {"test": test, "cv": {}, "external": outside}, "weak_codes": weak_codes(test),
                        "config": {}}, load_codebook())
    held_out = next(line for line in card.splitlines() if line.startswith("| held-out writers and genres"))
    assert "| 0.860 |" in held_out and "missed: breach_micro_f1, no_code_false_positive_rate |" in held_out
    external = next(line for line in card.splitlines() if line.startswith("| external set"))
    assert "| 0.600 [0.55–0.66] |" in external and "missed: micro_f1" in external
    assert "**Not for** ranking" in card
    assert "P02, P03" in card


def test_gate_is_tuned_between_real_and_spurious_codes_and_decide_applies_it():
    from analyzer.model.decide import decide
    from analyzer.model.fit import tune_gate

    scores = np.zeros((4, len(TARGETS) + 1))
    y = np.zeros((4, len(TARGETS)), dtype=int)
    scores[0, 0], scores[0, -1], y[0, 0] = 0.9, 0.9, 1  # real code, gate open
    scores[1, 0], scores[1, -1] = 0.9, 0.1  # spurious code, gate closed
    thresholds, gate = tune_gate(scores, y)
    assert 0.1 < gate <= 0.9
    dec = decide(scores, thresholds, gate)
    assert dec.shape == (4, len(TARGETS))
    assert dec[0, 0] and not dec[1].any() and not dec[2:].any()


def test_decide_rules_one_by_one():
    """Each rule of ``decide`` on hand-made scores: threshold per target, the gate's veto (only when the gate
    column is given), and a principle both applied and breached keeps the side further above its threshold."""
    from analyzer.model.decide import decide

    thresholds = np.full(len(TARGETS), 0.5)
    breach_p01 = TARGETS.index(BREACH_PREFIX + "P01")
    e1 = TARGETS.index("E1")
    scores = np.zeros((3, len(TARGETS)))
    scores[0, 0], scores[0, breach_p01] = 0.6, 0.9  # both P01 sides pass: the breach is further above (1.8 vs 1.2)
    scores[1, 0], scores[1, breach_p01] = 0.95, 0.55  # applied further above
    scores[2, e1] = 0.49  # just under its threshold
    dec = decide(scores, thresholds)
    assert not dec[0, 0] and dec[0, breach_p01]
    assert dec[1, 0] and not dec[1, breach_p01]
    assert not dec[2].any()
    gated = np.hstack([scores, np.array([[0.2], [0.8], [0.9]])])
    dec = decide(gated, thresholds, gate_threshold=0.5)
    assert not dec[0].any() and dec[1, 0]
    lower = thresholds.copy()
    lower[e1] = 0.4
    assert decide(scores, lower)[2, e1]


@pytest.mark.slow
def test_train_reproduces_the_committed_model(tmp_path, repo_root):
    """`analyzer train` on the committed corpus gives the committed thresholds, metrics and predictions; with
    the committed transfer figures (``analyzer train --transfer``, about 20 more fits) it writes the committed
    card."""
    from analyzer.codebook import load_codebook
    from analyzer.model.card import render_card
    from analyzer.model.training import train_and_save

    committed = load_model(DEFAULT_MODEL_DIR)
    result = train_and_save(repo_root / "corpora" / "annotated", tmp_path / "m")
    fresh = load_model(result.out_dir)
    assert fresh.metadata["thresholds"] == committed.metadata["thresholds"]
    assert fresh.gate_threshold == committed.gate_threshold
    fresh_metrics = dict(fresh.metadata["metrics"], transfer=committed.metadata["metrics"]["transfer"])
    assert fresh_metrics == committed.metadata["metrics"]
    test = [r.text for r in read_records(repo_root / "corpora" / "annotated") if r.split == "test"][:200]
    assert [p.__dict__ for p in predict_passages(fresh, test)] == [p.__dict__ for p in predict_passages(committed, test)]
    meta = dict(fresh.metadata, metrics=fresh_metrics, weak_codes=committed.metadata["weak_codes"])
    card = (DEFAULT_MODEL_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert render_card(meta, load_codebook()) == card


def test_a_target_without_positives_still_trains_and_predicts(sample_records):
    records = [r for r in sample_records if "P16" not in r.breaches]  # breach:P16 never positive
    model, _ = train(records, SMALL)
    j = TARGETS.index(BREACH_PREFIX + "P16")
    assert not model.weights[:, j].any() and model.bias[j] < 0
    preds = predict_passages(model, [r.text for r in records[:40]])
    assert all("P16" not in p.breaches for p in preds)


def test_evidence_ranked_in_one_batch_equals_ranking_each_passage_alone(small_model, sample_records):
    """``evidence_terms`` ranks every (passage, code) pair at once; each list equals a direct ranking of that
    passage's word features: positive weight × TF-IDF, strongest first, ties in column order, function words
    out, no term sharing a whole word with a stronger one, at most 5."""
    from analyzer.model.evidence import content_mask
    from analyzer.text.tokenizer import feature_strings
    from analyzer.text.normalize import stop_words

    model, _ = small_model
    matrix = model.transform(feature_strings([r.text for r in sample_records[:60]]))
    rows = np.repeat(np.arange(60), 3)
    targets = np.tile([0, 7, N_APPLIED + 2], 60)
    content = content_mask(model.pack.word_terms, stop_words())
    got = model.evidence_terms(matrix, rows, targets)
    checked = 0
    for (i, j), terms in zip(zip(rows.tolist(), targets.tolist()), got):
        lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
        scored = [(-(v * model.weights[c, j]), c) for c, v in zip(matrix.indices[lo:hi], matrix.data[lo:hi])
                  if c < model.pack.n_word and content[c] and v * model.weights[c, j] > 0]
        expected: list[str] = []
        for _, c in sorted(scored):
            term = model.pack.word_terms[c]
            if len(expected) < 5 and not any(set(term.split()) & set(o.split()) for o in expected):
                expected.append(term)
        assert terms == expected
        checked += bool(expected)
    assert checked > 60
