"""Scale features: streaming engine, --jobs, incremental cache, interruption, Dask engine."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from analyzer.analysis import local as engine
from analyzer.cli import cli
from analyzer.analysis.local import run_local
from analyzer.resources import DEFAULT_MODEL_DIR, DEMO_DIR
from analyzer.io.results import read_results
from tests.conftest import edit_metadata

KEY = ["note_id", "passage"]


def frame(path):
    df, skipped, meta = read_results(path)
    return df.sort_values(KEY).reset_index(drop=True), skipped, meta


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "notes"
    shutil.copytree(DEMO_DIR / "notes", folder)
    return folder


@pytest.fixture(scope="module")
def reference(tmp_path_factory, demo_copy):
    out = tmp_path_factory.mktemp("ref") / "ref.parquet"
    summary = run_local([demo_copy], out, jobs=1, cache=False, chunk_notes=50)
    assert summary.notes == 152 and summary.analysed == 152
    return out


def test_jobs_two_gives_identical_results(reference, demo_copy, tmp_path):
    out = tmp_path / "two.parquet"
    run_local([demo_copy], out, jobs=2, cache=False, chunk_notes=37)
    pd.testing.assert_frame_equal(frame(reference)[0], frame(out)[0])


def test_streamed_results_equal_in_memory_analysis(reference, demo_copy):
    from analyzer.analysis.passages import analyze_notes
    from analyzer.model.persist import load_model
    from analyzer.io.notes import read_notes

    df = analyze_notes(read_notes([demo_copy]).notes, load_model())
    pd.testing.assert_frame_equal(frame(reference)[0], df.sort_values(KEY).reset_index(drop=True))


def test_incremental_rerun_reanalyses_only_changed_notes(tmp_path):
    notes = tmp_path / "notes"
    shutil.copytree(DEMO_DIR / "notes", notes)
    out = tmp_path / "r.parquet"
    first = run_local([notes], out, jobs=1)
    assert (first.analysed, first.cached) == (152, 0)
    changed = sorted(notes.glob("*.md"))[::19]  # 8 notes = 5%
    for path in changed:
        path.write_text(path.read_text(encoding="utf-8") + "\n\nSaya mendengarkan Ibu sampai selesai.\n",
                        encoding="utf-8")
    second = run_local([notes], out, jobs=2)
    assert (second.analysed, second.cached) == (len(changed), 152 - len(changed))
    fresh = tmp_path / "fresh.parquet"
    run_local([notes], fresh, jobs=1, cache=False)
    pd.testing.assert_frame_equal(frame(out)[0], frame(fresh)[0])


def test_changed_model_reanalyses_everything(tmp_path, demo_copy):
    out = tmp_path / "r.parquet"
    run_local([demo_copy], out, jobs=1)
    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, model)
    edit_metadata(model, lambda meta: meta["thresholds"].update(P10=0.99))
    again = run_local([demo_copy], out, model_dir=model, jobs=1)
    assert (again.analysed, again.cached) == (152, 0)


def test_interrupted_run_leaves_no_output_and_resumes(tmp_path, demo_copy, monkeypatch):
    out = tmp_path / "r.parquet"
    calls = {"n": 0}
    real = engine.analyze_texts

    def flaky(texts, model, redact_text=True):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the run
        return real(texts, model, redact_text)

    monkeypatch.setattr(engine, "analyze_texts", flaky)
    with pytest.raises(KeyboardInterrupt):
        run_local([demo_copy], out, jobs=1, chunk_notes=40)
    assert not out.exists()
    assert not list(tmp_path.glob(".r.parquet.*"))  # no half-written file left behind
    monkeypatch.setattr(engine, "analyze_texts", real)
    resumed = run_local([demo_copy], out, jobs=1, chunk_notes=40)
    assert resumed.cached == 80 and resumed.analysed == 72  # the two committed chunks are not redone
    assert frame(out)[0]["note_id"].nunique() == 152


def test_killed_run_leftovers_are_cleaned(tmp_path, demo_copy):
    out = tmp_path / "r.parquet"
    (tmp_path / ".r.parquet.999999.tmp").write_bytes(b"half a parquet file")  # as after kill -9
    run_local([demo_copy], out, jobs=1, cache=False)
    assert out.exists() and not list(tmp_path.glob(".r.parquet.*.tmp"))


def test_partitioned_parquet_input(tmp_path, reference, demo_copy):
    from analyzer.api import read_notes

    notes = read_notes([demo_copy]).drop(columns=["source"])
    parts = tmp_path / "notes_parts"
    parts.mkdir()
    for i in range(3):
        notes.iloc[i::3].assign(date=lambda d: d["date"].astype(str)).to_parquet(parts / f"part-{i}.parquet")
    out = tmp_path / "r.parquet"
    summary = run_local([parts], out, jobs=1, cache=False)
    assert summary.notes == 152
    a, b = frame(reference)[0], frame(out)[0]
    pd.testing.assert_frame_equal(a.drop(columns=["setting"]), b.drop(columns=["setting"]))


def test_cli_reports_cache_use(tmp_path, demo_copy):
    out = tmp_path / "r.parquet"
    runner = CliRunner()
    first = runner.invoke(cli, ["analyze", str(demo_copy), "-o", str(out), "--jobs", "1", "--lang", "en"])
    assert first.exit_code == 0 and "152 notes analysed now, 0 taken from the cache" in first.output
    second = runner.invoke(cli, ["analyze", str(demo_copy), "-o", str(out), "--lang", "en"])
    assert "0 notes analysed now, 152 taken from the cache" in second.output


def test_dask_engine_matches_local(tmp_path, reference, demo_copy):
    from analyzer.analysis.dask_engine import run_dask

    out = tmp_path / "dask_out"
    summary = run_dask([demo_copy], out, n_workers=2, partition_notes=40)
    assert summary.notes == 152 and len(list(out.glob("part-*.parquet"))) == 4
    pd.testing.assert_frame_equal(frame(reference)[0], frame(out)[0])
    report = CliRunner().invoke(cli, ["report", str(out), "--format", "json"])
    assert json.loads(report.output)["totals"]["notes"] == 152


def test_dask_refuses_existing_output(tmp_path, demo_copy):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "file").write_text("x")
    result = CliRunner().invoke(cli, ["analyze", str(demo_copy), "-o", str(tmp_path / "x"), "--engine", "dask",
                                      "--lang", "en"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {tmp_path / 'x'} already exists.")
