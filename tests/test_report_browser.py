"""The HTML report in a real browser (Debian's Chromium, driven by Playwright; no browser is downloaded): the
phone and desktop layouts do not overflow, every link lands on something, a count shows exactly the passages
behind it, and the printout is a bounded number of A4 pages."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest
from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.resources import DEMO_DIR

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The demo's printout: summary tables, heat map, code cards, cases and breaches (the passage lists are left out
# of print). Measured at 20 pages; the bound leaves room for fonts, not for blank or duplicated pages.
MAX_PRINT_PAGES = 26


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("CI must install chromium (see .ci/run)")
        pytest.skip("no Chromium on this machine")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def report_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    results = folder / "hasil.parquet"
    run = CliRunner().invoke
    assert run(cli, ["analyze", str(DEMO_DIR / "notes"), "-o", str(results)]).exit_code == 0
    html = folder / "laporan.html"
    assert run(cli, ["report", str(results), "--format", "html", "-o", str(html)]).exit_code == 0
    data = json.loads(run(cli, ["report", str(results), "--format", "json"]).output)
    return html, data, folder


@pytest.mark.parametrize("width", [1280, 400])
def test_layout_fits_and_every_link_lands(browser, report_files, width):
    html, _, folder = report_files
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(html.as_uri())
    overflow = page.evaluate("() => [document.documentElement.scrollWidth - document.documentElement.clientWidth,"
                             " document.body.scrollWidth - document.body.clientWidth]")
    assert overflow == [0, 0], overflow
    missing = page.evaluate("() => [...document.querySelectorAll('a[href^=\"#\"]')]"
                            ".map(a => a.getAttribute('href').slice(1)).filter(id => !document.getElementById(id))")
    assert missing == []
    external = page.evaluate("() => [...document.querySelectorAll('[src],[href]')]"
                             ".map(e => e.getAttribute('src') || e.getAttribute('href'))"
                             ".filter(u => !u.startsWith('#'))")
    assert external == []
    smallest = page.evaluate("() => Math.min(...[...document.querySelectorAll('.heat td a')]"
                             ".map(a => parseFloat(getComputedStyle(a).fontSize)))")
    assert smallest >= 11  # the heat map is readable
    shot = folder / f"report-{width}.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 20_000
    page.close()


def test_a_count_shows_the_passages_behind_it_and_back(browser, report_files):
    html, data, _ = report_files
    page = browser.new_page(viewport={"width": 400, "height": 800})
    worker = max(data["workers"], key=lambda w: w["codes"]["P10"]["applied"])
    index = data["workers"].index(worker) + 1
    page.goto(html.as_uri() + "#heatmap")
    page.click(f'.heat a[href="#w{index}-P10"]')
    assert page.evaluate("location.hash") == f"#w{index}-P10"
    shown = page.evaluate(f"() => [...document.querySelectorAll('#w{index} .ps > li')]"
                          ".filter(li => li.offsetParent !== null).map(li => li.id)")
    assert shown == worker["codes"]["P10"]["refs"] and shown
    notes = page.evaluate(f"() => [...document.querySelectorAll('#w{index} .notes > li')]"
                          ".filter(li => li.offsetParent !== null).length")
    assert notes == worker["codes"]["P10"]["notes"]
    page.go_back()  # back to the heat map: every passage listed again
    assert page.evaluate("location.hash") == "#heatmap"
    every = page.evaluate(f"() => [...document.querySelectorAll('#w{index} .ps > li')]"
                          ".filter(li => li.offsetParent !== null).length")
    assert every > len(shown)
    breach = next((w, c) for w in data["workers"] for c in w["codes"] if w["codes"][c]["breach_refs"])
    bindex = data["workers"].index(breach[0]) + 1
    page.goto(html.as_uri() + f"#w{bindex}-{breach[1]}-b")
    shown = page.evaluate(f"() => [...document.querySelectorAll('#w{bindex} .ps > li')]"
                          ".filter(li => li.offsetParent !== null).map(li => li.id)")
    assert shown == breach[0]["codes"][breach[1]]["breach_refs"]
    page.close()


def test_print_to_pdf_is_a_bounded_number_of_a4_pages(browser, report_files):
    html, _, folder = report_files
    page = browser.new_page()
    page.goto(html.as_uri())
    page.emulate_media(media="print")
    hidden = page.evaluate("() => getComputedStyle(document.querySelector('.pl')).display")
    assert hidden == "none"
    pdf = page.pdf(prefer_css_page_size=True)
    (folder / "laporan.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 3 <= pages <= MAX_PRINT_PAGES, pages
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", pdf)
    assert box and abs(float(box.group(1)) - 595.92) < 2 and abs(float(box.group(2)) - 842.88) < 2  # A4
    page.close()
