"""Where the shipped resources live: the repository checkout the package is installed from."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPORA_DIR = REPO_ROOT / "corpora"
DEFAULT_CODEBOOK = CORPORA_DIR / "codebook.yaml"
DEFAULT_CORPUS_DIR = CORPORA_DIR / "annotated"
DEFAULT_MODEL_DIR = REPO_ROOT / "models" / "default"
DEMO_DIR = CORPORA_DIR / "demo"
DATA_DIR = Path(__file__).resolve().parent / "data"
