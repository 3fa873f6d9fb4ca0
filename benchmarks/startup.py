"""Start-up and latency targets, measured as wall time of real processes (median of several runs).

- `analyzer --help` and `analyzer codebook`: under 0.5 s (lazy imports);
- `analyzer segment` on one note (tokenises it): under 2 s;
- loading the shipped model (in-process, after imports): at most 1 s — the scoring arrays that prediction
  uses, and the full scikit-learn pipeline from ``model.skops``;
- `analyzer predict` on one passage, start to finish;
- `analyzer review` of a 1,000-word note, start to finish (start-up and model load included): under 2 s.

Writes a section of benchmarks/RESULTS.md. Usage: python benchmarks/startup.py [--runs 5] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import publish  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def model_load(runs: int, estimator: bool = False) -> float:
    """In-process model load time after the imports it needs (NumPy; with ``estimator`` also scikit-learn,
    SciPy and skops for ``model.skops``)."""
    imports = "numpy"
    if estimator:
        imports += (", skops.io, sklearn.linear_model, sklearn.multiclass, sklearn.feature_extraction.text, "
                    "scipy.sparse")
    code = (f"import time, analyzer.model as m, {imports}\n"
            f"t=time.perf_counter(); m.load_model(estimator={estimator}); print(time.perf_counter()-t)")
    vals = [float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                                 cwd=ROOT).stdout.strip()) for _ in range(runs)]
    return statistics.median(vals)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    exe = [sys.executable, "-m", "analyzer"]
    note = next((ROOT / "corpora" / "demo" / "notes").glob("*.md"))
    with tempfile.TemporaryDirectory() as tmp:
        passage = Path(tmp) / "one.jsonl"
        passage.write_text('{"id": "1", "text": "Saya dengarkan cerita Ibu R sampai selesai."}\n', encoding="utf-8")
        words, parts = 0, []
        for path in sorted((ROOT / "corpora" / "demo" / "notes").glob("*.md")):
            body = path.read_text(encoding="utf-8").split("---", 2)[2]
            parts.append(body.strip())
            words += len(body.split())
            if words >= 1000:
                break
        long_note = Path(tmp) / "long.txt"
        text = "\n\n".join(parts)
        long_note.write_text(" ".join(text.split(" ")[:1000]) if len(text.split(" ")) > 1000 else text, encoding="utf-8")
        n_words = len(long_note.read_text(encoding="utf-8").split())
        rows = [
            ("`analyzer --help`", wall(exe + ["--help"], args.runs), "< 0.5 s"),
            ("`analyzer codebook`", wall(exe + ["codebook"], args.runs), "< 0.5 s"),
            ("`analyzer segment` (one demo note)", wall(exe + ["segment", str(note)], args.runs), "< 2 s"),
            ("model load: scoring arrays (in-process, after imports)", model_load(args.runs), "<= 1 s"),
            ("model load: with the scikit-learn pipeline from model.skops", model_load(args.runs, True), "<= 1 s"),
            ("`analyzer predict` (one passage, whole process)", wall(exe + ["predict", str(passage)], args.runs), "—"),
            (f"`analyzer review` ({n_words}-word note, whole process)",
             wall(exe + ["review", str(long_note), "--no-color"], args.runs), "< 2 s"),
        ]
    lines = ["## Start-up and latency", "",
             f"Median wall time of {args.runs} runs on {platform.machine()} ({os.cpu_count()} cores, Python "
             f"{platform.python_version()}), measured by `python benchmarks/startup.py`.", "",
             "| what | seconds | target |", "|---|---:|---|"]
    lines += [f"| {name} | {value:.2f} | {target} |" for name, value, target in rows]
    publish("startup", lines, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
