"""Transfer evaluation: held-out groups never tune their own thresholds; bootstrap over documents."""

from __future__ import annotations

import numpy as np

from analyzer.corpus.records import Record
from analyzer.model.targets import TARGETS
from analyzer.model.transfer import HeldOut, bootstrap_ci, group_decisions


def _records(groups):
    return [Record(id=str(i), text="x", labels=(), breaches=(), setting="pkh", style="formal", batch=str(i),
                   genre=g, doc=f"d{i}") for i, g in enumerate(groups)]


def test_a_group_is_decided_with_thresholds_from_the_other_groups_only():
    rng = np.random.default_rng(0)
    groups = ["a"] * 40 + ["b"] * 40 + ["c"] * 40
    scores = rng.random((120, len(TARGETS) + 1))
    y = (rng.random((120, len(TARGETS))) < 0.2).astype(np.int8)
    held = HeldOut("genre", groups, scores)
    before = group_decisions(held, y)
    y_changed = y.copy()
    y_changed[:40] = 1 - y_changed[:40]  # every label of group "a" flipped
    after = group_decisions(held, y_changed)
    assert np.array_equal(before[:40], after[:40])  # group a's own decisions do not move
    assert not np.array_equal(before[40:], after[40:])  # the other groups' thresholds do


def test_rows_never_held_out_get_no_decision():
    scores = np.full((4, len(TARGETS) + 1), np.nan)
    scores[:2] = 0.9
    held = HeldOut("genre", ["a", "b", None, None], scores)
    decisions = group_decisions(held, np.ones((4, len(TARGETS)), dtype=np.int8))
    assert not decisions[2:].any()


def test_bootstrap_interval_resamples_documents():
    gold = np.zeros((6, len(TARGETS)), dtype=bool)
    gold[:, 0] = True
    pred = gold.copy()
    pred[3:, 0] = False  # the second document is all wrong
    one_doc = bootstrap_ci(gold, pred, ["d"] * 6, n=200)
    two_docs = bootstrap_ci(gold, pred, ["d1"] * 3 + ["d2"] * 3, n=200)
    assert one_doc["micro_f1"][0] == one_doc["micro_f1"][1]  # a single document: nothing to resample
    lo, hi = two_docs["micro_f1"]
    assert lo == 0.0 and hi == 1.0  # resampling whole documents: both all-right and all-wrong occur
