from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.corpus.records import Minimums, check_corpus, corpus_stats, read_records

GOOD = [
    {"id": "T1-001", "text": "Saya mendengarkan cerita Ibu R sampai selesai lalu merangkum intinya.",
     "labels": ["P10"], "breaches": [], "setting": "pkh", "style": "journal", "batch": "T1"},
    {"id": "T1-002", "text": "Nama klien: An. F (9 th), alamat Dusun Krajan RT 02.",
     "labels": [], "breaches": [], "setting": "lksa", "style": "formal", "batch": "T1"},
    {"id": "T1-003", "text": "Sy kelepasan bentak bpknya krn dia terus nyalahin anaknya.",
     "labels": [], "breaches": ["P02"], "setting": "abh", "style": "informal", "batch": "T1"},
]


def write(folder: Path, name: str, rows: list) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def problems_for(tmp_path: Path, rows: list, test_rows: list | None = None, **kw) -> list[str]:
    write(tmp_path, "train.jsonl", rows)
    if test_rows:
        write(tmp_path, "test.jsonl", test_rows)
    return check_corpus(tmp_path, minimums=kw.get("minimums")).problems


def test_good_fixture_has_no_problems(tmp_path):
    assert problems_for(tmp_path, GOOD) == []


def test_invalid_json_and_missing_fields(tmp_path):
    rows = GOOD[:1] + ['{"id": "T1-009", "text": "x"', {"id": "T1-010", "text": "teks"}]
    assert problems_for(tmp_path, rows) == [
        "train.jsonl:2: invalid JSON (Expecting ',' delimiter)",
        "train.jsonl:3: missing field(s): labels, breaches, setting, style, batch",
    ]


def test_wrong_types(tmp_path):
    row = dict(GOOD[0], labels="P10", id=5)
    assert problems_for(tmp_path, [row]) == [
        "train.jsonl:1: field 'id' must be a string",
        "train.jsonl:1: field 'labels' must be a list of codes",
    ]


def test_unknown_codes_outcome_breach_and_both_lists(tmp_path):
    rows = [
        dict(GOOD[0], labels=["P10", "P99"]),
        dict(GOOD[1], id="T1-005", breaches=["E2"]),
        dict(GOOD[2], id="T1-006", labels=["P02"]),
    ]
    assert problems_for(tmp_path, rows) == [
        "train.jsonl:1 (T1-001): unknown code 'P99' in labels",
        "train.jsonl:2 (T1-005): 'E2' cannot be breached (only principles P01-P16)",
        "train.jsonl:3 (T1-006): P02 both applied and breached",
    ]


def test_empty_and_overlong_text_unknown_setting_and_style(tmp_path):
    rows = [dict(GOOD[0], text="  "), dict(GOOD[1], text="kata " * 200, setting="pasar", style="puisi")]
    assert problems_for(tmp_path, rows) == [
        "train.jsonl:1 (T1-001): empty text",
        "train.jsonl:2 (T1-002): text is 1000 characters (at most 700)",
        "train.jsonl:2 (T1-002): unknown setting 'pasar'",
        "train.jsonl:2 (T1-002): unknown style 'puisi'",
    ]


def test_duplicate_ids_and_exact_duplicates(tmp_path):
    rows = GOOD + [dict(GOOD[0], id="T1-001", text="Teks lain sama sekali berbeda isinya."),
                   dict(GOOD[2], id="T1-007", text="Sy kelepasan BENTAK bpknya, krn dia terus nyalahin anaknya!")]
    assert problems_for(tmp_path, rows) == [
        "duplicate id 'T1-001' (2 times)",
        "exact duplicate text: T1-003 and T1-007",
    ]


def test_near_duplicates_are_listed_in_pairs(tmp_path):
    near = dict(GOOD[0], id="T1-004",
                text="Saya mendengarkan cerita Ibu R sampai selesai, lalu merangkum inti ceritanya.")
    problems = problems_for(tmp_path, GOOD + [near])
    assert len(problems) == 1
    assert problems[0].startswith("near-duplicate texts: T1-001 and T1-004 (similarity 0.")


def test_batch_split_between_train_and_test(tmp_path):
    test_row = dict(GOOD[0], id="T1-099", text="Peksos menanyakan alasan KPM menolak ikut pertemuan kelompok.")
    assert problems_for(tmp_path, GOOD, [test_row]) == [
        "batch 'T1' is split between training and test files"
    ]


def test_personal_identifiers_are_refused(tmp_path):
    row = dict(GOOD[1], text="NIK 3204123009870005, hp 0813-2245-7781.")
    assert problems_for(tmp_path, [row]) == [
        "train.jsonl:1 (T1-002): contains a personal identifier; mask it"
    ]


def test_minimum_counts(tmp_path):
    mins = Minimums(passages=4, per_code=1, breach_principles=2, per_breach=1, no_code=2, settings=4,
                    informal_share=0.5, test_share=0.5)
    problems = problems_for(tmp_path, GOOD, minimums=mins)
    assert "only 3 passages (at least 4)" in problems
    assert "code P01 applied in 0 passages (at least 1)" in problems
    assert "code P10 applied in 0 passages (at least 1)" not in problems
    assert "only 1 principles have at least 1 breach passages (at least 2 needed)" in problems
    assert "only 1 passages with no code (at least 2)" in problems
    assert "only 3 settings (at least 4)" in problems
    assert "informal share is 33% (at least 50%)" in problems
    assert "held-out test split is 0% of passages (at least 50%)" in problems


def test_stats_counts_by_split(tmp_path):
    write(tmp_path, "a.jsonl", GOOD)
    write(tmp_path, "test.jsonl", [dict(GOOD[0], id="T2-001", batch="T2")])
    stats = corpus_stats(read_records(tmp_path))
    assert stats["applied"]["P10"] == {"train": 1, "test": 1, "all": 2}
    assert stats["breached"]["P02"] == {"train": 1, "test": 0, "all": 1}
    assert stats["totals"]["no_code"]["all"] == 1
    assert stats["style"]["informal"]["train"] == 1
    assert stats["batch"]["T2"]["test"] == 1


def test_cli_check_exit_codes(tmp_path):
    runner = CliRunner()
    write(tmp_path, "a.jsonl", GOOD)
    ok = runner.invoke(cli, ["corpus", "check", str(tmp_path), "--skip-minimums", "--lang", "en"])
    assert ok.exit_code == 0 and "3 passages, no problems" in ok.output
    bad = runner.invoke(cli, ["corpus", "check", str(tmp_path), "--lang", "en"])
    assert bad.exit_code == 1
    assert "- only 3 passages (at least 2500)" in bad.output
    assert bad.output.rstrip().endswith("problems (see the list above).")
    missing = runner.invoke(cli, ["corpus", "check", str(tmp_path / "nope")])
    assert missing.exit_code == 1
    assert missing.output.startswith("Error: korpus tidak ditemukan:")


def test_cli_stats_json(tmp_path):
    write(tmp_path, "a.jsonl", GOOD)
    result = CliRunner().invoke(cli, ["corpus", "stats", str(tmp_path), "--format", "json"])
    assert json.loads(result.output)["totals"]["passages"]["all"] == 3


def test_read_records_raises_on_malformed(tmp_path):
    from analyzer.errors import CorpusError

    write(tmp_path, "a.jsonl", ["not json"])
    with pytest.raises(CorpusError) as exc:
        read_records(tmp_path)
    assert "a.jsonl:1: invalid JSON" in exc.value.render("en")


def test_agreement_kappa_by_hand(tmp_path):
    from analyzer.corpus.agreement import agreement

    first = {"a": ({"P10"}, set()), "b": ({"P10"}, set()), "c": (set(), set()), "d": (set(), {"P02"})}
    second = {"a": ({"P10"}, set()), "b": (set(), set()), "c": (set(), set()), "d": (set(), {"P02"})}
    data = agreement(first, second)
    # P10: po = 3/4, pa = 1/2, pb = 1/4, pe = 1/8 + 3/8 = 1/2 -> kappa = (3/4 - 1/2) / (1/2) = 0.5
    assert data["per_code"]["P10"]["kappa"] == 0.5
    assert data["per_code"]["breach:P02"]["kappa"] == 1.0
    assert data["per_code"]["P01"]["kappa"] is None  # never used by either pass
    assert data["exact_match"] == 0.75 and data["disagreements"] == ["b"]


def test_shipped_agreement_files_cover_300_passages(repo_root):
    from analyzer.corpus.agreement import agreement, read_second_pass

    folder = repo_root / "corpora" / "agreement"
    data = agreement(read_second_pass(folder / "first_annotation.jsonl"),
                     read_second_pass(folder / "second_annotation.jsonl"))
    assert data["passages"] >= 300
    readme = (repo_root / "corpora" / "README.md").read_text(encoding="utf-8")
    assert f"overall kappa {data['overall']:.2f}" in readme


def test_datasheet_counts_match_the_corpus(repo_root):
    from analyzer.corpus.records import corpus_stats, stats_markdown

    readme = (repo_root / "corpora" / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- stats:start -->\n", 1)[1].split("<!-- stats:end -->", 1)[0]
    assert section == stats_markdown(corpus_stats(read_records(repo_root / "corpora" / "annotated")))


def test_committed_corpus_passes_the_check(repo_root):
    report = check_corpus(repo_root / "corpora" / "annotated")
    assert report.problems == []
    assert len(report.records) >= 2500


V2_TEXTS = iter([
    "Pagi ini hujan deras sehingga kunjungan ke rumah Bu S diundur sampai pukul sepuluh.",
    "Berkas KK dan KTP sudah difotokopi dua rangkap untuk pengajuan ke kantor desa.",
    "An. D belum masuk sekolah tiga hari karena sepatunya rusak dan malu diejek teman.",
    "Rapat kelompok dihadiri sebelas anggota, dua izin karena anaknya sakit demam.",
    "Saldo KKS bulan ini belum masuk, pengecekan di agen BRILink menunjukkan angka nol.",
    "Petugas puskesmas menjadwalkan imunisasi lanjutan untuk balita di dusun sebelah.",
    "Residen baru tiba diantar kakaknya membawa surat rujukan dari klinik kecamatan.",
    "Hasil pemetaan menunjukkan empat rumah lansia tanpa sumur dan jamban sendiri.",
] * 10)


def v2_row(doc: str, n: int, writer: str, genre: str, labels=(), text=None, kind="body") -> dict:
    return {"id": f"{doc}-{n:02d}", "text": text or next(V2_TEXTS),
            "labels": list(labels), "breaches": [], "setting": "pkh", "style": "chat", "batch": doc,
            "writer": writer, "genre": genre, "doc": doc, "kind": kind}


def test_v2_minimums_count_documents_genres_writers_and_no_code_share(tmp_path):
    rows = [v2_row("W01-001", 1, "W01", "pkh_kunjungan", ["P10"]), v2_row("W01-001", 2, "W01", "pkh_kunjungan"),
            v2_row("W02-001", 1, "W02", "lksa", ["P11"]), v2_row("W02-001", 2, "W02", "lksa", ["P04"])]
    mins = Minimums(passages=0, per_code=0, breach_principles=0, per_breach=0, no_code=0, settings=0,
                    informal_share=0, test_share=0, v2_documents=3, v2_passages=5, v2_genres=3, v2_writers=3,
                    v2_no_code_share=0.5)
    problems = problems_for(tmp_path, rows, minimums=mins)
    assert "corpus v2 has 2 documents (at least 3)" in problems
    assert "corpus v2 has 4 passages (at least 5)" in problems
    assert "corpus v2 has 2 genres (at least 3)" in problems
    assert "corpus v2 has 2 writers (at least 3)" in problems
    assert "corpus v2: 25% of body passages carry no code (at least 50%)" in problems


def test_v2_document_split_and_test_writers_or_genres_held_out_whole(tmp_path):
    train = [v2_row("W01-001", 1, "W01", "lksa"), v2_row("W02-001", 1, "W02", "napza")]
    test = [v2_row("W01-001", 2, "W01", "lksa"),  # the same document in both splits
            v2_row("W02-002", 1, "W02", "lksa"),  # writer W02 and genre lksa both trained on
            v2_row("W03-001", 1, "W03", "lksa")]  # an unseen writer: fine
    problems = problems_for(tmp_path, train, test)
    assert "document 'W01-001' is split between training and test files" in problems
    assert any(p.startswith("test document 'W02-002': its writer and its genre both occur in training") for p in problems)
    assert not any("W03-001" in p for p in problems)


def test_short_repeated_headers_are_not_duplicates(tmp_path):
    rows = [v2_row("W01-001", 1, "W01", "lksa", text="Tujuan: monitoring", kind="header"),
            v2_row("W01-002", 1, "W01", "lksa", text="Tujuan: monitoring", kind="header")]
    assert problems_for(tmp_path, rows) == []


def test_uncoded_boilerplate_may_repeat_but_coded_passages_may_not(tmp_path):
    closing = "Demikian laporan ini dibuat untuk dapat dipergunakan sebagaimana mestinya oleh pihak terkait."
    coded = "Saya mendengarkan cerita Bu R sampai selesai lalu merangkum kekhawatirannya soal biaya sekolah."
    rows = [v2_row("W01-001", 1, "W01", "lksa", text=closing), v2_row("W01-002", 1, "W01", "lksa", text=closing),
            v2_row("W01-001", 2, "W01", "lksa", ["P10"], text=coded),
            v2_row("W01-002", 2, "W01", "lksa", ["P10"], text=coded)]
    problems = problems_for(tmp_path, rows)
    assert problems == ["exact duplicate text: W01-001-02 and W01-002-02"]


def test_unknown_genre_and_kind(tmp_path):
    row = dict(v2_row("W01-001", 1, "W01", "novel"), kind="footer")
    assert problems_for(tmp_path, [row]) == [
        "train.jsonl:1 (W01-001-01): unknown genre 'novel'",
        "train.jsonl:1 (W01-001-01): kind must be 'header' or 'body'",
    ]
