"""Run the bad-input catalogue (tests/test_bad_input.py) and record what the tool does today.

    python -m tests.bad_input_status [--lang id|en|both] [--only SUBSTRING] [--json OUT.json]
    python -m tests.bad_input_status --markdown OUT.json     # the table of tests/bad_input_catalogue.md

For every case: exit code, first line of stderr (or stdout), traceback yes/no, for batches the notes analysed and
skipped, and whether the case passes. The table of tests/bad_input_catalogue.md was made from this output.
Not a test (pytest does not collect it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from tests.test_bad_input import CASES, CLASSES, batch_counts, first_line, run_case


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="both", choices=["id", "en", "both"])
    parser.add_argument("--only", default="")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    langs = ["id", "en"] if args.lang == "both" else [args.lang]
    rows = []
    for c in CASES:
        if args.only and args.only not in c.id:
            continue
        if not c.root_ok and os.geteuid() == 0:
            rows.append({"id": c.id, "class": c.cls, "skipped": "root"})
            print(f"SKIP {c.id} (root)", flush=True)
            continue
        row = {"id": c.id, "class": c.cls, "today": c.today, "note": c.note, "runs": {}}
        for lang in langs:
            with tempfile.TemporaryDirectory(prefix="badinput-") as tmp:
                start = time.time()
                out = run_case(c, Path(tmp), lang)
                counts = None
                if c.notes_in is not None and out.run.exit_code == 0:
                    try:
                        counts = batch_counts(out.run, [a for a in out.argv if a not in ("--lang", "en")], Path(tmp))
                    except Exception as exc:  # noqa: BLE001
                        counts = f"{type(exc).__name__}"
                stdout_first = next((ln for ln in out.run.stdout.splitlines() if ln.strip()), "")
                row["runs"][lang] = {
                    "argv": out.argv, "inputs": out.inputs, "exit": out.run.exit_code, "traceback": out.run.traceback,
                    "first": first_line(out.run.stderr) or "", "stdout": stdout_first[:160],
                    "last": ([ln for ln in out.run.stderr.splitlines() if ln.strip()] or [""])[-1][:200],
                    "counts": counts, "problems": out.problems, "seconds": round(time.time() - start, 1),
                }
        ok = all(not r["problems"] for r in row["runs"].values())
        row["passes"] = ok
        r0 = row["runs"][langs[0]]
        print(f"{'PASS' if ok else 'FAIL'} {c.id:45s} exit={r0['exit']} tb={r0['traceback']} "
              f"{(r0['first'] or r0['stdout'])[:90]!r} {r0['problems'][:1]}", flush=True)
        rows.append(row)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    fails = sum(1 for r in rows if not r.get("passes", True))
    print(f"{len(rows)} cases, {fails} fail", file=sys.stderr)



def _cell(text: object, limit: int = 140) -> str:
    s = str(text if text is not None else "").replace("\n", "⏎").replace("\r", "␍").replace("|", "\\|")
    s = s.replace("\x1b", "␛").replace("\x00", "␀")
    return s if len(s) <= limit else s[: limit - 1] + "…"


def markdown(rows: list[dict]) -> str:
    """The catalogue table of tests/bad_input_catalogue.md from the JSON this script writes."""
    from tests.test_bad_input import CASES, _RUNTIME_LINES

    by_id = {c.id: c for c in CASES}
    out = ["| # | case | class | command: `analyzer …` | input made | today (id run): exit · traceback · first line "
           "| notes in → analysed + skipped | outcome today | expected: exit · first line (en) | passes |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for n, row in enumerate(rows, start=1):
        c = by_id[row["id"]]
        cls = CLASSES[c.cls].split(" ", 1)[0]
        if "runs" not in row:
            out.append(f"| {n} | `{c.id}` | {cls} | — | — | not run here ({row.get('skipped')}) | — | {c.today} "
                       f"| {c.exit} | — |")
            continue
        run = row["runs"].get("id") or next(iter(row["runs"].values()))
        argv = " ".join(a if a and " " not in a else repr(a) for a in run["argv"])
        first = run["first"] or (f"(stdout) {run['stdout']}" if run["stdout"] else "")
        if run["traceback"]:
            first = run["last"]
        today = f"{run['exit'] if run['exit'] is not None else 'hang'} · {'yes' if run['traceback'] else 'no'} · {first}"
        counts = run.get("counts")
        inv = "—" if c.notes_in is None else (
            f"{c.notes_in} → {counts[0]} + {counts[1]}" if isinstance(counts, list) else f"{c.notes_in} → (no output)")
        if c.id in _RUNTIME_LINES:
            expected_line = "Error: the folder … is not writable, so … cannot be written. …"
        elif c.lines:
            expected_line = c.lines[1]
        else:
            expected_line = "(no error)"
        if c.check is not None and getattr(c.check, "desc", ""):
            expected_line += f"; {c.check.desc}"
        if c.notes_in is not None:
            expected_line += f"; {c.notes_in} notes = analysed + skipped"
        out.append(f"| {n} | `{c.id}` | {cls} | `{_cell(argv, 110)}` | {_cell(run.get('inputs', ''), 120)} "
                   f"| {_cell(today, 150)} | {inv} | {c.today}: {_cell(c.note, 110)} "
                   f"| {c.exit} · {_cell(expected_line, 200)} | {'yes' if row['passes'] else '**no**'} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__" and "--markdown" in sys.argv:  # python -m tests.bad_input_status --markdown IN.json
    print(markdown(json.loads(Path(sys.argv[sys.argv.index("--markdown") + 1]).read_text(encoding="utf-8"))), end="")


if __name__ == "__main__" and "--markdown" not in sys.argv:
    main()
