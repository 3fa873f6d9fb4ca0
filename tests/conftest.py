"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analyzer.paths import DEFAULT_CODEBOOK, REPO_ROOT


@pytest.fixture
def codebook_raw() -> dict:
    """The shipped codebook as plain YAML data (a fresh copy each time, safe to mutate)."""
    return yaml.safe_load(DEFAULT_CODEBOOK.read_text(encoding="utf-8"))


@pytest.fixture
def write_codebook(tmp_path: Path):
    def write(data: dict) -> Path:
        path = tmp_path / "codebook.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    return write


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT
