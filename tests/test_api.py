"""The Python API (`import analyzer`), the research helpers and the notebooks."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import analyzer
from analyzer.model import evaluation
from analyzer.report import patterns
from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES
from analyzer.resources import DEMO_DIR, REPO_ROOT


def test_import_is_light():
    code = "import sys, analyzer; print(any(m.startswith(('spacy', 'sklearn', 'pandas')) for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_api_surface():
    for name in ("load_codebook", "load_model", "read_notes", "analyze_dataframe", "analyze_files", "coverage_report",
                 "review_text"):
        assert callable(getattr(analyzer, name)) and getattr(analyzer, name).__doc__
    with pytest.raises(AttributeError):
        analyzer.nothing_here  # noqa: B018


@pytest.fixture(scope="module")
def demo_passages():
    return analyzer.analyze_files([DEMO_DIR / "notes"])


def test_analyze_dataframe_and_coverage_match_the_cli(demo_passages):
    import json

    from click.testing import CliRunner

    from analyzer.cli import cli

    notes = analyzer.read_notes([DEMO_DIR / "notes"])
    assert len(notes) == 152 and notes.attrs["skipped"] == []
    report = analyzer.coverage_report(demo_passages, lang="en")
    cli_report = json.loads(CliRunner().invoke(cli, ["report", str(DEMO_DIR / "notes"), "--format", "json",
                                                     "--lang", "en"]).output)
    assert report["workers"] == cli_report["workers"]
    assert report["totals"] == cli_report["totals"]


def test_analyze_dataframe_with_column_mapping_and_skips():
    frame = pd.DataFrame([
        {"ID": "a", "Petugas": "Rina", "Klien": "K1", "Tgl": "2026-08-01",
         "Catatan": "Saya dengarkan cerita Ibu A sampai selesai lalu saya ulangi intinya."},
        {"ID": "b", "Petugas": "", "Klien": "K1", "Tgl": "2026-08-02", "Catatan": "Tanpa petugas."},
    ])
    cols = {"note_id": "ID", "worker": "Petugas", "client": "Klien", "date": "Tgl", "text": "Catatan"}
    df = analyzer.analyze_dataframe(frame, columns=cols)
    assert set(df["note_id"]) == {"a"}
    assert df.attrs["skipped"] == [{"note_id": "b", "source": "DataFrame:2", "reason_code": "skip.missing_worker",
                                    "detail": ""}]
    assert "P10" in df["labels"].iloc[0]


def test_patterns(demo_passages):
    matrix = patterns.coverage_matrix(demo_passages)
    assert list(matrix.columns) == list(ALL_CODES) and len(matrix) == 8
    assert ((matrix >= 0) & (matrix <= 1)).all().all()
    co = patterns.cooccurrence(demo_passages)
    assert (co.values == co.values.T).all() and list(co.index) == list(PRINCIPLE_CODES)
    body = demo_passages[demo_passages["kind"] == "body"]
    assert co.loc["P10", "P10"] == int(body["labels"].map(lambda x: "P10" in x).sum())
    prog = patterns.engagement_progression(demo_passages)
    assert (prog.groupby("client")["outcomes_reached"].apply(lambda s: s.is_monotonic_increasing)).all()
    bt = patterns.breaches_over_time(demo_passages)
    assert int(bt.values.sum()) == int(body["breaches"].map(len).sum())
    assert set(patterns.coverage_by_setting(demo_passages).index) <= {"pkh", "lksa", "perlindungan_anak", "abh",
        "napza", "odgj", "lansia", "disabilitas", "kdrt", "bencana", "jalanan", "trafficking", "rumah_sakit",
        "komunitas", "(none)"}


def test_evaluation_helpers():
    from analyzer.corpus.records import load_split
    from analyzer.resources import DEFAULT_CORPUS_DIR

    model = analyzer.load_model()
    test = load_split(DEFAULT_CORPUS_DIR, "test")[:120]
    frame = evaluation.predictions_frame(model, test)
    table = evaluation.per_code_table(frame)
    assert len(table) == 36 and table["f1"].between(0, 1).all()
    conf = evaluation.confusion_between(frame)
    assert "P10/P11" in conf.index
    errs = evaluation.errors(frame, "P10", "fn", 3)
    assert all("P10" in g and "P10" not in p for g, p in zip(errs["gold_labels"], errs["pred_labels"]))
    cal = evaluation.calibration(frame, bins=5)
    assert cal["mean_predicted"].between(0, 1).all() and cal["observed"].between(0, 1).all()


@pytest.mark.parametrize("name", ["practice_patterns.ipynb", "model_evaluation.ipynb"])
def test_notebooks_execute(name):
    import nbformat
    from nbclient import NotebookClient

    path = REPO_ROOT / "notebooks" / name
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit notebooks without outputs"
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "def " not in source and "class " not in source  # notebooks define no logic of their own
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
