"""Run the bad-input catalogue (tests/test_bad_input.py) and record what the tool does now.

    python -m tests.bad_input_status [--lang id|en|both] [--only SUBSTRING] [--json OUT.json]
    python -m tests.bad_input_status --markdown OUT.json     # the table of tests/bad_input_catalogue.md
    python -m tests.bad_input_status --counts OUT.json       # its counts

For every case: exit code, first line of stderr (or stdout), traceback yes/no, for batches the notes analysed and
skipped, and whether the case passes. The table of tests/bad_input_catalogue.md is made from this output; its
"before" column is what each case records of the tool before issue 14's fixes (``today`` and ``note``).
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
            if lang == "en" and not c.lang:  # the case is about --lang itself (as in the test)
                continue
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
    out = ["| # | case | class | command: `analyzer …` | input made | before the fixes (a39d09f) "
           "| now (id run): exit · traceback · first line | notes in → analysed + skipped "
           "| expected: exit · first line (en) | passes |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for n, row in enumerate(rows, start=1):
        c = by_id[row["id"]]
        cls = CLASSES[c.cls].split(" ", 1)[0]
        if "runs" not in row:
            out.append(f"| {n} | `{c.id}` | {cls} | — | — | {c.today}: {_cell(c.note, 110)} "
                       f"| not run here ({row.get('skipped')}) | — | {c.exit} | — |")
            continue
        run = row["runs"].get("id") or next(iter(row["runs"].values()))
        argv = " ".join(a if a and " " not in a else repr(a) for a in run["argv"])
        first = run["first"] or (f"(stdout) {run['stdout']}" if run["stdout"] else "")
        if run["traceback"]:
            first = run["last"]
        now = f"{run['exit'] if run['exit'] is not None else 'hang'} · {'yes' if run['traceback'] else 'no'} · {first}"
        counts = run.get("counts")
        inv = "—" if c.notes_in is None else (
            f"{c.notes_in} → {counts[0]} + {counts[1]}" if isinstance(counts, list) else f"{c.notes_in} → (no output)")
        if c.id in _RUNTIME_LINES:
            expected_line = _RUNTIME_LINES[c.id]({"ro": "…", "pid": "…"})[1]
        elif c.lines:
            expected_line = c.lines[1]
        else:
            expected_line = "(no error)"
        if c.check is not None and getattr(c.check, "desc", ""):
            expected_line += f"; {c.check.desc}"
        if c.notes_in is not None:
            expected_line += f"; {c.notes_in} notes = analysed + skipped"
        out.append(f"| {n} | `{c.id}` | {cls} | `{_cell(argv, 110)}` | {_cell(run.get('inputs', ''), 120)} "
                   f"| {c.today}: {_cell(c.note, 110)} | {_cell(now, 150)} | {inv} "
                   f"| {c.exit} · {_cell(expected_line, 200)} | {'yes' if row['passes'] else '**no**'} |")
    return "\n".join(out) + "\n"


def counts(rows: list[dict]) -> str:
    """The counts table of tests/bad_input_catalogue.md: cases per class by what the tool did before the fixes,
    and how many pass now."""
    from tests.test_bad_input import CASES, OUTCOMES

    by_id = {c.id: c for c in CASES}
    head = "| class | " + " | ".join(OUTCOMES) + " | total | pass now | xfail | not run (root) |"
    out = [head, "|" + "---|" * (len(OUTCOMES) + 5)]
    totals = [0] * (len(OUTCOMES) + 4)
    for key, name in CLASSES.items():
        mine = [r for r in rows if by_id[r["id"]].cls == key]
        cells = [sum(1 for r in mine if by_id[r["id"]].today == o) for o in OUTCOMES]
        xfail = sum(1 for r in mine if by_id[r["id"]].marks and not r.get("passes", True))
        root = sum(1 for r in mine if "runs" not in r)
        passing = sum(1 for r in mine if r.get("passes") and "runs" in r)
        cells += [len(mine), passing, xfail, root]
        totals = [a + b for a, b in zip(totals, cells)]
        out.append(f"| {name} | " + " | ".join(map(str, cells)) + " |")
    out.append("| **total** | " + " | ".join(f"**{n}**" for n in totals) + " |")
    return "\n".join(out) + "\n"


if __name__ == "__main__" and "--markdown" in sys.argv:  # python -m tests.bad_input_status --markdown IN.json
    print(markdown(json.loads(Path(sys.argv[sys.argv.index("--markdown") + 1]).read_text(encoding="utf-8"))), end="")
elif __name__ == "__main__" and "--counts" in sys.argv:  # python -m tests.bad_input_status --counts IN.json
    print(counts(json.loads(Path(sys.argv[sys.argv.index("--counts") + 1]).read_text(encoding="utf-8"))), end="")
elif __name__ == "__main__":
    main()
