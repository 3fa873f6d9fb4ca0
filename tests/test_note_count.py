"""The progress bar's total: notes counted before they are read."""

from __future__ import annotations

import json

import pandas as pd

from analyzer.io.note_count import count_notes
from analyzer.resources import DEMO_DIR


def test_counts_folders_and_tables(tmp_path):
    assert count_notes([DEMO_DIR / "notes"]) == len(list((DEMO_DIR / "notes").glob("*.md")))
    rows = [{"note_id": str(i), "worker": "Rina", "text": f"baris satu\nbaris dua, \"kutip\" {i}"} for i in range(7)]
    frame = pd.DataFrame(rows)
    frame.to_csv(tmp_path / "n.csv", index=False)  # quoted newlines: records, not lines
    frame.to_parquet(tmp_path / "n.parquet")
    frame.to_excel(tmp_path / "n.xlsx", index=False)
    (tmp_path / "n.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    for name in ("n.csv", "n.parquet", "n.xlsx", "n.jsonl"):
        assert count_notes([tmp_path / name]) == 7, name
    assert count_notes([tmp_path / "n.csv", tmp_path / "n.jsonl"]) == 14
    note = tmp_path / "one.md"
    note.write_text("isi", encoding="utf-8")
    assert count_notes([note]) == 1


def test_unknown_when_a_source_cannot_be_counted(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet")
    assert count_notes([bad]) is None and count_notes([]) is None


def test_progress_keeps_the_total_counted_up_front():
    from analyzer.cli.output import Progress

    with Progress("x", bar=True, total=10) as progress:
        task = progress._progress.tasks[0]
        assert task.total == 10
        progress.advance(4, None)  # the engine does not know the total
        assert (task.completed, task.total) == (4, 10)
        progress.advance(8, 9)  # the reader found one note to skip
        assert (task.completed, task.total) == (8, 9)


def test_the_total_is_counted_only_when_the_bar_is_shown(monkeypatch):
    """Counting reads the inputs once more: off a terminal (scripts, CI) the count is never made."""
    from rich.console import Console

    from analyzer.cli.output import Progress

    calls = []
    for terminal in (False, True):
        monkeypatch.setattr(Console, "is_terminal", property(lambda self, t=terminal: t))
        with Progress("x", bar=True, total=lambda: calls.append(terminal) or 7) as progress:
            assert progress.total == (7 if terminal else None)
    assert calls == [True]
