"""What a supervisor reads: named codes, units, drill-down links, case views, spreadsheets, numbers per language
(hand-made passages, so every expected value is known)."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from analyzer.analysis.passages import to_frame
from analyzer.report.coverage import build_report
from tests.test_coverage import MODEL, row

ROWS = [
    row("n1", "Rina", "Ibu S", "2026-08-03", ["P10", "E1"], passage=0, text="Saya dengarkan Ibu S sampai selesai."),
    row("n1", "Rina", "Ibu S", "2026-08-03", ["E2"], ["P02"], passage=1, text="Saya membentak <b>suaminya</b> & pergi."),
    row("n2", "Rina", "Ibu S", "2026-08-20", ["E4"], passage=0, text="Sepakat kunjungan berikutnya Senin."),
    row("n3", "Rina", "Ibu S", "2026-09-02", ["E3"], passage=0, text="Kami sepakat peran masing-masing."),
    row("n4", "Budi", "Ibu S", "2026-09-12", ["P11"], passage=0, text="Budi menanggapi perasaan Ibu S."),
    row("n5", "Budi", "K2", "2026-10-01", [], passage=0, text="Administrasi saja."),
]
for r in ROWS:
    r["evidence"] = '{"P10": ["dengarkan", "sampai selesai"], "breach:P02": ["membentak"]}'
    r["score_P10"], r["breach_score_P02"] = 0.875, 0.61


@pytest.fixture(scope="module")
def report():
    return build_report(to_frame(ROWS), [], dict(MODEL, breach_f1={"P02": 0.7}), lang="id")


@pytest.fixture(scope="module")
def html(report):
    from analyzer.render.html import render_report_html

    return render_report_html(report, "id")


def anchors(html: str) -> tuple[set[str], set[str]]:
    ids = set(re.findall(r'\bid="?([^"\s>]+)', html))
    hrefs = set(re.findall(r'\bhref="?#([^"\s>]+)', html))
    return ids, hrefs


def test_every_link_target_exists(html):
    ids, hrefs = anchors(html)
    assert hrefs and not hrefs - ids, sorted(hrefs - ids)


def test_counts_link_to_the_passages_behind_them(html, report):
    (rina,) = [w for w in report["workers"] if w["worker"] == "Rina"]
    wid = "w2"  # Budi, Rina: alphabetical
    assert f'href=#{wid}-P10>' in html and f"id={wid}-P10 " in html
    # the passage behind Rina's P10 count is listed with its note, date, score and evidence
    ref = rina["codes"]["P10"]["refs"][0]
    item = re.search(rf"<li id={ref} [^>]*>(.*?)(?=<li|</ul>)", html, re.S).group(1)
    assert "P10 0,88" in item and "dengarkan" in item and "Saya dengarkan Ibu S sampai selesai." in item
    note_header = html[:html.index(f"<li id={ref} ")].rsplit("<h5>", 1)[1]
    assert note_header.startswith("n1 · 3 Agu 2026")
    # the breach count links to its passage, shown with the principle's name and evidence
    assert f'href=#{wid}-P02-b' in html
    assert re.search(r"P02 Tidak emosional, berpikir rasional<td class=ev>membentak<td class=num>0,61", html)


def test_gaps_link_to_definition_and_reflection_prompt(html, report):
    from analyzer.codebook import load_codebook

    cb = load_codebook()
    (budi,) = [w for w in report["workers"] if w["worker"] == "Budi"]
    assert "P05" in budi["gaps"]
    assert re.search(r'<a href="?#code-P05"?>P05 Bersikap profesional</a>', html)
    card = html[html.index("id=\"code-P05\""):]
    card = card[:card.index("</div>")]
    assert cb["P05"].definition("id") in card and cb["P05"].reflection_prompt("id") in card


def test_note_text_is_escaped_and_page_is_self_contained(html):
    assert "<b>suaminya</b>" not in html and "&lt;b&gt;suaminya&lt;/b&gt; &amp; pergi" in html
    assert "<script" not in html.lower() and "<img" not in html.lower() and "url(" not in html
    assert not re.search(r"(src|href)=\"?(https?:|//)", html)


def test_heat_map_colour_matches_its_number_and_legend_lists_breaches(html):
    cells = re.findall(r'<td class="(h\d)( b)?"><a href=#[^>]+>(\d+)%</a>', html)
    assert cells
    from analyzer.render.html import heat_class

    assert all(cls == heat_class(int(p)) for cls, _, p in cells)
    legend = html[html.index('<ul class="legend"'):html.index("</ul>", html.index('<ul class="legend"'))]
    assert "1–24%" in legend and "75–100%" in legend and "!3" in legend
    assert '<td class="h4 b"' not in html or "!1" in html


def test_cases_are_worker_and_client_with_outcomes_in_order(html, report):
    cases = {c["case"]: c for c in report["clients"]}
    assert set(cases) == {"Budi · Ibu S", "Budi · K2", "Rina · Ibu S"}  # same initials, two cases
    rina = cases["Rina · Ibu S"]
    assert rina["engagement_complete"] and rina["out_of_order"] == [{"code": "E4", "before": ["E3"]}]
    section = html[html.index('id=c3 class="case"'):]
    section = section[:section.index("</section>")]
    assert "E4 ✓</b> <a href=#" in section and "⚠ tampak sebelum E3" in section
    assert section.count("<li>") == 3 and "E1 E2 P10" not in section  # timeline in codebook order
    assert "P10 E1 E2 <span class=\"br\">!P02</span>" in section


def test_numbers_and_dates_per_language(report):
    from analyzer.render.html import render_report_html

    en = render_report_html(report, "en")
    assert "3 Aug 2026" in en and "P10 0.88" in en
    big = dict(report, totals=dict(report["totals"], passages=12345))
    assert "12.345 passage" in render_report_html(big, "id") and "12,345 passages" in render_report_html(big, "en")


def test_terminal_names_codes_and_lists_every_breach(capsys):
    from analyzer.render.report_console import print_report

    report = build_report(to_frame(ROWS), [], MODEL, lang="en")
    print_report(report, "en", width=80)
    out = capsys.readouterr().out
    assert re.search(r"P10\*\s+Active and responsive listening", out)
    assert "! P02 Staying unemotional and thinking rationally (membentak)" in out
    assert "3/8/2026 · Rina · n1 ¶1" in out
    assert "number = notes with evidence; !n = n breach passages" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_xlsx_has_types_formats_filters_and_colour_scale(report, tmp_path):
    import datetime as dt

    import openpyxl

    from analyzer.render.tables import write_xlsx

    path = tmp_path / "r.xlsx"
    write_xlsx(report, "id", path)
    wb = openpyxl.load_workbook(path)
    codes = wb["Kode per petugas"]
    assert codes.freeze_panes == "B2" and codes.auto_filter.ref == f"A1:I{1 + 2 * 20}"
    (share,) = [r[6] for r in codes.iter_rows(min_row=2) if (r[0].value, r[1].value) == ("Rina", "P10")]
    assert share.value == pytest.approx(1 / 3, abs=1e-4) and share.number_format == "0%"
    assert codes.column_dimensions["C"].width > 20  # the code names fit
    assert any(rule.type == "colorScale" for rng in codes.conditional_formatting for rule in rng.rules)
    cases = wb["Klien"]
    assert cases["E2"].value == dt.datetime(2026, 9, 12) and cases["E2"].number_format == "dd/mm/yyyy"
    breaches = wb["Pelanggaran"]
    assert [c.value for c in breaches[2]][5:9] == ["P02", "Tidak emosional, berpikir rasional", 0.61, "membentak"]


def test_csv_excel_id_opens_in_columns_with_decimal_comma(report):
    from analyzer.render.tables import write_csv

    buf = io.StringIO()
    write_csv(report, "codes", "en", buf, "excel-id")
    text = buf.getvalue()
    assert text.splitlines()[0].startswith("Worker;Code;Name;Applied")
    frame = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    share = frame[(frame["Worker"] == "Rina") & (frame["Code"] == "P10")]["Share of notes"].iloc[0]
    assert share == pytest.approx(1 / 3, abs=1e-4)
    buf = io.StringIO()
    write_csv(report, "client", "en", buf, "excel-id")
    assert ";03/08/2026;" in buf.getvalue()
    buf = io.StringIO()
    write_csv(report, "client", "en", buf)
    assert ",2026-08-03," in buf.getvalue()


def test_large_pages_shorten_excerpts_within_bounds():
    from analyzer.render.html import excerpt_chars

    assert excerpt_chars(100) == 320 and excerpt_chars(10**7) == 60
    assert excerpt_chars(20_000) < excerpt_chars(5_000) <= 320


def _big_rows() -> list[dict]:
    """Two workers, twelve coded passages: Rina's P10 passages have scores 0.9, 0.8, … so the strongest are known."""
    out = []
    for i in range(8):
        r = row(f"r{i}", "Rina", f"K{i}", f"2026-08-{i + 1:02d}", ["P10"], ["P02"] if i in (2, 5) else [],
                text=f"Passage Rina {i}.")
        r["score_P10"], r["breach_score_P02"] = 0.9 - i / 10, 0.5 + i / 100
        out.append(r)
    for i in range(4):
        r = row(f"b{i}", "Budi", f"L{i}", f"2026-09-{i + 1:02d}", ["P11"], text=f"Passage Budi {i}.")
        r["score_P11"] = 0.4 + i / 10
        out.append(r)
    return out


def test_listed_refs_keeps_the_strongest_per_worker_and_code():
    """The passages a large page lists: for every (worker, code) and (worker, breach) its k strongest, k as large
    as the budget allows, checked against a plain reading of that rule on random passages."""
    import random

    from analyzer.render.html import listed_refs

    rng = random.Random(3)
    passages = [{"ref": f"p{i}", "worker": rng.choice("ABC"), "scores": {},
                 "labels": rng.sample(["P01", "P02", "E1"], rng.randint(1, 2)),
                 "breaches": rng.sample(["P01", "P03"], rng.randint(0, 1))} for i in range(300)]
    for p in passages:
        p["scores"] = {c: rng.random() for c in p["labels"]} | {"breach:" + c: rng.random() for c in p["breaches"]}
    for budget in (5, 40, 120, 299):
        listed, k = listed_refs(passages, budget)
        groups = {}
        for i, p in enumerate(passages):
            for c in p["labels"]:
                groups.setdefault((p["worker"], c), []).append((-p["scores"][c], i))
            for c in p["breaches"]:
                groups.setdefault((p["worker"], "!" + c), []).append((-p["scores"]["breach:" + c], i))
        top = lambda n: {passages[i]["ref"] for g in groups.values() for _, i in sorted(g)[:n]}  # noqa: E731
        assert listed == top(k)
        assert k == 1 or len(listed) <= budget
        assert len(top(k + 1)) > budget  # k is as large as the budget allows
    assert listed_refs(passages, 300) == (None, 0)


def test_a_page_too_large_lists_the_strongest_passages_and_says_how_to_see_all(monkeypatch):
    from analyzer.render import html as page

    monkeypatch.setattr(page, "PAGE_PASSAGES", 6)
    monkeypatch.setattr(page, "PAGE_CASES", 3)
    rep = build_report(to_frame(_big_rows()), [], MODEL, lang="id")
    out = page.render_report_html(rep, "id")
    ids, hrefs = anchors(out)
    assert hrefs and not hrefs - ids, sorted(hrefs - ids)
    shown = set(re.findall(r"Passage (Rina|Budi) (\d)\.", out))
    # k = 2: Rina's two strongest P10 (0, 1) and both breaches of P02 (5 is the stronger, 2 the other), Budi's
    # two strongest P11 (3, 2)
    assert shown == {("Rina", "0"), ("Rina", "1"), ("Rina", "2"), ("Rina", "5"), ("Budi", "3"), ("Budi", "2")}
    assert "4 dari 8 passage berkode petugas ini ditampilkan, yaitu 2 passage dengan skor tertinggi" in out
    assert '--worker &#34;Rina&#34; --format html' in out
    assert "3 dari 12 kasus ditampilkan" in out
    assert len(re.findall(r'<section id=c\d+ class="case">', out)) == 3
    # every breach fits (2 of 2), so the breach list says nothing about a limit
    assert "passage pelanggaran ditampilkan" not in out
    # the full report (JSON and spreadsheets) keeps every passage
    assert len(rep["passages"]) == 12
