"""Throughput and memory of ``analyzer analyze`` (issue: scale), measured in one run on the same text.

- a generator of synthetic notes of any size, recombining paragraphs of the demo collection (or of the
  annotated corpus, which has more distinct words) (seeded);
- spaCy's bare ``blank("id")`` tokenizer words/s (the floor) vs end-to-end ``analyze`` words/s and notes/s on
  one core, and their ratio; each measured ``--repeat`` times, interleaved, medians reported with the range;
- our own tokenizer's words/s (spaCy's ``Tokenizer`` with our rules and primed cache) and the start-up time,
  so the ratio can be read against both;
- peak memory (max RSS of a fresh process) for two collection sizes;
- scaling with ``--jobs 1`` vs ``--jobs 2`` and with a 2-worker Dask LocalCluster.

Usage: python benchmarks/throughput.py [--small 10000] [--large 100000] [--speed 10000] [--repeat 3] [--no-write]
Writes a section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import publish  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def demo_paragraphs() -> list[str]:
    out = []
    for path in sorted((ROOT / "corpora" / "demo" / "notes").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[2]
        out += [p.strip() for p in body.split("\n\n") if p.strip()]
    return out


def corpus_paragraphs() -> list[str]:
    return [json.loads(line)["text"] for path in sorted((ROOT / "corpora" / "annotated").glob("*.jsonl"))
            for line in path.open(encoding="utf-8") if line.strip()]


def write_notes(path: Path, n: int, seed: int = 0, paragraphs: list[str] | None = None) -> int:
    """A JSONL table of ``n`` synthetic notes (4–7 paragraphs each, demo paragraphs unless given); returns
    the number of words."""
    rng = random.Random(seed)
    paragraphs = paragraphs or demo_paragraphs()
    workers = [f"Petugas {i:03d}" for i in range(max(8, n // 200))]
    words = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = "\n\n".join(rng.sample(paragraphs, rng.randint(4, 7)))
            words += len(text.split())
            fh.write(json.dumps({"note_id": f"s{i:07d}", "worker": rng.choice(workers), "client": f"K{rng.randint(1, n // 5 + 1)}",
                                 "date": f"2026-{rng.randint(8, 10):02d}-{rng.randint(1, 28):02d}", "text": text},
                                ensure_ascii=False) + "\n")
    return words


def tokenizer_words_per_s(path: Path) -> float:
    import spacy

    texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    nlp = spacy.blank("id")
    list(nlp.tokenizer.pipe(texts[:200]))  # warm-up
    words = sum(len(t.split()) for t in texts)
    start = time.perf_counter()
    for _ in nlp.tokenizer.pipe(texts, batch_size=256):
        pass
    return words / (time.perf_counter() - start)


def our_tokenizer_words_per_s(path: Path) -> float:
    """Our tokenizer (``analyzer.text.tokenizer.tokenize``) in a fresh process, with the floor's warm-up."""
    code = ("import json, sys, time\n"
            "from analyzer.text.tokenizer import tokenize\n"
            "texts = [json.loads(line)['text'] for line in open(sys.argv[1], encoding='utf-8')]\n"
            "list(tokenize(texts[:200]))\n"
            "words = sum(len(t.split()) for t in texts)\n"
            "start = time.perf_counter()\n"
            "for _ in tokenize(texts, batch_size=256):\n    pass\n"
            "print(words / (time.perf_counter() - start))\n")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    return float(proc.stdout.strip())


def timed_analyze(notes: Path, out: Path, *extra: str) -> tuple[float, int, int]:
    """Wall time, peak RSS (kB) of a fresh `analyzer analyze` process (no cache) and of its largest worker."""
    code = ("import resource, sys, time\n"
            "from analyzer.cli import main\n"
            "sys.argv = ['analyzer'] + sys.argv[1:]\n"
            "t = time.perf_counter()\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('WALL', time.perf_counter() - t, file=sys.stderr)\n"
            "print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
            "print('CHILD', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code, "analyze", str(notes), "-o", str(out), "--no-cache", *extra],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    vals = dict(line.split(" ", 1) for line in proc.stderr.splitlines() if line.startswith(("WALL", "RSS", "CHILD")))
    return float(vals["WALL"]), int(vals["RSS"]), int(vals.get("CHILD", 0))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--speed", type=int, default=10_000, help="notes for the speed and scaling runs")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the floor and of analyze --jobs 1")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        one = tmp / "one.jsonl"
        write_notes(one, 1, seed=3)
        startup = statistics.median(timed_analyze(one, tmp / "one.parquet", "--jobs", "1")[0] for _ in range(3))
        speed = tmp / "speed.jsonl"
        for label, paragraphs in (("demo paragraphs", None), ("annotated-corpus paragraphs", corpus_paragraphs())):
            path = tmp / "speed.jsonl" if paragraphs is None else tmp / "corpus.jsonl"
            words = write_notes(path, args.speed, seed=1, paragraphs=paragraphs)
            floors, walls = [], []
            for _ in range(args.repeat):  # interleaved, so both see the same machine
                floors.append(tokenizer_words_per_s(path))
                walls.append(timed_analyze(path, tmp / "s1.parquet", "--jobs", "1")[0])
            floor, wall1 = statistics.median(floors), statistics.median(walls)
            ours = our_tokenizer_words_per_s(path)
            e2e = words / wall1
            rows += [
                (f"{args.speed:,} notes of {label} ({words:,} words): spaCy blank('id') tokenizer (floor), "
                 f"words/s, median of {args.repeat} (range)", f"{floor:,.0f} ({min(floors):,.0f}–{max(floors):,.0f})"),
                ("… our tokenizer (spaCy `Tokenizer`, our rules, primed cache), words/s", f"{ours:,.0f}"),
                (f"… `analyze --jobs 1` end to end, words/s, median of {args.repeat} (range)",
                 f"{e2e:,.0f} ({words / max(walls):,.0f}–{words / min(walls):,.0f})"),
                ("… notes/s", f"{args.speed / wall1:,.0f}"),
                ("… **ratio end-to-end / floor (target ≥ 0.50)**", f"**{e2e / floor:.2f}**"),
                ("… ratio with the start-up (below) taken out / floor", f"{words / (wall1 - startup) / floor:.2f}"),
                ("… ratio end-to-end / our tokenizer", f"{e2e / ours:.2f}"),
            ]
            print("\n".join(f"{a}: {b}" for a, b in rows[-7:]), flush=True)
            if paragraphs is None:
                speed_wall = wall1
        rows.append(("start-up: `analyze` of one note, whole process, median of 3 (s)", f"{startup:.2f}"))
        wall2, _, _ = timed_analyze(speed, tmp / "s2.parquet", "--jobs", "2")
        walld, _, _ = timed_analyze(speed, tmp / "sd", "--engine", "dask")
        rows += [
            ("`analyze --jobs 2` (demo paragraphs): notes/s (speed-up over the median `--jobs 1`)",
             f"{args.speed / wall2:,.0f} ({speed_wall / wall2:.2f}×)"),
            ("`analyze --engine dask` (2-worker LocalCluster, incl. start-up): notes/s (speed-up)",
             f"{args.speed / walld:,.0f} ({speed_wall / walld:.2f}×)"),
        ]
        print("\n".join(f"{a}: {b}" for a, b in rows), flush=True)
        mem = {}
        for n in (args.small, args.large):
            path = tmp / f"n{n}.jsonl"
            write_notes(path, n, seed=2)
            wall, rss, child = timed_analyze(path, tmp / f"n{n}.parquet", "--jobs", "2")
            mem[n] = (wall, max(rss, child))
            rows.append((f"{n:,} notes, `--jobs 2`: wall time; peak RSS of the main process / largest worker",
                         f"{wall:,.0f} s ({n / wall:,.0f} notes/s); {rss / 1024:,.0f} MB / {child / 1024:,.0f} MB"))
            print(rows[-1], flush=True)
            path.unlink()
        small, large = mem[args.small][1], mem[args.large][1]
        rows.append(("growth of the larger peak RSS from the small to the large run (target < 25%)",
                     f"{(large - small) / small:+.1%}"))
    lines = ["## Throughput and memory (`analyze`)", "",
             f"One run of `python benchmarks/throughput.py --small {args.small} --large {args.large} --speed "
             f"{args.speed} --repeat {args.repeat}` on {platform.machine()} ({os.cpu_count()} cores, Python {platform.python_version()}), "
             "synthetic notes recombined from paragraphs of the demo collection or of the annotated corpus, no "
             "cache. Wall times are whole processes (start-up and model load included); the floor is spaCy's stock "
             "tokenizer in the benchmark's process after a warm-up on 200 notes.", "",
             "| measure | value |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in rows]
    publish("throughput", lines, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
