"""``analyzer.bulk.fewer_collections``: fewer collector runs inside, the settings restored after (on errors too,
and a nested block leaves the outer block's frozen objects frozen)."""

from __future__ import annotations

import gc

import pytest

from analyzer.bulk import fewer_collections


def test_fewer_collections_restores_the_garbage_collector_even_after_an_error():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError):
        with fewer_collections(threshold=12_345):
            assert gc.get_threshold()[0] == 12_345 and gc.get_freeze_count() > 0
            raise RuntimeError("boom")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_nested_block_keeps_the_outer_settings_until_the_outer_block_ends():
    before = gc.get_threshold()
    with fewer_collections(threshold=50_000):
        with fewer_collections(threshold=1_000_000):
            assert gc.get_threshold()[0] == 1_000_000
        assert gc.get_threshold()[0] == 50_000 and gc.get_freeze_count() > 0  # still frozen
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
