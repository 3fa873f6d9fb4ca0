"""Local training (issue 16, point 4): ``analyzer train --add`` on the corpus plus an agency's labelled passages,
evaluated on them by cross-validation grouped by note, and the local model used with ``--model``.

The fits here use a small corpus (two writing batches) so they take seconds; the full run on the committed corpus
is marked slow."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.corpus.records import read_records
from analyzer.errors import InputError
from analyzer.model.local import read_labelled, train_local
from analyzer.resources import DEFAULT_CORPUS_DIR, DEFAULT_MODEL_DIR, DEMO_DIR


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def agency():
    """40 passages of six hospital notes: a genre no training file has (``rumah_sakit`` of test-v2.jsonl)."""
    records = [r for r in read_records(DEFAULT_CORPUS_DIR / "test-v2.jsonl") if r.genre == "rumah_sakit"
               and r.kind == "body"]
    docs = sorted({r.doc for r in records})[:6]
    chosen = [r for d in docs for r in [x for x in records if x.doc == d][:7]]
    assert len(chosen) >= 40
    return chosen[:40]


@pytest.fixture
def agency_file(tmp_path, agency):
    path = tmp_path / "agency.jsonl"
    path.write_text("".join(json.dumps({"id": r.id, "text": r.text, "labels": list(r.labels),
                                        "breaches": list(r.breaches), "note_id": r.doc}, ensure_ascii=False) + "\n"
                            for r in agency), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    for name in ("A1.jsonl", "B1.jsonl", "C1.jsonl"):
        shutil.copy(DEFAULT_CORPUS_DIR / name, folder)
    return folder


# --- the labelled passages --------------------------------------------------------------------------------------------

def test_labelled_passages_from_jsonl(agency_file, agency):
    records = read_labelled(agency_file)
    assert [(r.text, r.labels, r.breaches, r.doc) for r in records] == \
        [(r.text, tuple(sorted(r.labels)), tuple(sorted(r.breaches)), r.doc) for r in agency]


@pytest.mark.parametrize("content, message", [
    ('{"text": "x", "labels": ["P01"]\n', "line 1: invalid JSON"),
    ('{"labels": ["P01"]}\n', "line 1: field 'text' is missing or of the wrong type"),
    ('{"text": "x", "labels": "P01"}\n', "line 1: field 'labels' is missing or of the wrong type"),
    ('{"text": "x", "labels": ["P01", "P99"]}\n', "line 1: unknown codes in labels: P99."),
    ('{"text": "x", "breaches": ["E2"]}\n', "line 1: unknown codes in breaches: E2."),
    ('{"text": "x", "labels": ["P05"], "breaches": ["P05"]}\n', "line 1: P05 both applied and breached."),
    ("\n", "holds no passage labelled whole by a person."),
])
def test_a_malformed_labels_file_is_refused(tmp_path, content, message):
    path = tmp_path / "labels.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_labelled(path)
    assert str(err.value).startswith(f"{'labels file ' if 'line' in message else ''}{path}")
    assert message in str(err.value)


def test_labelled_passages_from_results_are_the_passages_labelled_whole(tmp_path):
    from analyzer.analysis.local import run_local
    from analyzer.io.corrections import new_correction
    from analyzer.io.results import read_results

    notes = tmp_path / "notes"
    notes.mkdir()
    shutil.copy(DEMO_DIR / "notes" / "AW-DP-20260826.md", notes)
    out = tmp_path / "hasil.parquet"
    run_local([notes], out, jobs=1, cache=False)
    df, _, _ = read_results(out)
    rows = df[df["kind"] == "body"].iloc[:3]
    corrections = [new_correction("label", r.note_id, int(r.passage), int(r.start), int(r.end), r.text_sha256,
                                  labels=["P03"], breaches=[]) for r in rows.iloc[:2].itertuples()]
    r = rows.iloc[2]  # a single-code correction does not make a passage a training example
    corrections.append(new_correction("add", r.note_id, int(r.passage), int(r.start), int(r.end), r.text_sha256,
                                      code="P04"))
    labelled = read_labelled(out, corrections)
    assert [(x.text, x.labels, x.doc) for x in labelled] == [(t, ("P03",), "AW-DP-20260826") for t in rows["text"][:2]]
    with pytest.raises(InputError, match="holds no passage labelled whole"):
        read_labelled(out, corrections[2:])


# --- training ---------------------------------------------------------------------------------------------------------

def test_local_training_learns_the_agency_passages_and_reports_reliability(small_model, sample_records, agency):
    from analyzer.model.config import ModelConfig
    from analyzer.model.targets import target_matrix

    base, _ = small_model
    config = ModelConfig(folds=2, char_ngrams=None, min_df=1)
    model, figures = train_local(base, sample_records, agency, weight=3, folds=3, config=config)
    assert np.allclose(model.thresholds, base.thresholds) and model.gate_threshold == base.gate_threshold
    assert (figures["folds"], figures["passages"], figures["notes"], figures["weight"]) == (3, 40, 6, 3)
    for key in ("cv", "base"):
        assert figures[key]["passages"] == 40 and set(figures[key]["applied"]) >= {"P01", "E4"}
        assert "ci95" in figures[key]
    # the labelled passages are learnt: their gold targets score higher than under the base model
    from analyzer.model.fit import model_texts

    gold = target_matrix(agency).astype(bool)
    texts = model_texts([r.text for r in agency], model.lexicon)
    local_scores = model.scores_from_matrix(model.transform(texts))[:, :36]
    base_scores = base.scores_from_matrix(base.transform(model_texts([r.text for r in agency], base.lexicon)))[:, :36]
    assert local_scores[gold].mean() > base_scores[gold].mean() + 0.05


def test_local_training_needs_two_notes_and_ten_passages(small_model, sample_records, agency):
    from analyzer.errors import ModelError
    from analyzer.model.config import ModelConfig

    base, _ = small_model
    config = ModelConfig(char_ngrams=None)
    with pytest.raises(ModelError, match="only 5 labelled passages; local training needs at least 10"):
        train_local(base, sample_records, agency[:5], folds=2, config=config)
    one_note = [r for r in agency if r.doc == agency[0].doc]
    if len(one_note) >= 10:
        with pytest.raises(ModelError, match="from 1 note only"):
            train_local(base, sample_records, one_note, folds=2, config=config)


def test_train_add_writes_a_local_model_used_everywhere_with_model(tmp_path, agency_file, small_corpus):
    out = tmp_path / "model-lokal"
    result = invoke("train", "--add", agency_file, "--out", out, "--corpus", small_corpus, "--folds", "2",
                    "--weight", "2", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Local model written to {out}: 40 labelled passages of 6 notes; cross-validated "
                                    "by note (2 folds) micro-F1 ")
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    shipped = json.loads((DEFAULT_MODEL_DIR / "metadata.json").read_text(encoding="utf-8"))
    assert meta["thresholds"] == shipped["thresholds"] and meta["metrics"]["local"]["weight"] == 2
    assert meta["metrics"]["transfer"] == shipped["metrics"]["transfer"]  # the shipped figures, kept beside
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "## Local training: your agency's labels" in card and "| P10 | Active and responsive listening |" in card
    assert "40 passages of 6 notes labelled by your agency, each counted 2 times" in card

    notes = tmp_path / "notes"
    notes.mkdir()
    shutil.copy(DEMO_DIR / "notes" / "AW-DP-20260826.md", notes)
    analysed = invoke("analyze", notes, "-o", tmp_path / "h.parquet", "--model", out, "--jobs", "1")
    assert analysed.exit_code == 0, analysed.output
    assert invoke("report", tmp_path / "h.parquet", "--model", out).exit_code == 0
    other = invoke("report", tmp_path / "h.parquet", "--lang", "en")  # made with the local model, not the shipped
    assert other.exit_code == 1 and "was made with model" in other.output
    assert invoke("review", notes / "AW-DP-20260826.md", "--model", out).exit_code == 0


@pytest.mark.parametrize("args, first_line", [
    (["--add", "{labels}"],
     "Error: train --add needs --out FOLDER: the shipped model is never replaced by a local one."),
    (["--add", "{labels}", "--out", str(DEFAULT_MODEL_DIR)],
     f"Error: --out {DEFAULT_MODEL_DIR} is the shipped model's"),
    (["--add", "{labels}", "--out", "{tmp}/m", "--transfer"],
     "Error: --transfer measures the shipped model and does not"),
    (["--add", "{tmp}/none.jsonl", "--out", "{tmp}/m"], "Error: labels file not found: {tmp}/none.jsonl."),
    (["--add", "{few}", "--out", "{tmp}/m"], "Error: only 3 labelled passages; local training needs at least 10."),
])
def test_train_add_refuses_bad_input(tmp_path, agency_file, small_corpus, args, first_line):
    few = tmp_path / "few.jsonl"
    few.write_text("".join(json.dumps({"text": f"Teks {i}", "labels": [], "note_id": f"N{i}"}) + "\n"
                           for i in range(3)), encoding="utf-8")
    fill = {"labels": agency_file, "tmp": tmp_path, "few": few}
    result = invoke("train", *[a.format(**fill) for a in args], "--corpus", small_corpus, "--lang", "en")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[0].startswith(first_line.format(**fill)), result.output


@pytest.mark.slow
def test_train_add_on_the_committed_corpus(tmp_path, agency_file):
    out = tmp_path / "model-lokal"
    result = invoke("train", "--add", agency_file, "--out", out, "--folds", "2", "--lang", "en")
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    local = meta["metrics"]["local"]
    assert local["passages"] == 40 and meta["training_passages"] > 7000
    assert local["cv"]["micro_f1"] > 0.3  # the base model reaches about 0.5 on this genre
