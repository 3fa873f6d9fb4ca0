"""The ``analyzer predict`` contract and its input errors, with the shipped model."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from analyzer.resources import DEFAULT_MODEL_DIR
from analyzer.cli import cli
from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES

PASSAGES = [
    {"id": "a", "text": "Saya biarkan Ibu R bercerita sampai selesai, lalu saya ulangi intinya untuk memastikan.",
     "worker": "X"},
    {"id": 7, "text": ""},
    {"id": "c", "text": "Sy kelepasan membentak bapaknya krn kesal, suara sy keras sekali sampai tetangga keluar."},
    {"id": "d", "text": "Nama klien: An. F (9 th). Alamat: Dusun Krajan RT 02."},
]


def run(args, **kw):
    return CliRunner().invoke(cli, args, **kw)


@pytest.fixture
def jsonl(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in PASSAGES) + "\n", encoding="utf-8")
    return path


def test_contract_fields_order_and_kept_fields(jsonl, tmp_path):
    out = tmp_path / "out.jsonl"
    result = run(["predict", str(jsonl), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in lines] == ["a", 7, "c", "d"]
    for line in lines:
        assert list(line)[:6] == ["id", "labels", "breaches", "scores", "breach_scores", "evidence"]
        assert set(line["scores"]) == set(ALL_CODES) and set(line["breach_scores"]) == set(PRINCIPLE_CODES)
        assert all(0.0 <= v <= 1.0 for v in line["scores"].values())
        assert line["labels"] == sorted(line["labels"]) and line["breaches"] == sorted(line["breaches"])
        assert not set(line["labels"]) & set(line["breaches"])
        for code in line["labels"]:
            assert 1 <= len(line["evidence"][code]) <= 5
    assert lines[0]["worker"] == "X" and lines[0]["text"] == PASSAGES[0]["text"]
    assert lines[1]["labels"] == [] and lines[1]["breaches"] == [] and lines[1]["evidence"] == {}
    assert "P10" in lines[0]["labels"]
    assert "P02" in lines[2]["breaches"] and "P02" not in lines[2]["labels"]
    assert lines[3]["labels"] == [] and lines[3]["breaches"] == []


def test_predictions_are_deterministic(jsonl):
    first = run(["predict", str(jsonl)]).output
    assert first == run(["predict", str(jsonl)]).output


def test_csv_input(tmp_path):
    path = tmp_path / "in.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "text", "extra"])
        writer.writeheader()
        writer.writerow({"id": "x1", "text": PASSAGES[0]["text"], "extra": "1"})
        writer.writerow({"id": "x2", "text": "", "extra": "2"})
    lines = [json.loads(x) for x in run(["predict", str(path)]).output.splitlines()]
    assert [x["id"] for x in lines] == ["x1", "x2"] and lines[1]["extra"] == "2"


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"id": "a", "text": "x"}\n{"id": "b", "text": ', "{p} line 2: invalid JSON (Expecting value). Write one JSON object per line."),
        ('{"id": "a"}\n', "{p} line 1: field 'text' is missing. Every line needs id and text."),
        ('{"text": "x"}\n', "{p} line 1: field 'id' is missing. Every line needs id and text."),
        ('{"id": "a", "text": "x"}\n\n{"id": "a", "text": "y"}\n',
         "{p} line 3: id 'a' was already used on line 1. Every id must be unique."),
        ('[1, 2]\n', "{p} line 1: every line must be a JSON object."),
        ('{"id": "a", "text": 5}\n', "{p} line 1: text must be a string."),
    ],
)
def test_bad_jsonl(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    result = run(["predict", str(path), "--lang", "en"])
    assert result.exit_code == 1
    assert result.output == "Error: " + message.format(p=path) + "\n"


def test_csv_without_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("note,isi\n1,halo\n", encoding="utf-8")
    result = run(["predict", str(path), "--lang", "en"])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {path}: column 'id' is missing (columns found: note, isi). The CSV needs the columns id and text.\n"
    )


def test_bad_model_dir(jsonl, tmp_path):
    result = run(["predict", str(jsonl), "--model", str(tmp_path / "nomodel"), "--lang", "en"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: model folder not found: {tmp_path / 'nomodel'}.")


def test_evaluate_json_matches_model_card(repo_root):
    """`analyzer evaluate` recomputes the held-out figures the card headlines (same model, same data)."""
    result = run(["evaluate", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    card = (DEFAULT_MODEL_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
    meta = json.loads((DEFAULT_MODEL_DIR / "metadata.json").read_text(encoding="utf-8"))
    assert data["transfer"] == meta["metrics"]["transfer"]
    for key in ("test", "external", "in_style"):
        assert data[key]["micro_f1"] == pytest.approx(meta["metrics"][key]["micro_f1"])
    genre = meta["metrics"]["transfer"]["genre"]["pooled"]
    assert f"| leave-one-genre-out (CV) | {genre['passages']} | {genre['micro_f1']:.3f} [" in card
    ext = meta["metrics"]["external"]
    assert f"| external set (written blind from the codebook) | {ext['passages']} | {ext['micro_f1']:.3f} [" in card


def test_evaluate_table_headlines_transfer_in_indonesian():
    result = run(["evaluate"])
    assert result.exit_code == 0
    assert "Kinerja pada tulisan yang tidak pernah dilihat model" in result.output
    assert "tanpa satu genre (CV)" in result.output and "tanpa satu gaya (CV)" in result.output
    english = run(["evaluate", "--lang", "en"])
    assert "leave-one-genre-out (CV)" in english.output and "external" in english.output


def test_evaluate_on_a_file_gives_intervals(repo_root):
    result = run(["evaluate", "--corpus", str(repo_root / "corpora" / "external" / "external.jsonl"),
                  "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    lo, hi = data["ci95"]["micro_f1"]
    assert lo <= data["micro_f1"] <= hi


def test_committed_model_matches_committed_corpus(repo_root):
    from analyzer.model.metadata import corpus_sha256

    meta = json.loads((DEFAULT_MODEL_DIR / "metadata.json").read_text(encoding="utf-8"))
    assert meta["corpus_sha256"] == corpus_sha256(repo_root / "corpora" / "annotated"), (
        "the corpus changed: retrain with 'analyzer train'"
    )
