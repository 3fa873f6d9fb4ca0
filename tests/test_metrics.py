"""Metrics on a tiny fixture, computed by hand."""

from __future__ import annotations

import pytest

from analyzer.model.metrics import evaluate_sets

# Four passages.
GOLD_L = [{"P10"}, {"P10", "E2"}, set(), set()]
GOLD_B = [set(), set(), {"P02"}, set()]
PRED_L = [{"P10"}, {"E2", "P11"}, set(), {"P14"}]
PRED_B = [set(), set(), {"P02"}, {"P02"}]


def test_hand_computed_metrics():
    m = evaluate_sets(GOLD_L, GOLD_B, PRED_L, PRED_B)
    # P10: tp=1 (passage 1), fn=1 (passage 2) -> P=1, R=0.5, F1=2/3
    assert m["applied"]["P10"]["precision"] == 1.0
    assert m["applied"]["P10"]["recall"] == 0.5
    assert m["applied"]["P10"]["f1"] == pytest.approx(2 / 3)
    # E2: tp=1 -> F1=1; P11: fp=1 -> 0; P14: fp=1 -> 0
    assert m["applied"]["E2"]["f1"] == 1.0
    assert m["applied"]["P11"]["f1"] == 0.0 and m["applied"]["P11"]["support"] == 0
    # micro over applied: tp=2, fp=2 (P11, P14), fn=1 (P10) -> P=0.5, R=2/3, F1=4/7
    assert m["micro_f1"] == pytest.approx(4 / 7)
    # macro over the 20 codes: (2/3 + 1) / 20
    assert m["macro_f1"] == pytest.approx((2 / 3 + 1) / 20)
    # breach P02: tp=1, fp=1 -> P=0.5, R=1, F1=2/3; only P02 has gold breaches
    assert m["breach"]["P02"]["f1"] == pytest.approx(2 / 3)
    assert m["breach_codes_evaluated"] == ["P02"]
    assert m["breach_macro_f1"] == pytest.approx(2 / 3)
    # passage 4 is the only one with no gold code, and it got predictions -> rate 1/1
    assert m["no_code_passages"] == 1
    assert m["no_code_false_positive_rate"] == 1.0


def test_perfect_predictions():
    m = evaluate_sets(GOLD_L, GOLD_B, GOLD_L, GOLD_B)
    assert m["micro_f1"] == 1.0 and m["breach_macro_f1"] == 1.0
    assert m["no_code_false_positive_rate"] == 0.0


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError):
        evaluate_sets(GOLD_L, GOLD_B, PRED_L[:2], PRED_B)
