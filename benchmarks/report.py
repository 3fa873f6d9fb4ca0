"""Report targets (issue 17), measured in one run and printed as ratios to their targets:

- aggregating 1,000,000 passages (synthetic results) into the full report (counts per worker, code, case and
  month, and the drill-down list): under 10 s;
- the HTML page for 200 workers: under 5 MB, and rendered by Chromium (load event) in under 3 s;
- ``analyzer report`` wall time on the demo notes (end to end) and from its results file;
- ``analyzer report NOTES`` (HTML) on 100,000 synthetic notes end to end against ``analyzer analyze`` of the same
  notes, both without a cache, run one after the other in this process: at most 1.3 × analyze.

Synthetic results are the demo collection's analysed passages, copied with new note ids and workers (and, for
the million, spread over later years), so texts, labels, scores and evidence have the demo's distributions.
Writes a section of benchmarks/RESULTS.md. Usage: python benchmarks/report.py [--notes 100000] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import publish  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"


def demo_results(folder: Path) -> Path:
    path = folder / "demo.parquet"
    subprocess.run([sys.executable, "-m", "analyzer", "analyze", str(ROOT / "corpora" / "demo" / "notes"), "-o",
                    str(path), "--no-cache"], check=True, cwd=ROOT, capture_output=True)
    return path


def copies(df, n: int, workers_per_set: int | None = None):
    """``n`` copies of the passages: copy i gets its own note ids; its workers are renamed to one of
    ``workers_per_set`` sets (all distinct when None) and its dates move on by ``i // workers_per_set`` years."""
    import pandas as pd

    parts = []
    for i in range(n):
        part = df.copy()
        group = i if workers_per_set is None else i % workers_per_set
        part["worker"] = part["worker"] + f" #{group:03d}"
        part["note_id"] = part["note_id"] + f"-{i:04d}"
        shift = 0 if workers_per_set is None else i // workers_per_set
        if shift:
            dated = part["date"] != ""
            part.loc[dated, "date"] = (part.loc[dated, "date"].str[:4].astype(int) + shift).astype(str) + \
                part.loc[dated, "date"].str[4:]
            part["month"] = part["date"].str[:7]
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def aggregation(df, skipped, model) -> tuple[int, int, float]:
    from analyzer.report.coverage import build_report

    target = 1_000_000
    big = copies(df, -(-target // len(df)), workers_per_set=125)
    start = time.perf_counter()
    report = build_report(big, skipped, model)
    seconds = time.perf_counter() - start
    return len(big), len(report["workers"]), seconds


def html_200(df, skipped, model, folder: Path) -> tuple[int, int, float, float, float | None]:
    from analyzer.report.coverage import build_report
    from analyzer.render.html import render_report_html

    workers = df["worker"].nunique()
    big = copies(df, 200 // workers)
    report = build_report(big, skipped, model)
    start = time.perf_counter()
    html = render_report_html(report, "id")
    rendered = time.perf_counter() - start
    path = folder / "report-200.html"
    path.write_text(html, encoding="utf-8")
    return len(report["workers"]), big["note_id"].nunique(), path.stat().st_size / 1e6, rendered, \
        chromium_load(path)


def chromium_load(path: Path) -> float | None:
    """Seconds from navigation to the load event in headless Chromium (median of 3), or None without it."""
    import statistics

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not os.path.exists(CHROMIUM):
        return None
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for _ in range(3):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(path.as_uri(), wait_until="load")
            times.append(page.evaluate("() => { const t = performance.getEntriesByType('navigation')[0];"
                                       " return t.loadEventEnd - t.startTime; }") / 1000)
            page.close()
        browser.close()
    return statistics.median(times)


def cli_seconds(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "analyzer", *args], check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - start


def report_vs_analyze(folder: Path, n: int) -> tuple[int, float, float, float]:
    """Wall times of ``analyze`` (Parquet, no cache) and of ``report`` (HTML, from the same notes; the report
    keeps no cache) on ``n`` synthetic notes, and the HTML size in MB. ``analyze`` runs first, so the notes file
    is equally warm in the page cache for both."""
    from throughput import write_notes

    notes = folder / "notes.jsonl"
    words = write_notes(notes, n, seed=17)
    analyze_s = cli_seconds(["analyze", str(notes), "-o", str(folder / "e2e.parquet"), "--no-cache"])
    page = folder / "e2e.html"
    report_s = cli_seconds(["report", str(notes), "--format", "html", "-o", str(page)])
    return words, analyze_s, report_s, page.stat().st_size / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=100_000,
                        help="Synthetic notes for report vs analyze end to end (0 skips it).")
    parser.add_argument("--no-write", action="store_true", help="Print only; do not update RESULTS.md.")
    args = parser.parse_args()

    from analyzer.report.coverage import model_info
    from analyzer.model.persist import load_model
    from analyzer.io.results import read_results

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = demo_results(folder)
        df, skipped, meta = read_results(results)
        model = model_info(load_model().metadata, meta.get("model_id", ""))
        passages, agg_workers, agg_s = aggregation(df, skipped, model)
        workers, notes, size_mb, render_s, load_s = html_200(df, skipped, model, folder)
        notes_s = cli_seconds(["report", str(ROOT / "corpora" / "demo" / "notes"), "--format", "html", "-o",
                               str(folder / "a.html")])
        results_s = cli_seconds(["report", str(results), "--format", "html", "-o", str(folder / "b.html")])
        e2e = report_vs_analyze(folder, args.notes) if args.notes else None

    load = "no Chromium" if load_s is None else f"{load_s:.2f} s (ratio {load_s / 3:.2f})"
    lines = [
        "## Report (`python benchmarks/report.py`)",
        "",
        f"Synthetic results: the demo's {len(df):,} analysed passages copied with new note ids and workers.",
        "",
        "| measure | value | target | ratio |",
        "|---|---|---|---|",
        f"| aggregate {passages:,} passages ({agg_workers:,} workers) into the full report | {agg_s:.2f} s | < 10 s "
        f"| {agg_s / 10:.2f} |",
        f"| HTML for {workers} workers ({notes:,} notes): size | {size_mb:.2f} MB | < 5 MB | {size_mb / 5:.2f} |",
        f"| HTML for {workers} workers: load in headless Chromium | {load} | < 3 s | |",
        f"| HTML for {workers} workers: rendering the page in Python | {render_s:.2f} s | | |",
        f"| `analyzer report` demo notes → HTML (end to end, analysis included) | {notes_s:.2f} s | | |",
        f"| `analyzer report` demo results file → HTML | {results_s:.2f} s | | |",
    ]
    if e2e is not None:
        words, analyze_s, report_s, page_mb = e2e
        lines.append(f"| {args.notes:,} synthetic notes ({words:,} words): `analyzer report NOTES --format html` "
                     f"{report_s:.1f} s (page {page_mb:.1f} MB) vs `analyzer analyze NOTES` {analyze_s:.1f} s "
                     f"| {report_s / analyze_s:.2f} × analyze | ≤ 1.3 × | {report_s / analyze_s / 1.3:.2f} |")
    lines += [
        "",
        f"Machine: {os.cpu_count()} cores. The HTML shortens excerpts on pages with many passages "
        "(`analyzer/render/html.py`, `EXCERPT_BUDGET`), which is what keeps 200 workers under 5 MB; beyond 20,000 "
        "coded passages or 5,000 cases a page lists the strongest passages per worker and code and the cases worth "
        "a look first (`PAGE_PASSAGES`, `PAGE_CASES`), which is what keeps 100,000 notes near 11 MB.",
    ]
    publish("report", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
