"""Fault test (issue 14): interrupt ``analyze`` at random points, rerun, and compare with an uninterrupted run.

Each round starts ``python -m analyzer analyze NOTES -o OUT --jobs 2`` on a few hundred generated notes (two
chunks, so a rerun can resume from the cache), then after a random delay does one of (each of the four once in
every four rounds, in a random order):

- ``SIGINT`` to the main process (Ctrl-C),
- ``SIGTERM`` to the main process,
- ``SIGKILL`` of the main process (``kill -9``),
- ``SIGKILL`` of one pool worker.

After each interruption: no process of the run may be left (every process of its session has exited within a
grace period), no half-written file may be at ``-o`` (a run stopped just after its rename leaves its complete
result, which must equal the reference), and the interrupted run may not print a traceback. Then
the same command is run again without interruption: it must exit 0 and its Parquet file must hold exactly the
rows (sorted) and skipped notes of an uninterrupted run.

Rounds: ``ANALYZER_FAULT_ROUNDS`` (default 4) in the quick test, 50 in the one marked ``slow``;
``ANALYZER_FAULT_SEED`` picks the random points (printed on failure).

Also here: two runs on the same ``-o`` at once: the second stops with ``output.in_use`` and the first is never
disturbed (class 5 of the catalogue).
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from analyzer.resources import DEMO_DIR, REPO_ROOT

N_NOTES = 500  # > one chunk of the local engine (400 notes): an interrupted run leaves a chunk in the cache
QUICK_ROUNDS = int(os.environ.get("ANALYZER_FAULT_ROUNDS", "4"))
SEED = int(os.environ.get("ANALYZER_FAULT_SEED", "14"))
GRACE = 10.0  # seconds a pool worker has to notice that its parent died
METHODS = ("SIGINT", "SIGTERM", "SIGKILL", "SIGKILL-worker")

WORKER_DIED = {  # analyzer/data/messages.yaml, engine.worker_died
    "id": "Error: proses pekerja analisis berhenti tiba-tiba. Jalankan perintah yang sama lagi; catatan yang sudah "
          "selesai diambil dari cache.",
}
IN_USE = re.compile(r"^Error: (?P<path>\S+) sedang ditulis oleh analisis lain \(PID \d+\)\. Tunggu sampai selesai "
                    r"atau pilih -o lain\.$")


# ---------------------------------------------------------------------------------------------------------------
# processes (only /proc: psutil is not a dependency)
# ---------------------------------------------------------------------------------------------------------------


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, session id) of a process, or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[3])


def _all_pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def children(pid: int) -> list[int]:
    return [p for p in _all_pids() if (st := _stat(p)) and st[1] == pid and st[0] != "Z"]


def session_members(sid: int) -> list[int]:
    """Live (not zombie) processes of a session: the run was started in its own session, so its main process,
    its pool workers and anything they started are all here."""
    return [p for p in _all_pids() if (st := _stat(p)) and st[2] == sid and st[0] != "Z"]


def wait_until_gone(sid: int, timeout: float = GRACE) -> list[int]:
    deadline = time.monotonic() + timeout
    left = session_members(sid)
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = session_members(sid)
    return left


def kill_all(pids: list[int]) -> None:
    """Clean up what a failing round left behind (only processes this test started)."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# ---------------------------------------------------------------------------------------------------------------
# running analyze
# ---------------------------------------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    return env


@dataclass
class Proc:
    popen: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start(argv: list[str], cwd: Path, log: Path) -> Proc:
    """``python -m analyzer ARGV`` in its own session (so every process it starts can be found), output to a
    log file (a full pipe must never block the run)."""
    with open(log, "wb") as fh:
        popen = subprocess.Popen([sys.executable, "-m", "analyzer", *argv], cwd=cwd, stdout=fh,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=_env(),
                                 start_new_session=True)
    return Proc(popen, log)


def analyze_argv(notes: str, out: str, jobs: int = 2, *extra: str) -> list[str]:
    return ["analyze", notes, "-o", out, "--jobs", str(jobs), *extra]


def run(argv: list[str], cwd: Path, log: Path, timeout: float = 300) -> Proc:
    proc = start(argv, cwd, log)
    try:
        proc.popen.wait(timeout=timeout)
    finally:
        if proc.popen.poll() is None:
            kill_all(session_members(proc.pid))
    return proc


def frame(path: Path):
    """(rows sorted by note and passage, skipped notes) of a results file."""
    import pandas as pd
    import pyarrow.parquet as pq

    df = pd.read_parquet(path).sort_values(["note_id", "passage"]).reset_index(drop=True)
    meta = json.loads(pq.ParquetFile(path).metadata.metadata[b"analyzer_results"])
    return df, sorted(json.dumps(s, sort_keys=True) for s in meta["skipped"])


def assert_same(path: Path, reference) -> None:
    import pandas as pd

    df, skipped = frame(path)
    pd.testing.assert_frame_equal(df, reference[0])
    assert skipped == reference[1]


def first_error(text: str) -> str | None:
    return next((ln.rstrip() for ln in text.splitlines() if ln.startswith("Error:")), None)


# ---------------------------------------------------------------------------------------------------------------
# the collection
# ---------------------------------------------------------------------------------------------------------------


def make_notes(path: Path, n: int = N_NOTES, seed: int = 0) -> None:
    """``n`` notes of 40–100 words cut from the demo notes, by 7 workers about 31 clients, plus three notes
    that must be listed as skipped (empty text, no worker, impossible date)."""
    rng = random.Random(seed)
    words = " ".join(p.read_text(encoding="utf-8").split("---", 2)[-1]
                     for p in sorted((DEMO_DIR / "notes").glob("*.md"))[:20]).split()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["note_id", "worker", "client", "date", "text"])
        for i in range(n):
            start_at = rng.randrange(len(words) - 120)
            writer.writerow([f"m{i:04d}", f"Petugas {i % 7}", f"K{i % 31}", f"2026-{8 + i % 3:02d}-{1 + i % 28:02d}",
                             " ".join(words[start_at:start_at + rng.randrange(40, 100)])])
        writer.writerow(["s1", "Petugas 1", "K1", "2026-08-01", ""])
        writer.writerow(["s2", "", "K1", "2026-08-01", "Saya dengarkan cerita Ibu A."])
        writer.writerow(["s3", "Petugas 1", "K1", "31/02/2026", "Saya dengarkan cerita Ibu B."])


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    """The notes, the reference result of an uninterrupted run, and how long that run took."""
    folder = tmp_path_factory.mktemp("faults")
    make_notes(folder / "notes.csv")
    began = time.monotonic()
    proc = run(analyze_argv("notes.csv", "ref.parquet", 2, "--no-cache"), folder, folder / "ref.log")
    duration = time.monotonic() - began
    assert proc.popen.returncode == 0, proc.stderr()
    return folder, frame(folder / "ref.parquet"), duration


# ---------------------------------------------------------------------------------------------------------------
# interrupted runs
# ---------------------------------------------------------------------------------------------------------------


def interrupt(proc: Proc, method: str, delay: float, rng: random.Random) -> str:
    """Do ``method`` to the run after ``delay`` seconds; returns what was done ("not interrupted" when the run
    ended first)."""
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and proc.popen.poll() is None:
        time.sleep(0.02)
    if proc.popen.poll() is not None:
        return "not interrupted (finished first)"
    if method == "SIGKILL-worker":
        until = time.monotonic() + 30
        workers = children(proc.pid)
        while not workers and proc.popen.poll() is None and time.monotonic() < until:
            time.sleep(0.02)
            workers = children(proc.pid)
        if not workers:
            return "not interrupted (no worker seen)"
        victim = rng.choice(workers)
        os.kill(victim, signal.SIGKILL)
        return f"SIGKILL worker {victim} at {delay:.2f}s"
    os.kill(proc.pid, {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGKILL": signal.SIGKILL}[method])
    return f"{method} at {delay:.2f}s"


def one_round(folder: Path, reference, duration: float, index: int, rng: random.Random, method: str) -> list[str]:
    """One interrupted run (``method``) and its rerun; returns the problems found."""
    delay = rng.uniform(0.2, 1.1 * duration)
    out = f"round{index:02d}.parquet"
    argv = analyze_argv("notes.csv", out, 2)
    proc = start(argv, folder, folder / f"round{index:02d}.log")
    problems: list[str] = []
    what = "?"
    try:
        what = interrupt(proc, method, delay, rng)
        try:
            proc.popen.wait(timeout=120)
        except subprocess.TimeoutExpired:
            problems.append("the interrupted run did not exit within 120 s")
        left = wait_until_gone(proc.pid)
        if left:
            problems.append(f"processes left behind: {left}")
            kill_all(left)
        code = proc.popen.poll()
        log = proc.stderr()
        if "Traceback (most recent call last)" in log:
            problems.append("the interrupted run printed a traceback: "
                            + [ln for ln in log.splitlines() if ln.strip()][-1][:200])
        if method == "SIGKILL-worker" and code not in (0, None) and what.startswith("SIGKILL worker"):
            if first_error(log) != WORKER_DIED["id"]:
                problems.append(f"worker killed: first error line {first_error(log)!r}")
        if code == 0 and not (folder / out).exists():
            problems.append("the interrupted run exited 0 without its result")
        elif (folder / out).exists():  # a run stopped after its result was complete may leave it: complete
            try:
                assert_same(folder / out, reference)
            except AssertionError as exc:
                problems.append(f"the file at -o after the interruption (exit {code}) is not the complete result: "
                                f"{str(exc)[:300]}")
        rerun = run(argv, folder, folder / f"round{index:02d}.rerun.log")
        if rerun.popen.returncode != 0:
            problems.append(f"the rerun failed (exit {rerun.popen.returncode}): {rerun.stderr()[-500:]}")
        else:
            try:
                assert_same(folder / out, reference)
            except AssertionError as exc:
                problems.append(f"the rerun differs from an uninterrupted run: {str(exc)[:300]}")
        stray = [p.name for p in folder.glob(f".{out}*")]
        if stray:
            problems.append(f"temporary files left: {stray}")
    finally:
        kill_all(session_members(proc.pid))
    return [f"round {index} ({what}, exit {proc.popen.poll()}): {p}" for p in problems]


@pytest.mark.parametrize("rounds", [
    pytest.param(QUICK_ROUNDS, id="quick"),
    pytest.param(50, id="full", marks=pytest.mark.slow),
])
def test_interrupted_runs_resume_to_the_result_of_an_uninterrupted_run(collection, rounds):
    folder, reference, duration = collection
    rng = random.Random(SEED * 1000 + rounds)
    methods = [m for _ in range(-(-rounds // len(METHODS))) for m in rng.sample(METHODS, len(METHODS))][:rounds]
    problems: list[str] = []
    for index, method in enumerate(methods):  # every method in every run of four rounds, in a random order
        problems += one_round(folder, reference, duration, index, rng, method)
    assert not problems, f"seed {SEED}, {rounds} rounds:\n" + "\n".join(problems)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_pool_workers_exit_when_the_main_process_is_killed(collection, sig):
    """``kill -9`` (or ``kill``) of the main process: its pool workers must not outlive it."""
    folder, _, _ = collection
    proc = start(analyze_argv("notes.csv", f"k{sig}.parquet", 2, "--no-cache"), folder, folder / f"k{sig}.log")
    try:
        until = time.monotonic() + 60
        while not children(proc.pid) and proc.popen.poll() is None and time.monotonic() < until:
            time.sleep(0.05)
        assert proc.popen.poll() is None and children(proc.pid), "the run ended before its workers were seen"
        os.kill(proc.pid, sig)
        proc.popen.wait(timeout=60)
        left = wait_until_gone(proc.pid)
        assert not left, f"pool workers left running after {sig.name} of the main process: {left}"
        assert not (folder / f"k{sig}.parquet").exists()
    finally:
        kill_all(session_members(proc.pid))


def test_two_runs_on_the_same_output(collection):
    """A second ``analyze`` with the same ``-o`` while the first runs must not break the first: it stops at once
    with a clear error (output.in_use); the first run's temporary file is never deleted while it lives, and the
    file at ``-o`` is the first run's complete result."""
    folder, reference, duration = collection
    make_notes(folder / "small.csv", n=10, seed=1)

    first = start(analyze_argv("notes.csv", "shared.parquet", 1, "--no-cache"), folder, folder / "first.log")
    try:
        until = time.monotonic() + 60
        while (not (folder / ".shared.parquet.lock").exists() and first.popen.poll() is None
               and time.monotonic() < until):
            time.sleep(0.02)
        assert first.popen.poll() is None, "the first run ended before the second could start"
        second = run(analyze_argv("small.csv", "shared.parquet", 1, "--no-cache"), folder, folder / "second.log")
        overlapped = first.popen.poll() is None  # the first was still running when the second ended
        first.popen.wait(timeout=300)
    finally:
        kill_all(session_members(first.pid))
    assert "Traceback (most recent call last)" not in first.stderr(), first.stderr()[-1500:]
    assert first.popen.returncode == 0, first.stderr()[-1500:]
    assert "Traceback (most recent call last)" not in second.stderr(), second.stderr()[-1500:]
    assert overlapped, "the first run ended before the second one reached its output: make the first run longer"
    line = first_error(second.stderr())
    assert second.popen.returncode == 1 and line and IN_USE.match(line), second.stderr()[-1500:]
    assert_same(folder / "shared.parquet", reference)
    assert not list(folder.glob(".shared.parquet*")), "temporary or lock files left"
