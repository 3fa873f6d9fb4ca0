"""The package installs as a wheel and works from any directory (issue 13): the codebook, the language data and
the default model ship inside it and are found with importlib.resources."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

from analyzer.resources import DEMO_DIR, REPO_ROOT


def test_wheel_installs_in_a_fresh_venv_and_reviews_a_demo_note(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(wheels), str(REPO_ROOT)], check=True, capture_output=True, text=True)
    (wheel,) = wheels.glob("analyzer-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("analyzer/data/codebook.yaml", "analyzer/data/messages.yaml", "analyzer/data/lexicon.tsv",
                    "analyzer/data/pii/patterns.tsv", "analyzer/data/model/scoring.npz",
                    "analyzer/data/model/metadata.json", "analyzer/model/templates/card.md.j2",
                    "analyzer/serve/templates/base.html.j2", "analyzer/serve/static/style.css"):
        assert shipped in names, shipped
    assert not any(n.startswith(("corpora/", "tests/")) for n in names)

    venv = tmp_path / "venv"
    # The dependencies come from this interpreter's site-packages (no download); the wheel's own copy of
    # analyzer comes first on the venv's path.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], check=True,
                   capture_output=True, text=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(python), "-c", "import analyzer; print(analyzer.__file__)"], cwd=elsewhere,
                           check=True, capture_output=True, text=True).stdout
    assert str(venv) in where
    note = sorted((DEMO_DIR / "notes").glob("*.md"))[0]
    out = subprocess.run([str(venv / "bin" / "analyzer"), "review", str(note), "--format", "json", "--lang", "en"],
                         cwd=elsewhere, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    review = json.loads(out.stdout)
    assert review["passages"] and set(review["principles_shown"]) | set(review["principles_missing"])
    out = subprocess.run([str(venv / "bin" / "analyzer"), "codebook", "--lang", "en"], cwd=elsewhere,
                         capture_output=True, text=True)
    assert out.returncode == 0 and "P16" in out.stdout, out.stderr
