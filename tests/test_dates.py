"""Indonesian dates in notes: the forms notes use are read, ambiguous ones are refused (never guessed)."""

from __future__ import annotations

import datetime as dt

import pytest

from analyzer.io.dates import read_date, read_date_text

D = dt.date


@pytest.mark.parametrize("text, expected", [
    ("2026-10-15", D(2026, 10, 15)),
    ("2026-10-15T09:30:00", D(2026, 10, 15)),
    ("15/10/2026", D(2026, 10, 15)),
    ("3/8/2026", D(2026, 8, 3)),
    ("03.08.2026", D(2026, 8, 3)),
    ("5-9-26", D(2026, 9, 5)),             # d-m-yy
    ("15 Oktober 2026", D(2026, 10, 15)),
    ("15 oktober 2026", D(2026, 10, 15)),
    ("3 Agt 2026", D(2026, 8, 3)),
    ("3 Agustus 2026", D(2026, 8, 3)),
    ("2 Sept. 2026", D(2026, 9, 2)),
    ("3 Nopember 2026", D(2026, 11, 3)),
    ("1 Januari 2027", D(2027, 1, 1)),
    ("Senin, 14/9/2026", D(2026, 9, 14)),
    ("Kamis, 15 Oktober 2026", D(2026, 10, 15)),
    ("Jumat 16 Oktober 2026", D(2026, 10, 16)),
    ("Jum'at, 16-10-2026", D(2026, 10, 16)),
    ("Minggu, 18 Okt 2026", D(2026, 10, 18)),
    ("Hari/tanggal: Rabu, 2 September 2026", D(2026, 9, 2)),
    ("tgl. 3-8-2026", D(2026, 8, 3)),
    ("15 October 2026", D(2026, 10, 15)),
    ("1/2/99", D(1999, 2, 1)),
])
def test_forms_notes_use(text, expected):
    reading = read_date_text(text)
    assert reading.date == expected and reading.problem is None


@pytest.mark.parametrize("text", [
    "10/15/2026",               # only valid month-first
    "Senin, 15 Oktober 2026",   # 15 October 2026 is a Thursday
    "Selasa, 14/9/2026",        # 14 September 2026 is a Monday
    "15 Oktober",               # no year: today's year would be a guess
])
def test_ambiguous_dates_are_refused(text):
    reading = read_date_text(text)
    assert reading.date is None and reading.problem == "ambiguous" and reading.detail


@pytest.mark.parametrize("text", ["Senin", "kemarin", "2 minggu lalu", "31/02/2026", "besok pagi", "13/13/2026",
                                  "Oktober 2026", "15 Oktober 2026 dan 16 Oktober 2026", "abc 12 def 2026"])
def test_unrecognised_dates(text):
    reading = read_date_text(text)
    assert reading.date is None and reading.problem == "unrecognised"


def test_values_that_are_already_dates_or_empty():
    import pandas as pd

    assert read_date(dt.datetime(2026, 8, 3, 10)).date == D(2026, 8, 3)
    assert read_date(D(2026, 8, 3)).date == D(2026, 8, 3)
    assert read_date(pd.Timestamp("2026-08-03")).date == D(2026, 8, 3)
    for empty in (None, "", "  ", "nan", pd.NaT):
        reading = read_date(empty)
        assert reading.date is None and reading.problem is None


def test_notes_with_indonesian_dates_are_read_and_ambiguous_ones_skipped(tmp_path):
    from analyzer.io.notes import read_notes

    rows = [("a", "15 Oktober 2026"), ("b", "Senin, 14/9/2026"), ("c", "10/15/2026"), ("d", "Senin, 15 Oktober 2026"),
            ("e", "entah kapan")]
    for note_id, date in rows:
        (tmp_path / f"{note_id}.md").write_text(f"---\nnote_id: {note_id}\nworker: Rina\ndate: {date}\n---\nIsi.\n",
                                                encoding="utf-8")
    batch = read_notes([tmp_path])
    assert {n.note_id: n.date for n in batch.notes} == {"a": D(2026, 10, 15), "b": D(2026, 9, 14)}
    assert sorted((s.note_id, s.reason, s.detail) for s in batch.skipped) == [
        ("c", "skip.ambiguous_date", "10/15/2026"), ("d", "skip.ambiguous_date", "Senin, 15 Oktober 2026"),
        ("e", "skip.bad_date", "entah kapan")]
