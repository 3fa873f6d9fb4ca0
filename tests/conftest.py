"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analyzer.resources import DEFAULT_CODEBOOK, REPO_ROOT


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


@pytest.fixture(scope="session")
def sample_records():
    """The training passages of four writing batches (a small real sample)."""
    from analyzer.corpus.records import read_records
    from analyzer.resources import DEFAULT_CORPUS_DIR

    records = [r for r in read_records(DEFAULT_CORPUS_DIR) if r.split == "train"]
    batches = sorted({r.batch for r in records})[:4]
    return [r for r in records if r.batch in batches]


@pytest.fixture(scope="session")
def small_model(sample_records):
    """A model trained on ``sample_records`` with 2-fold grouped CV, and its CV metrics."""
    from analyzer.model.config import ModelConfig
    from analyzer.model.fit import train

    return train(sample_records, ModelConfig(folds=2))


@pytest.fixture(scope="session")
def saved_small_model(small_model, tmp_path_factory) -> Path:
    """``small_model`` saved once (with metadata ``{"note": "x"}``); tests that damage files use ``model_copy``."""
    from analyzer.model.persist import save_model

    model, _ = small_model
    folder = tmp_path_factory.mktemp("saved") / "m"
    model.metadata = {"note": "x"}
    save_model(model, folder)
    return folder


@pytest.fixture
def model_copy(saved_small_model, tmp_path) -> Path:
    """A private copy of the saved small model, to damage."""
    import shutil

    return Path(shutil.copytree(saved_small_model, tmp_path / "m"))


def edit_metadata(model_dir: Path, change) -> None:
    """Rewrite a saved model's ``metadata.json`` after ``change(meta)`` has modified it in place."""
    import json

    path = Path(model_dir) / "metadata.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    change(meta)
    path.write_text(json.dumps(meta), encoding="utf-8")


DEMO_SUBSET = ["AW-DP-20260826", "DM-TK-20260911", "RA-LS-20261015", "NH-IN-20260810"]


@pytest.fixture(scope="module")
def demo_subset_dir(tmp_path_factory) -> Path:
    """Four demo notes (three workers) in a folder of their own, one per test module."""
    import shutil

    from analyzer.resources import DEMO_DIR

    folder = tmp_path_factory.mktemp("notes") / "notes"
    folder.mkdir()
    for name in DEMO_SUBSET:
        shutil.copy(DEMO_DIR / "notes" / f"{name}.md", folder)
    return folder


@pytest.fixture(scope="module")
def demo_subset_results(tmp_path_factory, demo_subset_dir) -> Path:
    """``analyzer analyze`` results of ``demo_subset_dir`` (no cache)."""
    from analyzer.analysis.local import run_local

    out = tmp_path_factory.mktemp("results") / "hasil.parquet"
    run_local([demo_subset_dir], out, jobs=1, cache=False)
    return out


@pytest.fixture
def work(tmp_path, demo_subset_results) -> Path:
    """A fresh copy of ``demo_subset_results`` in an empty folder (so the default corrections file is new)."""
    import shutil

    target = tmp_path / "hasil.parquet"
    shutil.copy(demo_subset_results, target)
    return target
