"""The examples in the package's docstrings run and hold (issue 13: doctests never ran)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import analyzer

MODULES = sorted(m.name for m in pkgutil.walk_packages(analyzer.__path__, "analyzer.") if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
