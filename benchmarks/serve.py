"""``analyzer serve``: latency, report pages at 100,000 notes, and a bounded load test, measured over HTTP against
real server processes (``python -m analyzer serve … --port 0``) on 127.0.0.1.

- **Review**: a pasted 1,000-word note (demo paragraphs) posted to ``/review`` 20 times (the same note, then 20
  different ones): median and p95 response time. Target: median under 150 ms.
- **Report at 100,000 notes**: synthetic results made by tiling the analysed demo collection (every passage and
  score real, note ids, workers, clients and dates renamed) to 100,000 notes; the server is started on them.
  Measured: start-up (load, indexes), the first report page (aggregation, started in the background at start-up),
  then the cached report page, a worker's page, the passages behind a count, one passage and one case (median of 20).
  Target: a cached page under 1 s.
- **Load**: 20 concurrent clients for 30 s (after 60 s of the same load), each alternating the report page and a
  review of a pasted note, on the demo collection: requests, errors, p50/p95/max latency, and the server's
  resident memory sampled every second (start, middle, end, peak). Target: no errors, memory flat.

Prints the figures of this run and records them in benchmarks/RESULTS.md.
Usage: python benchmarks/serve.py [--notes 100000] [--clients 20] [--duration 30] [--warmup 60] [--no-large]
       [--no-write]
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import publish  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpora" / "demo" / "notes"


# --- a server process and a client ------------------------------------------------------------------------------


class Server:
    """``python -m analyzer serve INPUTS --port 0`` in a subprocess; its port and its resident memory."""

    def __init__(self, inputs: list[Path]) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.started = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-m", "analyzer", "serve", *map(str, inputs), "--port", "0",
                                      "--lang", "en"], cwd=ROOT, env=env, stderr=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, text=True)
        lines = []
        for line in self.proc.stderr:
            lines.append(line)
            if "Stop it with Ctrl-C" in line:
                break
        match = re.search(r"running at http://127\.0\.0\.1:(\d+)", "".join(lines))
        if not match:
            raise RuntimeError("the server did not start:\n" + "".join(lines))
        self.port = int(match.group(1))
        self.ready = time.perf_counter() - self.started
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()  # keep its pipe drained

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.proc.send_signal(2)  # Ctrl-C
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Client:
    """One browser: a keep-alive connection, its CSRF cookie and token."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.cookie = ""
        self.token = ""

    def get(self, path: str) -> tuple[int, str, float]:
        return self._send("GET", path)

    def review(self, text: str) -> tuple[int, str, float]:
        if not self.token:
            status, page, _ = self.get("/review")
            self.token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        body = urlencode({"csrf": self.token, "text": text}).encode("utf-8")
        return self._send("POST", "/review?lang=en", body, "application/x-www-form-urlencoded")

    def _send(self, method: str, path: str, body: bytes | None = None, ctype: str | None = None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if ctype:
            headers["Content-Type"] = ctype
        start = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - start
        cookie = response.getheader("set-cookie")
        if cookie and cookie.startswith("analyzer_csrf="):
            self.cookie = cookie.split(";", 1)[0]
        return response.status, data, elapsed


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# --- notes and results ------------------------------------------------------------------------------------------


def demo_paragraphs() -> list[str]:
    out = []
    for path in sorted(DEMO.glob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[2]
        out += [p.strip() for p in body.split("\n\n") if len(p.split()) >= 12]
    return out


def note_of(paragraphs: list[str], words: int, rng: random.Random) -> str:
    chosen, n = [], 0
    for p in rng.sample(paragraphs, len(paragraphs)):
        chosen.append(p)
        n += len(p.split())
        if n >= words:
            break
    text = "\n\n".join(chosen)
    return " ".join(text.split(" ")[:words]) if n > words * 1.2 else text


def analysed_demo(folder: Path) -> Path:
    out = folder / "demo.parquet"
    subprocess.run([sys.executable, "-m", "analyzer", "analyze", str(DEMO), "-o", str(out), "--no-cache"],
                   cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True, capture_output=True)
    return out


def tiled_results(demo: Path, notes: int, out: Path) -> tuple[int, int, int, int]:
    """Results of ``notes`` notes made by tiling the demo results (passages and scores as analysed; note ids,
    25 worker names per copy, clients and dates renamed). Returns (notes, passages, workers, clients)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analyzer.io.results import META_KEY, read_results, results_schema

    df, _, meta = read_results(demo)
    ids = list(dict.fromkeys(df["note_id"]))
    schema = results_schema()
    copies = -(-notes // len(ids))
    writer = pq.ParquetWriter(out, schema, compression="zstd")
    total = passages = 0
    workers, clients = set(), set()
    for k in range(copies):
        take = ids[: min(len(ids), notes - total)]
        part = df[df["note_id"].isin(take)].copy()
        part["note_id"] = part["note_id"] + f"-{k:04d}"
        part["worker"] = part["worker"] + f" {k % 25:02d}"
        part["client"] = part["client"] + f"-{k // 4:04d}"
        shift = pd.to_timedelta((k % 12) * 30, unit="D")
        dates = pd.to_datetime(part["date"].where(part["date"] != "", None)) + shift
        part["date"] = dates.dt.strftime("%Y-%m-%d").fillna("")
        part["month"] = dates.dt.strftime("%Y-%m").fillna("")
        writer.write_table(pa.Table.from_pandas(part[schema.names], schema=schema, preserve_index=False))
        total += len(take)
        passages += len(part)
        workers |= set(part["worker"])
        clients |= set(part["client"])
        if total >= notes:
            break
    import json

    writer.add_key_value_metadata({META_KEY: json.dumps(meta, ensure_ascii=False).encode("utf-8")})
    writer.close()
    return total, passages, len(workers), len(clients)


# --- the three measurements ------------------------------------------------------------------------------------


def review_latency(port: int) -> dict:
    paragraphs = demo_paragraphs()
    rng = random.Random(0)
    client = Client(port)
    same = note_of(paragraphs, 1000, rng)
    client.review(same)  # first request of a connection: cookie and token
    repeated = []
    for _ in range(20):
        status, _, elapsed = client.review(same)
        assert status == 200
        repeated.append(elapsed)
    different = []
    for _ in range(20):
        status, _, elapsed = client.review(note_of(paragraphs, 1000, rng))
        assert status == 200
        different.append(elapsed)
    return {"words": len(same.split()), "same_median": statistics.median(repeated), "same_p95": pct(repeated, .95),
            "diff_median": statistics.median(different), "diff_p95": pct(different, .95)}


def large_report(folder: Path, demo: Path, notes: int) -> dict:
    path = folder / "large.parquet"
    start = time.perf_counter()
    n_notes, n_passages, n_workers, n_clients = tiled_results(demo, notes, path)
    made = time.perf_counter() - start
    server = Server([path])
    try:
        client = Client(server.port)
        status, page, first = client.get("/report?lang=en")  # waits for the aggregation begun at start-up
        assert status == 200, page[:300]
        worker = re.search(r'<tr class="worker-row"><td><a href="[^"]+">([^<]+)</a>', page).group(1)
        timings = {}
        pages = {
            "report (cached)": "/report?lang=en",
            "report, page 50 of the cases": "/report?lang=en&page=50",
            "passages behind a count (P10)": "/passages?code=P10&lang=en",
            "breaches of one worker": "/passages?" + urlencode({"worker": worker, "breach": "1"}),
        }
        status, listing, _ = client.get(pages["passages behind a count (P10)"])
        note, p = re.search(r'href="/passage\?note=([^&]+)&amp;p=(\d+)"', listing).groups()
        pages["one passage in its note"] = f"/passage?note={note}&p={p}"
        case = re.search(r'href="(/case\?[^"]+)"', page).group(1).replace("&amp;", "&")
        pages["one case and its timeline"] = case
        status, _, worker_first = client.get("/report?" + urlencode({"worker": worker, "lang": "en"}))
        pages["one worker's report (cached)"] = "/report?" + urlencode({"worker": worker, "lang": "en"})
        for name, url in pages.items():
            runs = []
            for _ in range(20):
                status, body, elapsed = client.get(url)
                assert status == 200, (url, body[:300])
                runs.append(elapsed)
            timings[name] = (statistics.median(runs), max(runs), len(body))
        rss = server.rss_mb()
    finally:
        server.stop()
    return {"notes": n_notes, "passages": n_passages, "workers": n_workers, "clients": n_clients, "made": made,
            "ready": server.ready, "first": first, "worker_first": worker_first, "timings": timings, "rss": rss}


def load_test(port: int, server: Server, clients: int, duration: float, warmup: float) -> dict:
    """``clients`` threads, each alternating the report page and a review, for ``warmup`` + ``duration`` seconds;
    latencies and errors of the last ``duration`` seconds, the server's memory every second of the whole run."""
    paragraphs = demo_paragraphs()
    latencies: dict[str, list[float]] = {"report": [], "review": []}
    errors: list[str] = []
    lock = threading.Lock()
    begin = time.monotonic()
    measure_from = begin + warmup
    stop = measure_from + duration
    memory: list[tuple[float, float]] = []

    def one(seed: int) -> None:
        rng = random.Random(seed)
        client = Client(port)
        notes = [note_of(paragraphs, rng.choice((300, 600, 1000)), rng) for _ in range(25)]
        k = 0
        while time.monotonic() < stop:
            started = time.monotonic()
            try:
                if k % 2 == 0:
                    status, _, elapsed = client.get("/report?lang=en")
                    kind = "report"
                else:
                    status, _, elapsed = client.review(notes[k % len(notes)])
                    kind = "review"
            except Exception as exc:  # a refused or broken connection is an error of the run
                with lock:
                    errors.append(type(exc).__name__)
                client = Client(port)
                continue
            if started >= measure_from:
                with lock:
                    if status != 200:
                        errors.append(str(status))
                    else:
                        latencies[kind].append(elapsed)
            k += 1

    def sample() -> None:
        while time.monotonic() < stop:
            memory.append((time.monotonic() - begin, server.rss_mb()))
            time.sleep(1)

    Client(port).get("/report?lang=en")  # aggregated before the clients start
    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    sampler = threading.Thread(target=sample)
    for t in [sampler, *threads]:
        t.start()
    for t in [sampler, *threads]:
        t.join()
    every = latencies["report"] + latencies["review"]
    measured = [m for t, m in memory if t >= warmup]
    return {"requests": len(every), "errors": errors, "rps": len(every) / duration,
            "p50": pct(every, .5), "p95": pct(every, .95), "max": max(every),
            "review_p95": pct(latencies["review"], .95), "report_p95": pct(latencies["report"], .95),
            "review_n": len(latencies["review"]), "report_n": len(latencies["report"]),
            "rss_before": memory[0][1], "rss_start": measured[0], "rss_mid": measured[len(measured) // 2],
            "rss_end": measured[-1], "rss_peak": max(measured)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=60.0, help="Seconds of the same load before measuring.")
    parser.add_argument("--no-large", action="store_true", help="Skip the 100,000-note report.")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    lines = ["## Local web page (`python benchmarks/serve.py`)", "",
             f"One run on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
             "server and clients on this machine, over HTTP on 127.0.0.1.", ""]
    with tempfile.TemporaryDirectory(prefix="analyzer-bench-serve-") as tmp:
        folder = Path(tmp)
        demo = analysed_demo(folder)
        server = Server([demo])
        try:
            review = review_latency(server.port)
            load = load_test(server.port, server, args.clients, args.duration, args.warmup)
        finally:
            server.stop()
        lines += [
            "### Review my note (demo collection loaded)", "",
            "| request | median | p95 | target |", "|---|---|---|---|",
            f"| the same pasted {review['words']}-word note, 20 times | {ms(review['same_median'])} | "
            f"{ms(review['same_p95'])} | median < 150 ms: {'met' if review['same_median'] < 0.15 else 'missed'} |",
            f"| 20 different pasted 1,000-word notes | {ms(review['diff_median'])} | {ms(review['diff_p95'])} | "
            f"median < 150 ms: {'met' if review['diff_median'] < 0.15 else 'missed'} |", "",
            f"### Load: {args.clients} concurrent clients for {args.duration:.0f} s (report page and review of a "
            "pasted 300–1,000-word note, alternating; demo collection), after "
            f"{args.warmup:.0f} s of the same load", "",
            "| requests | errors | per second | p50 | p95 | p95 report | p95 review | max |",
            "|---|---|---|---|---|---|---|---|",
            f"| {load['requests']} ({load['report_n']} report, {load['review_n']} review) | {len(load['errors'])} | "
            f"{load['rps']:.0f} | {ms(load['p50'])} | {ms(load['p95'])} | {ms(load['report_p95'])} | "
            f"{ms(load['review_p95'])} | {ms(load['max'])} |", "",
            f"Server memory (resident): {load['rss_before']:.0f} MB before the load; while measured "
            f"{load['rss_start']:.0f} MB at the start, {load['rss_mid']:.0f} MB in the middle, "
            f"{load['rss_end']:.0f} MB at the end (peak {load['rss_peak']:.0f} MB). The growth during the warm-up "
            "is the tokenizer's chunk cache and the allocator filling up with the first reviews.", "",
        ]
        if load["errors"]:
            lines += [f"Errors: {', '.join(sorted(set(load['errors'])))}", ""]
        if not args.no_large:
            large = large_report(folder, demo, args.notes)
            t = large["timings"]
            lines += [
                f"### Report pages at {large['notes']:,} notes ({large['passages']:,} passages, {large['workers']} "
                f"workers, {large['clients']:,} clients; tiled from the analysed demo collection in "
                f"{large['made']:.0f} s)", "",
                f"- start-up until the server answers (results read, indexes built): {large['ready']:.1f} s; "
                f"memory after the run: {large['rss']:.0f} MB",
                f"- first report page (the aggregation, begun in the background at start-up): {large['first']:.1f} s",
                f"- first report of one worker (aggregated on demand): {large['worker_first']:.2f} s", "",
                "| page (median of 20 requests) | median | max | size | target |", "|---|---|---|---|---|",
            ]
            for name, (median, worst, size) in t.items():
                lines.append(f"| {name} | {ms(median)} | {ms(worst)} | {size / 1000:.0f} kB | < 1 s: "
                             f"{'met' if median < 1 else 'missed'} |")
            lines.append("")
    publish("serve", lines, write=not args.no_write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
