"""``analyzer.bulk.paused_gc``: the cyclic collector is off inside, back as it was after (nested, on errors)."""

from __future__ import annotations

import gc

import pytest

from analyzer.bulk import paused_gc


def test_paused_inside_restored_after_even_on_error_and_when_nested():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not switch it back on
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with paused_gc():
            raise ValueError
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off():
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
