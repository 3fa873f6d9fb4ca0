"""Speed of this checkout against an earlier revision, measured in one run (paired, alternating runs).

    python benchmarks/compare_speed.py --base 097db24 [--notes 2000] [--pairs 5] [--no-write]

Checks out ``--base`` into a temporary git worktree (its own code and its own model), generates synthetic notes
from the demo paragraphs (seeded), then alternates whole-process runs of both checkouts — ``analyze`` of the
notes with ``--jobs 1`` and no cache (with this checkout's ``--redact`` modes ``all``, ``ids`` and ``none``; the
base always masked NIK, phone numbers and e-mail) and ``review`` of a 1,000-word note — and prints the median
of the per-pair CPU-time ratios (user + system of the child process). Writes a section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import publish  # noqa: E402


def make_notes(folder: Path, n: int) -> Path:
    random.seed(0)
    paras = []
    for path in sorted((ROOT / "corpora" / "demo" / "notes").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[2]
        paras += [p.strip() for p in body.split("\n\n") if p.strip()]
    notes = folder / "notes"
    notes.mkdir()
    for i in range(n):
        text = "\n\n".join(random.choice(paras) for _ in range(8))
        (notes / f"n{i:05d}.md").write_text(
            f"---\nworker: W{i % 9}\nclient: K{i % 37}\ndate: 2026-09-{1 + i % 28:02d}\n---\n\n{text}\n", encoding="utf-8")
    long_text = []
    while sum(len(t.split()) for t in long_text) < 1000:
        long_text.append(random.choice(paras))
    (folder / "long.md").write_text("---\nworker: W\nclient: K\ndate: 2026-09-01\n---\n\n" + "\n\n".join(long_text),
                                    encoding="utf-8")
    return notes


def cpu_of(cmd: list[str], cwd: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, PYTHONPATH=str(cwd)))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def paired(new_cmd, base_cmd, new_dir, base_dir, pairs: int) -> tuple[float, float, float]:
    ratios, news, bases = [], [], []
    cpu_of(new_cmd(), new_dir), cpu_of(base_cmd(), base_dir)  # warm-up
    for _ in range(pairs):
        a, b = cpu_of(new_cmd(), new_dir), cpu_of(base_cmd(), base_dir)
        news.append(a), bases.append(b), ratios.append(a / b)
    return statistics.median(news), statistics.median(bases), statistics.median(ratios)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base_dir = tmp / "base"
        subprocess.run(["git", "worktree", "add", "-f", "--detach", str(base_dir), args.base], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            notes = make_notes(tmp, args.notes)
            py = sys.executable
            rows = []

            def analyze(out, *extra):
                def cmd():
                    Path(out).unlink(missing_ok=True)
                    return [py, "-m", "analyzer", "analyze", str(notes), "-o", out, "--no-cache", "--jobs", "1", *extra]
                return cmd

            base_analyze = analyze(str(tmp / "b.parquet"))
            for mode in ("all", "ids", "none"):
                new, base, ratio = paired(analyze(str(tmp / "a.parquet"), "--redact", mode), base_analyze,
                                          ROOT, base_dir, args.pairs)
                rows.append((f"`analyze` of {args.notes:,} notes, `--redact {mode}`", new, base, ratio))
            review = lambda: [py, "-m", "analyzer", "review", str(tmp / "long.md"), "--format", "json"]  # noqa: E731
            new, base, ratio = paired(review, review, ROOT, base_dir, args.pairs)
            rows.append(("`review` of a 1,000-word note (start-up included)", new, base, ratio))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base_dir)], cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lines = [f"## Speed against `{args.base}` (`python benchmarks/compare_speed.py --base {args.base}`)", "",
             f"Whole processes, CPU seconds (user + system), {args.pairs} alternating pairs after a warm-up, medians; "
             "ratio = median of the per-pair ratios. The base masked NIK, phone numbers and e-mail only.", "",
             "| run | this checkout (s) | base (s) | ratio |", "|---|---|---|---|"]
    lines += [f"| {name} | {new:.2f} | {base:.2f} | **{ratio:.2f}** |" for name, new, base, ratio in rows]
    publish("compare_speed", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
