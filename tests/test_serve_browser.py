"""analyzer serve end to end in a real browser: Debian's headless Chromium, driven by Playwright's Python package
(no browser download), against uvicorn on a free 127.0.0.1 port. A supervisor opens the report, follows a
drill-down link to the passages behind a count, rejects a wrong code, sees the figure change, and reviews a
pasted note."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

from analyzer.resources import DEMO_DIR

CHROMIUM = "/usr/bin/chromium"
WORKER = "Agus Wibowo"


def _chromium() -> str:
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail("CI must install chromium (see .ci/run)")
    pytest.skip("no Debian Chromium on this machine")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """uvicorn serving a copy of two workers' demo notes, analysed, on a free port; its base URL."""
    import uvicorn
    from click.testing import CliRunner

    from analyzer.cli import cli
    from analyzer.serve.app import create_app
    from analyzer.serve.run import bind, url_of

    notes = tmp_path_factory.mktemp("notes")
    for path in sorted((DEMO_DIR / "notes").glob("*.md")):
        if path.name.startswith(("AW-", "RA-")):
            shutil.copy(path, notes / path.name)
    results = tmp_path_factory.mktemp("res") / "hasil.parquet"
    out = CliRunner().invoke(cli, ["analyze", str(notes), "-o", str(results), "--jobs", "1", "--no-cache"])
    assert out.exit_code == 0, out.output
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(create_app([results]), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield url_of(sock)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


def test_supervisor_drills_down_corrects_a_code_and_reviews_a_note(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    external: list[str] = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(server) else None)

    page.goto(f"{server}/report?lang=en")
    assert page.title().startswith("Coverage of negotiation principles")
    assert page.locator("tr.worker-row").count() == 2
    # The stylesheet applied (served by the server itself, allowed by the CSP).
    assert page.eval_on_selector("header.top", "e => getComputedStyle(e).backgroundColor") == "rgb(36, 66, 92)"

    # Drill down: the worker's cell of a code with several passages.
    row = page.locator("table.heat tr", has_text=WORKER)
    cell = row.locator("td a[href*='code=P']:not(.breach)").first
    title = cell.get_attribute("title")
    code, applied = re.search(r"^(P\d\d) .*: \d+ notes, (\d+) passages$", title).groups()
    cell.click()
    page.wait_for_url(re.compile(r"/passages\?"))
    assert page.locator("#passage-count").inner_text().startswith(f"{applied} passages")
    page.locator("article.passage-item .meta a").first.click()
    page.wait_for_url(re.compile(r"/passage\?"))
    assert page.locator("#current .code-list").inner_text().count(code) >= 1

    # Correct: reject the code on this passage.
    page.locator(f"button[value='reject-{code}']").click()
    page.wait_for_url(re.compile(r"done=saved"))
    assert "Correction saved" in page.locator("#notice").inner_text()
    assert f"✓ {code}" not in page.locator("#current .code-list").inner_text()

    # The figure changed in the report and in the drill-down.
    page.goto(f"{server}/report?lang=en")
    row = page.locator("table.heat tr", has_text=WORKER)
    new_title = row.locator(f"td a[href*='code={code}']:not(.breach)").first.get_attribute("title")
    assert new_title.endswith(f"{int(applied) - 1} passages")
    page.goto(f"{server}/passages?worker={WORKER.replace(' ', '+')}&code={code}&lang=en")
    assert page.locator("#passage-count").inner_text().startswith(f"{int(applied) - 1} passages")

    # And it can be undone from the corrections page.
    page.goto(f"{server}/corrections?lang=en")
    page.locator("tr.correction-row button").first.click()
    page.wait_for_url(re.compile(r"done=undone"))
    page.goto(f"{server}/passages?worker={WORKER.replace(' ', '+')}&code={code}&lang=en")
    assert page.locator("#passage-count").inner_text().startswith(f"{applied} passages")

    # Review a pasted note.
    page.goto(f"{server}/review?lang=en")
    page.fill("#text", "Saya biarkan Ibu R bercerita sampai selesai, lalu saya ulangi intinya agar beliau merasa "
                       "didengar. Kami sepakat bertemu lagi minggu depan.")
    page.click("#review-form button[type=submit]")
    page.wait_for_selector("#review-result")
    summary = page.locator("#review-summary").inner_text()
    assert "Principles shown" in summary and "P10" in summary
    assert page.locator("#prompts li").count() >= 1

    assert problems == [], problems  # no CSP violation, no failed request
    assert external == [], external  # nothing requested from anywhere else
    page.close()


def test_phone_width_has_no_horizontal_overflow(server, browser):
    page = browser.new_page(viewport={"width": 400, "height": 800})
    for path in ("/report?lang=en", "/passages?breach=1", "/review", "/model"):
        page.goto(server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, (path, overflow)
    page.close()
