"""Where the shipped resources live.

The codebook, the language data and the default model ship inside the package (``analyzer/data``), found with
``importlib.resources``, so an installed wheel works from any directory. The corpora, the demo notes and the
external set exist only in a source checkout (``CORPORA_DIR``); commands that need them say so when absent.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DATA_DIR = Path(str(resources.files("analyzer").joinpath("data")))  # a real folder: the package is not zipped
DEFAULT_CODEBOOK = DATA_DIR / "codebook.yaml"
DEFAULT_MODEL_DIR = DATA_DIR / "model"
REPO_ROOT = Path(__file__).resolve().parent.parent  # a source checkout: the folder that holds corpora/
CORPORA_DIR = REPO_ROOT / "corpora"
DEFAULT_CORPUS_DIR = CORPORA_DIR / "annotated"
DEMO_DIR = CORPORA_DIR / "demo"
