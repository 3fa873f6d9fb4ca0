"""The bad-input catalogue of issue 14: every command, fed bad or hostile input.

Each case in ``CASES`` builds its hostile files in a fresh temporary folder (nothing binary is committed), runs
one command there (relative paths, so messages name the files as the user typed them) and asserts:

- the exit code (0 when the input must be handled, 1 for any error: bad input and command-line usage errors alike);
- never a Python traceback;
- the exact first line of the error in Indonesian (default) and in English (``--lang en``): the ``Error: …`` line,
  or for cases that succeed, that there is no ``Error:`` line;
- for batch commands (``analyze``, ``report``), the invariant *input notes = analysed + skipped*, read from the
  results file (notes in the Parquet file + skipped notes in its metadata) or from the JSON report
  (``totals.notes`` + ``totals.skipped``);
- any extra check of the case (an input left unchanged, a hostile name shown literally, an output written, …).

Commands run in this process with Click's runner (the model stays loaded), except the few that need a process
of their own (a device that would exhaust memory). ``tests/bad_input_catalogue.md`` lists every case, what the
tool did before issue 14's fixes, the decisions and the root causes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from analyzer.resources import DEFAULT_CORPUS_DIR, REPO_ROOT

# ---------------------------------------------------------------------------------------------------------------
# Messages. Expected lines are built from analyzer/data/messages.yaml (the key and the parameters are the
# decision each case encodes); the messages issue 14 added are also written out here, word for word, and
# test_new_messages_are_as_written checks messages.yaml holds exactly these texts.
# ---------------------------------------------------------------------------------------------------------------

NEW_MESSAGES: dict[str, tuple[str, str]] = {
    "output.empty": (
        "nama keluaran kosong; berikan nama berkas.",
        "the output name is empty; give a file name."),
    "output.parent_not_folder": (
        "{folder} bukan folder, jadi {path} tidak dapat ditulis. Pilih keluaran lain.",
        "{folder} is not a folder, so {path} cannot be written. Choose another output."),
    "output.same_as_cache": (
        "--cache dan -o menunjuk berkas yang sama ({path}). Pilih berkas cache lain.",
        "--cache and -o name the same file ({path}). Choose another cache file."),
    "output.in_use": (
        "{path} sedang ditulis oleh analisis lain (PID {pid}). Tunggu sampai selesai atau pilih -o lain.",
        "{path} is being written by another analysis (PID {pid}). Wait until it finishes or choose another -o."),
    "cache.not_cache": (
        "{path} bukan berkas cache analyzer (SQLite); berkas itu tidak diubah. Pilih --cache lain.",
        "{path} is not an analyzer cache (SQLite); it was left unchanged. Choose another --cache."),
    "engine.worker_died": (
        "proses pekerja analisis berhenti tiba-tiba. Jalankan perintah yang sama lagi; catatan yang sudah selesai "
        "diambil dari cache.",
        "an analysis worker process stopped unexpectedly. Run the same command again; finished notes are taken "
        "from the cache."),
    "file.binary": (
        "berkas {path} tampaknya biner, bukan teks. Simpan sebagai teks UTF-8.",
        "file {path} looks binary, not text. Save it as UTF-8 text."),
    "input.docx_invalid": (
        "berkas Word {path} tidak dapat dibaca: bukan dokumen .docx yang utuh. Simpan ulang dari Word, atau "
        "sebagai .txt.",
        "the Word file {path} cannot be read: it is not a complete .docx document. Save it again from Word, or "
        "as .txt."),
    "notes.xlsx_invalid": (
        "buku kerja {path} tidak dapat dibaca: bukan berkas .xlsx yang utuh. Simpan ulang dari Excel.",
        "the workbook {path} cannot be read: it is not a complete .xlsx file. Save it again from Excel."),
    "notes.sidecar_duplicate": (
        "tabel pendamping {path}: berkas {file} tercantum lebih dari sekali (baris {first} dan {line}). Sisakan "
        "satu baris per berkas.",
        "the sidecar table {path}: the file {file} is listed more than once (lines {first} and {line}). Keep one "
        "row per file."),
    "results.as_notes": (
        "{path} adalah berkas hasil 'analyzer analyze', bukan tabel catatan. Buat laporannya dengan "
        "'analyzer report {path}'.",
        "{path} is a results file of 'analyzer analyze', not a table of notes. Report it with "
        "'analyzer report {path}'."),
    "results.damaged": (
        "hasil {path} rusak: {what} tidak dapat dibaca. Jalankan 'analyzer analyze' lagi.",
        "the results {path} are damaged: {what} cannot be read. Run 'analyzer analyze' again."),
    "corpus.not_jsonl": (
        "korpus {path} bukan berkas .jsonl. Berikan folder berisi berkas .jsonl atau satu berkas .jsonl.",
        "the corpus {path} is not a .jsonl file. Give a folder of .jsonl files or one .jsonl file."),
    "agreement.no_common": (
        "{first} dan {second} tidak punya id yang sama; tidak ada yang dapat dibandingkan.",
        "{first} and {second} share no id; there is nothing to compare."),
    # one CSV reader for note tables, sidecars and predict (main's predict.bad_csv, renamed: it is every CSV's)
    "table.bad_csv": (
        "CSV {path} rusak mulai baris {line} ({detail}). Periksa tanda kutip dan jumlah kolom baris itu.",
        "the CSV {path} is broken from line {line} ({detail}). Check the quotes and the number of values on that "
        "line."),
    # a skip reason (listed with the skipped notes)
    "skip.bad_front_matter": (
        "front matter (blok --- di awal berkas) tidak sah atau tidak ditutup",
        "invalid or unclosed front matter (the --- block at the top of the file)"),
}


def message(key: str, **params: object) -> tuple[str, str]:
    """(Indonesian, English) text of a message of analyzer/data/messages.yaml."""
    from analyzer.messages import text

    return text(key, "id", **params), text(key, "en", **params)


def error(key: str, **params: object) -> tuple[str, str]:
    """The first error line the CLI prints for an ``AnalyzerError`` (``Error: <message>``), in both languages."""
    idn, en = message(key, **params)
    return f"Error: {idn}", f"Error: {en}"


def usage(idn: str, en: str) -> tuple[str, str]:
    """A command-line usage error: Click's own line, in Indonesian by default (data/click.id.tsv) and in English
    with --lang en; exit code 1 like every error."""
    return f"Error: {idn}", f"Error: {en}"


# ---------------------------------------------------------------------------------------------------------------
# Hostile files
# ---------------------------------------------------------------------------------------------------------------

TEXT = "Saya dengarkan cerita Ibu A sampai selesai, lalu saya tanyakan apa yang paling ia butuhkan."
FIELDS = ["note_id", "worker", "client", "date", "text"]


def body(i: int) -> str:
    return f"{TEXT} Catatan nomor {i}."


def note_rows(n: int = 10, prefix: str = "n") -> list[dict]:
    return [{"note_id": f"{prefix}{i}", "worker": f"Budi {i % 3}", "client": f"K{i % 5}",
             "date": f"2026-08-{i % 28 + 1:02d}", "text": body(i)} for i in range(n)]


def csv_text(rows: list[dict], sep: str = ",", fields: list[str] | None = None) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields or list(rows[0]), delimiter=sep, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def front_matter_note(worker: str = "Budi", note_id: str | None = None, date: str = "2026-08-01",
                      client: str = "K1", text: str = TEXT, extra: str = "") -> str:
    lines = ["---"]
    if note_id is not None:
        lines.append(f"note_id: {note_id}")
    lines += [f"worker: {worker}", f"client: {client}", f"date: {date}"]
    if extra:
        lines.append(extra)
    return "\n".join(lines + ["---", text, ""])


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def xlsx_file(path: Path, sheets: dict[str, list[list]]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    first = True
    for title, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet(title)
        ws.title = title
        first = False
        for row in rows:
            ws.append(row)
    wb.save(path)


def parquet_file(path: Path, columns: dict) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), path)


def corpus_line(id_: str, text: str, labels=(), breaches=(), batch: str = "A1") -> str:
    return json.dumps({"id": id_, "text": text, "labels": list(labels), "breaches": list(breaches),
                       "setting": "pkh", "style": "formal", "batch": batch}, ensure_ascii=False) + "\n"


def results_file(path: Path, rows: list[dict] | None = None) -> None:
    """A real results file of ``analyzer analyze`` (made with the library, in this process)."""
    from analyzer.analysis.local import run_local

    src = path.with_name(path.stem + "-src.csv")
    src.write_text(csv_text(rows or note_rows(4, "r")), encoding="utf-8")
    run_local([src], path, jobs=1, cache=False)
    src.unlink()


@dataclass
class Ctx:
    """The temporary folder of one case (the working directory of the command) and what its builder recorded."""

    tmp: Path
    vars: dict[str, str] = field(default_factory=dict)
    snapshots: dict[str, bytes] = field(default_factory=dict)
    cleanup: list[Callable[[], None]] = field(default_factory=list)

    def write(self, rel: str, data: str | bytes, encoding: str = "utf-8") -> str:
        path = self.tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_bytes(data.encode(encoding))
        else:
            path.write_bytes(data)
        return rel

    def keep(self, rel: str) -> str:
        """Remember the bytes of an input so a check can verify it was not written over."""
        self.snapshots[rel] = (self.tmp / rel).read_bytes()
        return rel

    def notes_csv(self, rel: str = "notes.csv", n: int = 10, **kw) -> str:
        return self.write(rel, csv_text(note_rows(n), **kw))

    def folder(self, rel: str = "notes", n: int = 2, prefix: str = "f") -> str:
        for i in range(n):
            self.write(f"{rel}/{prefix}{i}.md", front_matter_note(note_id=f"{prefix}{i}", text=body(i)))
        return rel

    def note(self, rel: str = "note.md") -> str:
        return self.write(rel, front_matter_note(note_id="rv1"))

    def unwritable_dir(self) -> str:
        """A folder the command cannot write into. root ignores permission bits, so as root: /sys (sysfs refuses
        new files, even to root)."""
        if os.geteuid() == 0:
            folder = "/sys"
        else:
            d = self.tmp / "ro"
            d.mkdir()
            d.chmod(0o555)
            self.cleanup.append(lambda: d.chmod(0o755))
            folder = "ro"
        self.vars["ro"] = folder
        return folder

    def corpus(self, rel: str = "corpus", batches=("A1", "B1")) -> str:
        (self.tmp / rel).mkdir()
        for b in batches:
            shutil.copy(DEFAULT_CORPUS_DIR / f"{b}.jsonl", self.tmp / rel / f"{b}.jsonl")
        return rel


# ---------------------------------------------------------------------------------------------------------------
# Running a case
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Run:
    exit_code: int | None  # None: killed after the time limit (a hang)
    stdout: str
    stderr: str
    traceback: bool


def _child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env.update(extra or {})
    return env


def _unblock_fifos(fifos: list[Path], after: float, done: threading.Event) -> threading.Thread:
    """A guard for in-process runs on a FIFO: if the command is still running after ``after`` seconds, open the
    FIFOs' write ends and close them, so a reader blocked on one gets end-of-file (the case then fails instead
    of hanging the test run)."""

    def guard() -> None:
        if done.wait(after):
            return
        while not done.is_set():
            for fifo in fifos:
                try:
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:  # no reader (yet)
                    pass
            time.sleep(0.05)

    thread = threading.Thread(target=guard, daemon=True)
    thread.start()
    return thread


def run_cli(argv: list[str], cwd: Path, stdin: bytes | None = None, mode: str = "cli", timeout: float = 120,
            env: dict[str, str] | None = None, memory_limit: int | None = None) -> Run:
    """Run ``analyzer ARGV`` in ``cwd``: in this process with Click's runner (``mode="cli"``, fast: the model
    stays loaded) or as ``python -m analyzer`` (``mode="proc"``, for a time or memory limit)."""
    if mode == "cli":
        from click.testing import CliRunner

        from analyzer.cli import cli

        fifos = [p for p in cwd.rglob("*") if p.is_fifo()]
        done = threading.Event()
        guard = _unblock_fifos(fifos, timeout, done) if fifos else None
        old = Path.cwd()
        os.chdir(cwd)
        began = time.monotonic()
        try:
            result = CliRunner().invoke(cli, argv, input=stdin)
        finally:
            done.set()
            os.chdir(old)
        if guard is not None:
            guard.join()
        exc = result.exception
        tb = exc is not None and not isinstance(exc, SystemExit)
        stderr = result.stderr
        if tb:
            import traceback

            stderr += "Traceback (most recent call last):\n" + "".join(traceback.format_exception(exc))
        if fifos and time.monotonic() - began >= timeout:
            return Run(None, result.stdout, stderr + f"\n<blocked on a FIFO for {timeout} s>", tb)
        return Run(result.exit_code, result.stdout, stderr, tb)

    def limit() -> None:  # pragma: no cover - runs in the child
        if memory_limit:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    try:
        proc = subprocess.run([sys.executable, "-m", "analyzer", *argv], cwd=cwd, input=stdin or b"",
                              capture_output=True, timeout=timeout, env=_child_env(env), preexec_fn=limit)
    except subprocess.TimeoutExpired as exc:
        return Run(None, (exc.stdout or b"").decode("utf-8", "replace"), (exc.stderr or b"").decode("utf-8", "replace")
                   + f"\n<killed after {timeout} s>", False)
    stderr = proc.stderr.decode("utf-8", "replace")
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"), stderr, "Traceback (most recent" in stderr)


def first_line(stderr: str) -> str | None:
    """The first line of the error: Click's ``Error: …`` line, or else the first non-empty line on stderr
    (skipping Click's ``Usage:``/``Try …`` preamble)."""
    lines = [ln.rstrip() for ln in stderr.splitlines() if ln.strip()]
    for ln in lines:
        if ln.startswith("Error:"):
            return ln
    rest = [ln for ln in lines if not ln.startswith(("Usage:", "Try '"))]
    return rest[0] if rest else None


def output_path(argv: list[str], cwd: Path) -> Path | None:
    for flag in ("-o", "--output"):
        if flag in argv:
            return cwd / argv[argv.index(flag) + 1]
    return None


def report_data(run: Run, argv: list[str], cwd: Path) -> dict:
    out = output_path(argv, cwd)
    return json.loads(out.read_text(encoding="utf-8") if out else run.stdout)


def results_data(argv: list[str], cwd: Path) -> tuple[list[str], list[dict]]:
    """(note ids, skipped notes) of the Parquet file ``analyze -o`` wrote."""
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(output_path(argv, cwd))
    meta = json.loads(pf.metadata.metadata[b"analyzer_results"])
    ids = pf.read(columns=["note_id"]).column("note_id").to_pylist()
    return list(dict.fromkeys(ids)), meta["skipped"]


def batch_counts(run: Run, argv: list[str], cwd: Path) -> tuple[int, int]:
    """(analysed, skipped) of a batch command."""
    if argv[0] == "analyze":
        ids, skipped = results_data(argv, cwd)
        return len(ids), len(skipped)
    if argv[0] == "report":
        totals = report_data(run, argv, cwd)["totals"]
        return totals["notes"], totals["skipped"]
    raise AssertionError(f"no batch invariant for {argv[0]}")


def skipped_of(run: Run, argv: list[str], cwd: Path) -> list[dict]:
    if argv[0] == "analyze":
        return results_data(argv, cwd)[1]
    return report_data(run, argv, cwd)["skipped"]


# checks ---------------------------------------------------------------------------------------------------------

Check = Callable[[Ctx, Run, list[str]], None]


def unchanged(*rels: str) -> Check:
    def check(ctx: Ctx, run: Run, argv: list[str]) -> None:
        for rel in rels:
            assert (ctx.tmp / rel).read_bytes() == ctx.snapshots[rel], f"{rel} was written over"
    check.desc = f"unchanged: {', '.join(rels)}"  # type: ignore[attr-defined]
    return check


def written(*rels: str) -> Check:
    def check(ctx: Ctx, run: Run, argv: list[str]) -> None:
        for rel in rels:
            assert (ctx.tmp / rel).is_file() and (ctx.tmp / rel).stat().st_size, f"{rel} was not written"
    check.desc = f"written: {', '.join(rels)}"  # type: ignore[attr-defined]
    return check


def skip_reasons(*codes: str) -> Check:
    def check(ctx: Ctx, run: Run, argv: list[str]) -> None:
        got = sorted(s["reason_code"] for s in skipped_of(run, argv, ctx.tmp))
        assert got == sorted(codes), f"skip reasons {got!r}, expected {sorted(codes)!r}"
    check.desc = f"skipped: {', '.join(codes) or 'none'}"  # type: ignore[attr-defined]
    return check


def in_stdout(*texts: str) -> Check:
    def check(ctx: Ctx, run: Run, argv: list[str]) -> None:
        for t in texts:
            assert t in run.stdout, f"{t!r} not shown literally"
    check.desc = f"shown literally: {', '.join(map(repr, texts))}"  # type: ignore[attr-defined]
    return check


def not_in_output(*texts: str) -> Check:
    def check(ctx: Ctx, run: Run, argv: list[str]) -> None:
        out = output_path(argv, ctx.tmp)
        blobs = [run.stdout, run.stderr]
        if argv[0] == "analyze" and out and out.is_file():
            import pandas as pd

            blobs.append(pd.read_parquet(out).to_json())
        elif out and out.is_file():
            blobs.append(out.read_text(encoding="utf-8", errors="replace"))
        for t in texts:
            assert not any(t in b for b in blobs), f"{t!r} leaked into the output"
    check.desc = f"never in the output: {', '.join(map(repr, texts))}"  # type: ignore[attr-defined]
    return check


def in_file(rel: str, *texts: str) -> Check:
    def check(ctx: Ctx, run: Run, argv: list[str]) -> None:
        content = (ctx.tmp / rel).read_text(encoding="utf-8")
        for t in texts:
            assert t in content, f"{t!r} not in {rel}"
    check.desc = f"{rel} shows literally: {', '.join(map(repr, texts))}"  # type: ignore[attr-defined]
    return check


def workers_are(*names: str, clients: tuple[str, ...] | None = None) -> Check:
    def check(ctx: Ctx, run: Run, argv: list[str]) -> None:
        data = report_data(run, argv, ctx.tmp)
        got = [w["worker"] for w in data["workers"]]
        assert got == list(names), f"workers {got!r}"
        if clients is not None:
            got = sorted({c["client"] for c in data["clients"]})  # one entry per case (worker + client)
            assert got == sorted(clients), f"clients {got!r}"
    check.desc = (f"workers: {', '.join(names)}"  # type: ignore[attr-defined]
                  + (f"; clients: {', '.join(clients)}" if clients else ""))
    return check


def result_fields(note_id: str, **expected: object) -> Check:
    def check(ctx: Ctx, run: Run, argv: list[str]) -> None:
        import pandas as pd

        df = pd.read_parquet(output_path(argv, ctx.tmp))
        rows = df[df["note_id"] == note_id]
        assert len(rows), f"note {note_id} not analysed"
        for column, value in expected.items():
            got = sorted(set(rows[column])) if column == "kind" else rows[column].iloc[0]
            assert got == value, (column, got)
    check.desc = f"note {note_id}: " + ", ".join(f"{k}={v}" for k, v in expected.items())  # type: ignore[attr-defined]
    return check


def json_stdout(**expected: object) -> Check:
    def check(ctx: Ctx, run: Run, argv: list[str]) -> None:
        data = json.loads(run.stdout)
        for key, value in expected.items():
            assert data.get(key) == value, (key, data.get(key))
    check.desc = "JSON: " + ", ".join(f"{k}={v}" for k, v in expected.items())  # type: ignore[attr-defined]
    return check


def all_of(*checks: Check) -> Check:
    def check(ctx: Ctx, run: Run, argv: list[str]) -> None:
        for c in checks:
            c(ctx, run, argv)
    check.desc = "; ".join(getattr(c, "desc", "") for c in checks)  # type: ignore[attr-defined]
    return check


# ---------------------------------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------------------------------

CLASSES = {
    "loss": "1 data loss: an input written over",
    "unwritable": "2 unwritable output",
    "drop": "3 silent drop",
    "outside": "4 reading outside the input (links, paths)",
    "process": "5 concurrency and processes",
    "hostile": "6 hostile values (tracebacks)",
    "wrong": "7 wrong results without an error",
    "unhelpful": "8 unhelpful errors (and usage errors)",
}
OUTCOMES = ("traceback", "silent loss", "wrong", "unhelpful", "hang", "fine", "added")  # added: by the fixes


@dataclass(frozen=True)
class Case:
    """One bad input: how to make it and run it, what must happen, and what happens today."""

    id: str
    cls: str  # a key of CLASSES
    build: Callable[[Ctx], list[str]]  # writes the hostile files into ctx.tmp, returns argv (without --lang)
    exit: int  # expected exit code
    lines: tuple[str, str] | None = None  # expected first error line (Indonesian, English); None: no error line
    notes_in: int | None = None  # batch invariant: input notes == analysed + skipped
    check: Check | None = None
    today: str = "fine"  # outcome before issue 14's fixes, at a39d09f (see OUTCOMES; tests/bad_input_catalogue.md)
    note: str = ""  # what happened then, in a few words
    mode: str = "cli"  # "cli" (in-process CliRunner) or "proc" (subprocess)
    stdin: bytes | None = None
    lang: bool = True  # append --lang en for the English run (False: the case is about --lang itself)
    timeout: float = 120
    env: dict | None = None
    memory_limit: int | None = None
    root_ok: bool = True  # False: meaningless as root (permission bits), skipped there
    marks: tuple = ()  # pytest marks of the case


CASES: list[Case] = []


def case(id_: str, cls: str, build: Callable[[Ctx], list[str]], exit: int = 1, lines=None, **kw) -> None:
    assert cls in CLASSES and all(c.id != id_ for c in CASES), id_
    CASES.append(Case(id_, cls, build, exit, lines, **kw))


# 1. Data loss: no command may write over one of its inputs --------------------------------------------------

case("analyze-o-is-input-csv", "loss",
     lambda t: ["analyze", t.keep(t.notes_csv()), "-o", "notes.csv", "--jobs", "1"],
     lines=error("output.is_input", path="notes.csv", input="notes.csv"), check=unchanged("notes.csv"),
     today="silent loss", note="notes.csv replaced by Parquet results, exit 0")
case("analyze-o-is-input-parquet", "loss",
     lambda t: (parquet_file(t.tmp / "notes.parquet", {k: [r[k] for r in note_rows(4)] for k in FIELDS}),
                ["analyze", t.keep("notes.parquet"), "-o", "notes.parquet", "--jobs", "1"])[1],
     lines=error("output.is_input", path="notes.parquet", input="notes.parquet"), check=unchanged("notes.parquet"),
     today="silent loss", note="the notes table replaced by results, exit 0")
case("analyze-o-is-note-in-input-folder", "loss",
     lambda t: (t.folder(), t.keep("notes/f1.md"), ["analyze", "notes", "-o", "notes/f1.md", "--jobs", "1"])[2],
     lines=error("output.is_input", path="notes/f1.md", input="notes"), check=unchanged("notes/f1.md"),
     today="silent loss", note="a note file inside the input folder replaced by Parquet, exit 0")
case("analyze-cache-is-input", "loss",
     lambda t: ["analyze", t.keep(t.notes_csv()), "-o", "out.parquet", "--cache", "notes.csv", "--jobs", "1"],
     lines=error("output.is_input", path="notes.csv", input="notes.csv"), check=unchanged("notes.csv"),
     today="traceback", note="sqlite3.DatabaseError: file is not a database")
case("analyze-cache-is-foreign-file", "loss",
     lambda t: (t.notes_csv(), t.keep(t.write("mine.txt", "catatan pribadi saya\n")),
                ["analyze", "notes.csv", "-o", "out.parquet", "--cache", "mine.txt", "--jobs", "1"])[2],
     lines=error("cache.not_cache", path="mine.txt"), check=unchanged("mine.txt"),
     today="traceback", note="sqlite3.DatabaseError: file is not a database")
case("analyze-cache-is-output", "loss",
     lambda t: ["analyze", t.notes_csv(), "-o", "out.parquet", "--cache", "out.parquet", "--jobs", "1"],
     lines=error("output.same_as_cache", path="out.parquet"),
     today="wrong", note="exit 0, the cache is replaced by the results; the rerun crashes (file is not a database)")
case("report-csv-o-is-input", "loss",
     lambda t: ["report", t.keep(t.notes_csv()), "--format", "csv", "-o", "notes.csv"],
     lines=error("output.is_input", path="notes.csv", input="notes.csv"), check=unchanged("notes.csv"),
     today="silent loss", note="notes.csv replaced by the CSV report, exit 0")
case("report-html-o-is-input", "loss",
     lambda t: ["report", t.keep(t.notes_csv()), "--format", "html", "-o", "notes.csv"],
     lines=error("output.is_input", path="notes.csv", input="notes.csv"), check=unchanged("notes.csv"),
     today="silent loss", note="notes.csv replaced by HTML, exit 0")
case("report-xlsx-o-is-input", "loss",
     lambda t: (xlsx_file(t.tmp / "book.xlsx", {"Catatan": [FIELDS] + [[r[k] for k in FIELDS] for r in note_rows(3)]}),
                ["report", t.keep("book.xlsx"), "--format", "xlsx", "-o", "book.xlsx"])[1],
     lines=error("output.is_input", path="book.xlsx", input="book.xlsx"), check=unchanged("book.xlsx"),
     today="silent loss", note="the workbook replaced by the report workbook, exit 0")
case("report-json-o-is-results-input", "loss",
     lambda t: (results_file(t.tmp / "res.parquet"), t.keep("res.parquet"),
                ["report", "res.parquet", "--format", "json", "-o", "res.parquet"])[2],
     lines=error("output.is_input", path="res.parquet", input="res.parquet"), check=unchanged("res.parquet"),
     today="silent loss", note="the results file replaced by the JSON report, exit 0")
case("review-html-o-is-input", "loss",
     lambda t: ["review", t.keep(t.note()), "--format", "html", "-o", "note.md"],
     lines=error("output.is_input", path="note.md", input="note.md"), check=unchanged("note.md"),
     today="silent loss", note="the note replaced by the HTML review, exit 0")
case("review-terminal-o-is-input", "loss",
     lambda t: ["review", t.keep(t.note()), "-o", "note.md"],
     lines=error("output.is_input", path="note.md", input="note.md"), check=unchanged("note.md"),
     today="silent loss", note="the note replaced by the text review, exit 0")
case("predict-o-is-input", "loss",
     lambda t: ["predict", t.keep(t.write("p.jsonl", '{"id": 1, "text": "Saya dengarkan."}\n')), "-o", "p.jsonl"],
     lines=error("output.is_input", path="p.jsonl", input="p.jsonl"), check=unchanged("p.jsonl"),
     today="silent loss", note="the passages replaced by the predictions, exit 0")

# 2. Unwritable outputs: checked before any work ------------------------------------------------------------

case("analyze-o-missing-folder", "unwritable",
     lambda t: ["analyze", t.notes_csv(), "-o", "nodir/x.parquet", "--jobs", "1"],
     exit=0, notes_in=10, check=written("nodir/x.parquet", "nodir/x.parquet.cache.sqlite"),
     today="traceback", note="sqlite3.OperationalError: unable to open database file")
case("analyze-o-missing-folder-no-cache", "unwritable",
     lambda t: ["analyze", t.notes_csv(), "-o", "nodir/x.parquet", "--jobs", "1", "--no-cache"],
     exit=0, notes_in=10, check=written("nodir/x.parquet"),
     today="traceback", note="FileNotFoundError from the Parquet writer")
case("analyze-o-is-folder", "unwritable",
     lambda t: ((t.tmp / "outdir").mkdir(), ["analyze", t.notes_csv(), "-o", "outdir", "--jobs", "1"])[1],
     lines=error("output.is_folder", path="outdir"),
     today="traceback", note="IsADirectoryError after the analysis")
case("analyze-o-parent-is-file", "unwritable",
     lambda t: ["analyze", t.notes_csv(), "-o", "notes.csv/x.parquet", "--jobs", "1"],
     lines=error("output.parent_not_folder", folder="notes.csv", path="notes.csv/x.parquet"),
     today="traceback", note="sqlite3.OperationalError / NotADirectoryError")
case("analyze-o-read-only-folder", "unwritable",
     lambda t: ["analyze", t.notes_csv(), "-o", f"{t.unwritable_dir()}/x.parquet", "--jobs", "1"],
     lines=None,  # filled per run: needs the folder (ro, or /sys as root)
     today="traceback", note="sqlite3.OperationalError (as root in /sys) or PermissionError")
case("analyze-o-empty-name", "unwritable",
     lambda t: ["analyze", t.notes_csv(), "-o", "", "--jobs", "1"],
     lines=error("output.empty"),
     today="traceback", note="ValueError: PosixPath('.') has an empty name")
case("analyze-cache-missing-folder", "unwritable",
     lambda t: ["analyze", t.notes_csv(), "-o", "out.parquet", "--cache", "nodir/c.sqlite", "--jobs", "1"],
     exit=0, notes_in=10, check=written("out.parquet", "nodir/c.sqlite"),
     today="traceback", note="sqlite3.OperationalError: unable to open database file")
case("report-json-o-missing-folder", "unwritable",
     lambda t: ["report", t.notes_csv(), "--format", "json", "-o", "nodir/r.json"],
     exit=0, notes_in=10, check=written("nodir/r.json"),
     today="traceback", note="FileNotFoundError after the analysis")
case("report-xlsx-o-missing-folder", "unwritable",
     lambda t: ["report", t.notes_csv(), "--format", "xlsx", "-o", "nodir/r.xlsx"],
     exit=0, check=written("nodir/r.xlsx"),
     today="traceback", note="FileNotFoundError after the analysis")
case("report-table-o-missing-folder", "unwritable",
     lambda t: ["report", t.notes_csv(), "-o", "nodir/r.txt"],
     exit=0, check=written("nodir/r.txt"),
     today="traceback", note="FileNotFoundError after the analysis")
case("report-html-o-read-only-folder", "unwritable",
     lambda t: ["report", t.notes_csv(), "--format", "html", "-o", f"{t.unwritable_dir()}/r.html"],
     lines=None, today="traceback", note="PermissionError after the analysis")
case("report-o-is-folder", "unwritable",
     lambda t: ((t.tmp / "outdir").mkdir(), ["report", t.notes_csv(), "--format", "json", "-o", "outdir"])[1],
     lines=error("output.is_folder", path="outdir"),
     note="Click refused it (usage error, exit 2, English only); now the one output check, like analyze")
case("review-html-o-missing-folder", "unwritable",
     lambda t: ["review", t.note(), "--format", "html", "-o", "nodir/r.html"],
     exit=0, check=written("nodir/r.html"),
     today="traceback", note="FileNotFoundError")
case("review-terminal-o-missing-folder", "unwritable",
     lambda t: ["review", t.note(), "-o", "nodir/r.txt"],
     exit=0, check=written("nodir/r.txt"),
     today="traceback", note="FileNotFoundError")
case("predict-o-missing-folder", "unwritable",
     lambda t: ["predict", t.write("p.jsonl", '{"id": 1, "text": "Saya dengarkan."}\n'), "-o", "nodir/p.jsonl"],
     exit=0, check=written("nodir/p.jsonl"),
     today="traceback", note="FileNotFoundError after the predictions")
case("predict-o-read-only-folder", "unwritable",
     lambda t: ["predict", t.write("p.jsonl", '{"id": 1, "text": "Saya dengarkan."}\n'), "-o",
                f"{t.unwritable_dir()}/p.jsonl"],
     lines=None, today="traceback", note="PermissionError after the predictions")
case("train-out-parent-is-file", "unwritable",
     lambda t: ["train", "--corpus", t.corpus(), "--out", f"{t.notes_csv()}/m"],
     lines=error("output.parent_not_folder", folder="notes.csv", path="notes.csv/m"),
     today="traceback", note="NotADirectoryError after the whole training (~10 s here, minutes on the corpus)")
case("train-out-read-only-folder", "unwritable",
     lambda t: ["train", "--corpus", t.corpus(), "--out", f"{t.unwritable_dir()}/m"],
     lines=None, today="traceback", note="PermissionError after the whole training")
case("report-o-empty-name", "unwritable",
     lambda t: ["report", t.notes_csv(), "--format", "json", "-o", ""],
     lines=error("output.empty"), today="added", note="main at 2b0560a: -o '' read as '.': 'the output . is a folder'")
case("train-out-empty-name", "unwritable",
     lambda t: ["train", "--corpus", t.corpus(), "--out", ""],
     lines=error("output.empty"),
     today="added",
     note="main at 2b0560a: --out '' read as '.' (the current folder): refused only because the corpus lay inside it")
for _name, _argv in (("export-o-empty-name", ["export", "res.parquet", "--to", "doccano", "-o", ""]),
                     ("import-o-empty-name", ["import", "x.jsonl", "--results", "res.parquet", "-o", ""]),
                     ("correct-corrections-empty-name", ["correct", "res.parquet", "--corrections", ""]),
                     ("suggest-o-empty-name", ["suggest", "res.parquet", "--to", "doccano", "-o", ""]),
                     ("train-add-out-empty-name", ["train", "--add", "res.parquet", "--out", ""]),
                     ("serve-corrections-empty-name", ["serve", "res.parquet", "--corrections", ""])):
    case(_name, "unwritable",
         lambda t, argv=_argv: (results_file(t.tmp / "res.parquet"), t.keep("res.parquet"), list(argv))[2],
         lines=error("output.empty"), today="added",
         note="main at 7603bf2: '' read as '.' (the current folder): the error spoke of the input or of a folder")
case("dask-o-existing-folder", "unwritable",
     lambda t: ((t.tmp / "out").mkdir(), t.write("out/x.txt", "x"),
                ["analyze", t.notes_csv(), "-o", "out", "--engine", "dask"])[2],
     lines=error("dask.output_exists", path="out"), note="clear error before the cluster starts")

# 3. Silent drops: every input note ends up analysed or listed as skipped -----------------------------------

case("xlsx-two-sheets", "drop",
     lambda t: (xlsx_file(t.tmp / "two.xlsx", {
         "Agustus": [FIELDS, ["x1", "Budi", "K1", "2026-08-01", body(1)]],
         "September": [FIELDS, ["x2", "Sari", "K2", "2026-09-01", body(2)]]}),
                ["report", "two.xlsx", "--format", "json"])[1],
     exit=0, notes_in=2, today="silent loss", note="only the active sheet is read: 1 of 2 notes, no word")
case("xlsx-cover-sheet", "drop",
     lambda t: (xlsx_file(t.tmp / "cover.xlsx", {
         "Sampul": [["Laporan catatan sesi"], ["Dinas Sosial"]],
         "Catatan": [FIELDS, ["x2", "Sari", "K2", "2026-08-02", body(2)]]}),
                ["report", "cover.xlsx", "--format", "json"])[1],
     exit=0, notes_in=2, check=skip_reasons("skip.sheet_without_columns"),
     today="unhelpful", note="'the table cover.xlsx has no column text, worker' — never mentions sheets")
case("xlsx-header-only", "wrong",
     lambda t: (xlsx_file(t.tmp / "h.xlsx", {"Catatan": [FIELDS]}), ["report", "h.xlsx"])[1],
     lines=error("notes.empty", path="h.xlsx"),
     today="added", note="a workbook whose only sheet has a header and no rows (main at 2b0560a: fine)")
case("xlsx-no-sheet-with-columns", "unhelpful",
     lambda t: (xlsx_file(t.tmp / "book.xlsx", {"Sampul": [["Laporan"]], "Data": [["Petugas", "Catatan"]]}),
                ["report", "book.xlsx"])[1],
     lines=error("notes.no_sheet", path="book.xlsx", columns="text, worker", sheets="Sampul, Data"),
     today="wrong", note="a first sheet with a header but no rows yields nothing: exit 0, an empty report")
case("folder-with-table-inside", "drop",
     lambda t: (t.folder(n=1), t.write("notes/more.csv", csv_text(note_rows(3, "c"))),
                ["report", "notes", "--format", "json"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.not_a_note"),
     today="silent loss", note="notes/more.csv ignored without a word")
case("folder-with-pdf-inside", "drop",
     lambda t: (t.folder(n=1), t.write("notes/scan.pdf", b"%PDF-1.4\n%junk\n"),
                ["analyze", "notes", "-o", "out.parquet", "--jobs", "1"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.not_a_note"),
     today="silent loss", note="scan.pdf ignored without a word")
case("folder-with-fifo-inside", "drop",
     lambda t: (t.folder(n=1), os.mkfifo(t.tmp / "notes" / "pipe.txt"),
                ["report", "notes", "--format", "json"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.not_regular"), timeout=10,
     today="silent loss", note="the FIFO is ignored (is_file() is false)")
case("sidecar-row-missing-file", "drop",
     lambda t: (t.write("sc/a.txt", body(1)), t.write("sc/b.txt", body(2)),
                t.write("sc/metadata.csv", "file,note_id,worker,date\na.txt,a,Budi,2026-08-01\n"
                        "b.txt,b,Budi,2026-08-02\nhilang.txt,m,Budi,2026-08-03\n"),
                ["report", "sc", "--format", "json"])[3],
     exit=0, notes_in=3, check=skip_reasons("skip.sidecar_missing_file"),
     today="silent loss", note="the row naming hilang.txt is ignored")
case("sidecar-duplicate-rows", "drop",
     lambda t: (t.write("sc/a.txt", body(1)),
                t.write("sc/metadata.csv", "file,note_id,worker\na.txt,a,Budi\na.txt,a2,Sari\n"),
                ["report", "sc", "--format", "json"])[2],
     lines=error("notes.sidecar_duplicate", path="sc/metadata.csv", file="a.txt", first=2, line=3),
     today="silent loss", note="the later row wins silently (Sari), the first is dropped")
case("predict-csv-unclosed-quote", "drop",
     lambda t: ["predict", t.write("p.csv", 'id,text\n1,"Saya dengarkan\n2,Ibu senang\n3,Oke\n')],
     lines=error("table.bad_csv", path="p.csv", line=2, detail="unexpected end of data"),
     today="silent loss", note="rows 2 and 3 swallowed into row 1's text: 1 prediction for 3 rows, exit 0")
case("predict-csv-extra-values", "drop",
     lambda t: ["predict", t.write("p.csv", "id,text,extra\n1,Saya dengarkan,a,b,c\n")],
     lines=error("table.bad_csv", path="p.csv", line=2, detail="more values than columns"),
     today="silent loss", note="the values beyond the header are dropped (csv.DictReader's None key)")
case("agreement-duplicate-ids", "drop",
     lambda t: ["corpus", "agreement",
                t.write("a.jsonl", '{"id": "a", "labels": ["P01"], "breaches": []}\n'
                        '{"id": "a", "labels": ["P02"], "breaches": []}\n'),
                t.write("b.jsonl", '{"id": "a", "labels": ["P01"], "breaches": []}\n')],
     lines=error("corpus.duplicate_id_in_pass", path="a.jsonl", id="a", first=1, line=2),
     today="silent loss", note="the second 'a' silently replaces the first")
case("agreement-one-sided-ids", "drop",
     lambda t: ["corpus", "agreement",
                t.write("a.jsonl", '{"id": "a", "labels": ["P01"], "breaches": []}\n'
                        '{"id": "c", "labels": ["P03"], "breaches": []}\n'),
                t.write("b.jsonl", '{"id": "a", "labels": ["P01"], "breaches": []}\n'
                        '{"id": "d", "labels": [], "breaches": []}\n'),
                "--format", "json"],
     exit=0, check=json_stdout(passages=1, only_first=["c"], only_second=["d"]),
     today="silent loss", note="ids c and d dropped without a word (kappa over 1 passage)")
case("same-table-twice", "drop",
     lambda t: ["analyze", t.notes_csv(), "notes.csv", "-o", "out.parquet", "--jobs", "1"],
     exit=0, notes_in=20, note="the second copy's 10 notes are listed as duplicates")
case("duplicate-id-same-text", "drop",
     lambda t: ["report", t.write("d.csv", csv_text(note_rows(3) + note_rows(1))), "--format", "json"],
     exit=0, notes_in=4, check=skip_reasons("skip.duplicate"), note="listed as duplicate")
case("duplicate-id-other-text", "drop",
     lambda t: ["report", t.write("d.csv", csv_text(note_rows(3) + [{**note_rows(1)[0], "text": body(99)}])),
                "--format", "json"],
     exit=0, notes_in=4, check=skip_reasons("skip.duplicate_conflict"), note="listed as conflicting duplicate")

# 4. Reading outside the input: links are not followed out of the folder, sidecars cannot name other files ----

case("symlink-to-etc-passwd", "outside",
     lambda t: (t.folder(n=1), os.symlink("/etc/passwd", t.tmp / "notes" / "p.txt"),
                t.write("notes/metadata.csv", "file,worker\np.txt,Budi\nf0.md,Budi\n"),
                ["analyze", "notes", "-o", "out.parquet", "--jobs", "1", "--redact", "none"])[3],
     exit=0, notes_in=2, check=all_of(skip_reasons("skip.link_outside"), not_in_output("root:x:0:0")),
     today="wrong", note="/etc/passwd analysed as a note and its text stored in the results")
case("symlink-to-file-beside-folder", "outside",
     lambda t: (t.folder(n=1), t.write("outside.txt", "Catatan rahasia orang lain di luar folder."),
                os.symlink("../outside.txt", t.tmp / "notes" / "o.txt"),
                t.write("notes/metadata.csv", "file,worker\no.txt,Budi\n"),
                ["report", "notes", "--format", "json", "--redact", "none"])[4],
     exit=0, notes_in=2, check=all_of(skip_reasons("skip.link_outside"), not_in_output("rahasia orang lain")),
     today="wrong", note="the file outside the folder is analysed")
case("symlink-alias-inside-folder", "outside",
     lambda t: (t.write("notes/a.md", front_matter_note()), os.symlink("a.md", t.tmp / "notes" / "alias.md"),
                ["report", "notes", "--format", "json"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.link_inside"),
     today="wrong", note="the same note counted twice (ids 'a' and 'alias': no note_id in its front matter); now "
                         "the link is listed and its target read once, under its own name")
case("symlink-dangling", "outside",
     lambda t: (t.folder(n=1), os.symlink("nowhere.md", t.tmp / "notes" / "dangling.md"),
                ["report", "notes", "--format", "json"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.unreadable"),
     today="silent loss", note="ignored without a word")
case("symlinked-folder-outside", "outside",
     lambda t: (t.folder(n=1), t.write("elsewhere/x.md", front_matter_note(worker="Eve", note_id="eve")),
                os.symlink("../elsewhere", t.tmp / "notes" / "sub"),
                ["report", "notes", "--format", "json"])[3],
     exit=0, notes_in=2, check=skip_reasons("skip.link_outside"),
     today="silent loss", note="not followed (good) but not listed either")
case("symlink-to-proc-mem", "outside",
     lambda t: (t.folder(n=1), os.symlink("/proc/self/mem", t.tmp / "notes" / "m.txt"),
                ["analyze", "notes", "-o", "out.parquet", "--jobs", "1"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.link_outside"),
     today="traceback", note="OSError: [Errno 5] Input/output error aborts the batch")
case("sidecar-names-parent-path", "outside",
     lambda t: (t.folder(n=1), t.write("outside.txt", "Catatan rahasia orang lain di luar folder."),
                t.write("notes/metadata.csv", "file,worker\n../outside.txt,Budi\nf0.md,Budi\n"),
                ["report", "notes", "--format", "json", "--redact", "none"])[3],
     exit=0, notes_in=2, check=all_of(skip_reasons("skip.sidecar_missing_file"), not_in_output("rahasia orang lain")),
     today="silent loss", note="the row is ignored without a word (the file is not read)")
case("sidecar-names-absolute-path", "outside",
     lambda t: (t.folder(n=1), t.write("notes/metadata.csv", "file,worker\n/etc/hostname,Budi\nf0.md,Budi\n"),
                ["report", "notes", "--format", "json"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.sidecar_missing_file"),
     today="silent loss", note="the row is ignored without a word")

# 6. Hostile values: never a traceback ------------------------------------------------------------------------

case("front-matter-feb-31", "hostile",
     lambda t: (t.write("n/a.md", front_matter_note(note_id="a1", date="2026-02-31")), t.folder("n", n=1),
                ["report", "n", "--format", "json"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.bad_date"),
     today="traceback", note="ValueError: day is out of range for month (YAML timestamp) aborts the batch")
case("front-matter-year-0", "hostile",
     lambda t: (t.write("n/a.md", front_matter_note(note_id="a1", date="0000-01-01")), t.folder("n", n=1),
                ["analyze", "n", "-o", "out.parquet", "--jobs", "1"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.bad_date"),
     today="traceback", note="ValueError: year 0 is out of range")
case("front-matter-month-13", "hostile",
     lambda t: (t.write("n/a.md", front_matter_note(note_id="a1", date="2026-13-45")), t.folder("n", n=1),
                ["report", "n", "--format", "json"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.bad_date"), today="traceback",
     note="ValueError: month must be in 1..12 (the YAML timestamp resolver)")
case("csv-date-feb-30", "hostile",
     lambda t: ["report", t.write("d.csv", csv_text([{**r, "date": "30/02/2026"} if r["note_id"] == "n1" else r
                                                     for r in note_rows(3)])), "--format", "json"],
     exit=0, notes_in=3, check=skip_reasons("skip.bad_date"), note="listed: date not recognised")
case("review-front-matter-invalid", "hostile",
     lambda t: ["review", t.write("a.md", "---\nnote_id: [a1\nworker: Budi\n---\n" + TEXT + "\n"), "--format", "json"],
     exit=0, today="added", note="review reads the whole text when the front matter is broken (main: fine)")
case("front-matter-values-stay-text", "hostile",
     lambda t: (t.write("n/a.md", front_matter_note(note_id="007", worker="1e3", client="null")),
                ["analyze", "n", "-o", "out.parquet", "--jobs", "1"])[1],
     exit=0, notes_in=1, check=result_fields("007", worker="1e3", client="null"),
     today="added", note="yaml.safe_load would read 007 as 7, 1e3 as a number, null as nothing (main: fine)")
case("review-front-matter-feb-31", "hostile",
     lambda t: ["review", t.write("a.md", front_matter_note(date="2026-02-31")), "--format", "json"],
     exit=0, today="traceback", note="ValueError in split_front_matter")
case("front-matter-worker-list", "hostile",
     lambda t: (t.write("n/a.md", front_matter_note(worker="[Budi, Sari]", note_id="a1")), t.folder("n", n=1),
                ["report", "n", "--format", "json"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.text_not_text"),
     today="wrong", note="worker \"['Budi', 'Sari']\" (the list's repr)")
case("front-matter-worker-mapping", "hostile",
     lambda t: (t.write("n/a.md", front_matter_note(worker="{a: b}", note_id="a1")), t.folder("n", n=1),
                ["report", "n", "--format", "json"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.text_not_text"),
     today="wrong", note="worker \"{'a': 'b'}\"")
case("front-matter-invalid-yaml", "hostile",
     lambda t: (t.write("n/a.md", "---\nnote_id: [a1\nworker: Budi\n---\n" + TEXT + "\n"), t.folder("n", n=1),
                ["report", "n", "--format", "json"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.bad_front_matter"),
     today="wrong", note="listed as 'missing worker' (misleading); the front matter is analysed as text")
case("front-matter-unclosed", "hostile",
     lambda t: (t.write("n/a.md", "---\nnote_id: a1\nworker: Budi\n" + TEXT + "\n"), t.folder("n", n=1),
                ["report", "n", "--format", "json"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.bad_front_matter"),
     today="wrong", note="listed as 'missing worker'")
case("front-matter-python-tag", "hostile",
     lambda t: (t.write("n/a.md", "---\nnote_id: a1\nworker: !!python/object/apply:os.system [echo]\n---\n"
                        + TEXT + "\n"), t.folder("n", n=1), ["report", "n", "--format", "json"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.bad_front_matter"),
     today="wrong", note="safe (not executed) but listed as 'missing worker'")
case("jsonl-text-number", "hostile",
     lambda t: ["report", t.write("j.jsonl", json.dumps({"note_id": "j1", "worker": "Budi", "text": 12345}) + "\n"
                                  + json.dumps({"note_id": "j2", "worker": "Budi", "text": TEXT}) + "\n"),
                "--format", "json"],
     exit=0, notes_in=2, check=skip_reasons("skip.text_not_text"), today="wrong", note="the number analysed as '12345'")
case("jsonl-text-object", "hostile",
     lambda t: ["report", t.write("j.jsonl", json.dumps({"note_id": "j1", "worker": "Budi", "text": {"a": TEXT}})
                                  + "\n" + json.dumps({"note_id": "j2", "worker": "Budi", "text": TEXT}) + "\n"),
                "--format", "json"],
     exit=0, notes_in=2, check=skip_reasons("skip.text_not_text"), today="wrong", note="the dict's repr analysed")
case("jsonl-worker-list", "hostile",
     lambda t: ["report", t.write("j.jsonl", json.dumps({"note_id": "j1", "worker": ["Budi"], "text": TEXT})
                                  + "\n" + json.dumps({"note_id": "j2", "worker": "Budi", "text": body(2)}) + "\n"),
                "--format", "json"],
     exit=0, notes_in=2, check=skip_reasons("skip.text_not_text"), today="wrong", note="worker \"['Budi']\"")
case("jsonl-bad-line", "hostile",
     lambda t: ["report", t.write("j.jsonl", json.dumps({"note_id": "j1", "worker": "Budi", "text": TEXT})
                                  + "\n[1, 2]\n")],
     lines=error("notes.bad_jsonl", path="j.jsonl", line=2, detail="not a JSON object"),
     note="clear error naming the line")
case("rich-markup-worker-table", "hostile",
     lambda t: ["report", t.write("m.csv", csv_text([{**note_rows(1)[0], "worker": "Budi [/bold]"}]))],
     exit=0, check=in_stdout("Budi [/bold]"),
     today="traceback", note="rich.errors.MarkupError: closing tag '[/bold]' …")
case("rich-link-worker-table", "hostile",
     lambda t: ["report", t.write("m.csv", csv_text([{**note_rows(1)[0], "worker": "[link=x]K[/link]"}])),
                "-o", "r.txt"],
     exit=0, check=in_file("r.txt", "[link=x]K[/link]"),
     today="wrong", note="the markup is interpreted: 'Klik' becomes a live hyperlink")
case("rich-markup-client-by-client", "hostile",
     lambda t: ["report", t.write("m.csv", csv_text([{**note_rows(1)[0], "client": "K [/i]"}])), "--by", "client"],
     exit=0, check=in_stdout("K [/i]"), today="traceback", note="rich.errors.MarkupError")
case("ansi-escape-in-worker", "hostile",
     lambda t: ["report", t.write("m.csv", csv_text([{**note_rows(1)[0], "worker": "\x1b[31mMerah\x1b[0m"}]))],
     exit=0, check=all_of(in_stdout("Merah"), not_in_output("\x1b[31m")),
     today="wrong", note="the escape sequence reaches the terminal")
case("rich-markup-in-note-segment", "hostile",
     lambda t: ["segment", t.write("mk.txt", "Saya dengarkan [/bold] cerita Ibu A sampai selesai.\n")],
     exit=0, check=in_stdout("[/bold]"), today="traceback", note="rich.errors.MarkupError in the segment table")
case("rich-markup-in-note-review", "hostile",
     lambda t: ["review", t.write("mk.txt", "Saya dengarkan [/bold] cerita [link=x]Ibu A[/link] sampai selesai.\n")],
     exit=0, check=in_stdout("[link=x]"), note="shown literally")
case("mathtext-worker-html", "hostile",
     lambda t: ["report", t.write("m.csv", csv_text([{**note_rows(1)[0], "worker": "$\\frac{1$"}])),
                "--format", "html", "-o", "r.html"],
     exit=0, check=in_file("r.html", "$\\frac{1$"),
     today="traceback", note="matplotlib ParseSyntaxException in the heat map (the charts are SVG now)")
case("non-utf8-corpus-check", "hostile",
     lambda t: ["corpus", "check", t.write("c.jsonl", corpus_line("c1", "Saya dengarkan Ibu A, café", ["P10"]),
                                           encoding="cp1252"), "--skip-minimums"],
     exit=0, today="traceback", note="UnicodeDecodeError")
case("non-utf8-corpus-stats", "hostile",
     lambda t: ["corpus", "stats", t.write("c.jsonl", corpus_line("c1", "Saya dengarkan Ibu A, café", ["P10"]),
                                           encoding="cp1252"), "--format", "json"],
     exit=0, today="traceback", note="UnicodeDecodeError")
case("utf16-corpus-evaluate", "hostile",
     lambda t: ["evaluate", "--corpus", t.write("c.jsonl", corpus_line("c1", "Saya dengarkan Ibu A sampai selesai.",
                                                                        ["P10"]), encoding="utf-16"),
                "--format", "json"],
     exit=0, today="traceback", note="UnicodeDecodeError")
case("non-utf8-corpus-train", "hostile",
     lambda t: ["train", "--corpus", t.write("c/train.jsonl", corpus_line("c1", "Saya dengarkan Ibu A, café"),
                                             encoding="cp1252").split("/")[0], "--out", "m"],
     lines=error("model.too_few_batches", n=1), today="traceback",
     note="UnicodeDecodeError (read with the reader policy, the 1-batch corpus gets the usual error)")
case("binary-corpus-check", "hostile",
     lambda t: ["corpus", "check", t.write("c.jsonl", bytes(range(256)) * 8), "--skip-minimums"],
     lines=error("file.binary", path="c.jsonl"), today="traceback", note="UnicodeDecodeError")
case("agreement-utf16", "hostile",
     lambda t: ["corpus", "agreement",
                t.write("a.jsonl", '{"id": "a", "labels": ["P01"], "breaches": []}\n', encoding="utf-16"),
                t.write("b.jsonl", '{"id": "a", "labels": ["P01"], "breaches": []}\n'), "--format", "json"],
     exit=0, check=json_stdout(passages=1), today="traceback", note="UnicodeDecodeError")
case("agreement-cp1252", "hostile",
     lambda t: ["corpus", "agreement",
                t.write("a.jsonl", '{"id": "é1", "labels": ["P01"], "breaches": []}\n', encoding="cp1252"),
                t.write("b.jsonl", '{"id": "é1", "labels": ["P01"], "breaches": []}\n'), "--format", "json"],
     exit=0, check=json_stdout(passages=1), today="traceback", note="UnicodeDecodeError")
case("sidecar-empty", "hostile",
     lambda t: (t.write("sc/a.txt", body(1)), t.write("sc/metadata.csv", ""), ["report", "sc"])[2],
     lines=error("notes.sidecar_unreadable", path="sc/metadata.csv", detail="0 B"),
     today="traceback", note="pandas EmptyDataError")
case("sidecar-unclosed-quote", "hostile",
     lambda t: (t.write("sc/a.txt", body(1)), t.write("sc/metadata.csv", 'file,worker\n"a.txt,Budi\n'),
                ["report", "sc"])[2],
     lines=error("table.bad_csv", path="sc/metadata.csv", line=2, detail="unexpected end of data"),
     today="traceback", note="pandas ParserError: EOF inside string")
case("sidecar-cp1252", "hostile",
     lambda t: (t.write("sc/a.txt", body(1)), t.write("sc/metadata.csv", "file,worker\na.txt,Béla\n",
                                                      encoding="cp1252"),
                ["report", "sc", "--format", "json"])[2],
     exit=0, notes_in=1, check=workers_are("Béla"), note="decoded (Windows-1252)")
case("sidecar-bare-cr", "hostile",
     lambda t: (t.write("sc/a.txt", body(1)), t.write("sc/metadata.csv", "file,worker,date\ra.txt,Budi,2026-08-01\r"),
                ["report", "sc", "--format", "json"])[2],
     exit=0, notes_in=1, check=workers_are("Budi"), note="read")
case("results-folder-broken-json", "hostile",
     lambda t: (t.write("rf/_analyzer.json", "{broken"), results_file(t.tmp / "rf" / "part-00000.parquet"),
                ["report", "rf"])[2],
     lines=error("results.broken", path="rf/_analyzer.json"),
     today="traceback", note="json.JSONDecodeError")
case("results-folder-binary-json", "hostile",
     lambda t: (t.write("rf/_analyzer.json", b"\xff\xfe{}"), ["report", "rf"])[1],
     lines=error("results.broken", path="rf/_analyzer.json"),
     today="traceback", note="UnicodeDecodeError")
case("results-folder-json-list", "hostile",
     lambda t: (t.write("rf/_analyzer.json", "[]"), ["report", "rf"])[1],
     lines=error("results.broken", path="rf/_analyzer.json"),
     today="wrong", note="'[]' is falsy: the folder is read as an (empty) notes folder, exit 0")
case("results-folder-skipped-not-list", "hostile",
     lambda t: (t.write("rf/_analyzer.json", '{"format": 1, "model_id": "x", "skipped": "oops"}'),
                results_file(t.tmp / "rf" / "part-00000.parquet"), ["report", "rf"])[2],
     lines=error("results.broken", path="rf/_analyzer.json"),
     today="traceback", note="AttributeError: 'str' object has no attribute …")
case("results-folder-part-not-parquet", "hostile",
     lambda t: (t.write("rf/_analyzer.json", '{"format": 1, "model_id": "x", "skipped": []}'),
                results_file(t.tmp / "rf" / "part-00000.parquet"), t.write("rf/part-00001.parquet", "a,b\n1,2\n"),
                ["report", "rf"])[3],
     lines=error("results.damaged", path="rf", what="part-00001.parquet"),
     today="traceback", note="pyarrow ArrowInvalid: Parquet magic bytes not found")
case("results-folder-no-parts", "hostile",
     lambda t: (t.write("rf/_analyzer.json", json.dumps({"format": 1, "model_id": _model_id(), "skipped": [
         {"note_id": "s1", "source": "x.csv:1", "reason_code": "skip.empty_text", "detail": ""}]})),
                ["report", "rf", "--format", "json"])[1],
     exit=0, notes_in=1, check=skip_reasons("skip.empty_text"),
     today="traceback", note="KeyError: 'labels' (a dask run whose notes were all skipped has no part)")
case("results-file-broken-metadata", "hostile",
     lambda t: (results_file(t.tmp / "good.parquet"), _rewrite_meta(t.tmp / "good.parquet", t.tmp / "res.parquet",
                                                                     b"{not json"), ["report", "res.parquet"])[2],
     lines=error("results.damaged", path="res.parquet", what="analyzer_results"),
     today="traceback", note="json.JSONDecodeError")
case("results-file-metadata-list", "hostile",
     lambda t: (results_file(t.tmp / "good.parquet"), _rewrite_meta(t.tmp / "good.parquet", t.tmp / "res.parquet",
                                                                     b"[1, 2]"), ["report", "res.parquet"])[2],
     lines=error("results.damaged", path="res.parquet", what="analyzer_results"),
     today="traceback", note="AttributeError: 'list' object has no attribute 'get'")
case("results-file-missing-column", "hostile",
     lambda t: (results_file(t.tmp / "good.parquet"),
                _rewrite_meta(t.tmp / "good.parquet", t.tmp / "res.parquet", None, drop="labels"),
                ["report", "res.parquet"])[2],
     lines=error("results.damaged", path="res.parquet", what="labels"),
     today="traceback", note="KeyError: 'labels'")
case("results-file-format-1-missing-column", "hostile",
     lambda t: (results_file(t.tmp / "good.parquet"), _format_1_without(t.tmp / "good.parquet", t.tmp / "res.parquet",
                                                                          "labels"), ["report", "res.parquet"])[2],
     lines=error("results.damaged", path="res.parquet", what="labels"), today="added",
     note="main at 0611104: KeyError: 'labels' (a format 1 file is upgraded before its columns are checked)")
case("results-file-other-format", "hostile",
     lambda t: (results_file(t.tmp / "good.parquet"), _rewrite_meta(t.tmp / "good.parquet", t.tmp / "res.parquet",
                                                                     b'{"format": 99}'), ["report", "res.parquet"])[2],
     lines=error("results.format", path="res.parquet"), note="clear error")
case("results-file-truncated", "hostile",
     lambda t: (results_file(t.tmp / "good.parquet"),
                t.write("res.parquet", (t.tmp / "good.parquet").read_bytes()[:3000]), ["report", "res.parquet"])[2],
     lines=error("notes.unreadable_table", path="res.parquet",
                 detail="ArrowInvalid: Parquet magic bytes not found in footer. Either the file is corrupted or "
                        "this is not a parquet file."),
     note="clear enough (pyarrow's words)")
case("dask-scheduler-garbage", "hostile",
     lambda t: ["analyze", t.notes_csv(), "-o", "out", "--engine", "dask", "--scheduler", "not a url"],
     lines=error("dask.bad_address", address="not a url", detail="missing port number in address 'not a url'"),
     today="traceback", note="ValueError: missing port number in address")
case("dask-scheduler-unreachable", "hostile",
     lambda t: ["analyze", t.notes_csv(), "-o", "out", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"],
     lines=error("dask.unreachable", address="tcp://127.0.0.1:1", detail="Connection refused"),
     today="traceback", note="OSError: Timed out trying to connect (after 30 s by default)")
case("predict-huge-csv-field", "hostile",
     lambda t: ["predict", t.write("big.csv", "id,text\n1," + "kata " * 40000 + "\n")],
     exit=0, today="traceback", note="_csv.Error: field larger than field limit (131072)")
case("huge-single-line-note", "hostile",
     lambda t: ["segment", t.write("huge.txt", "kata " * 400000), "--format", "json"],
     exit=0, note="fine (~3 s)")
case("huge-note-in-table", "hostile",
     lambda t: ["report", t.write("big.csv", csv_text([{**note_rows(1)[0], "text": "kata " * 400000}])),
                "--format", "json"],
     exit=0, notes_in=1, note="fine")
case("segment-proc-self-mem", "hostile",
     lambda t: ["segment", "/proc/self/mem"],
     lines=error("input.read_failed", path="/proc/self/mem", detail="Input/output error"),
     today="traceback", note="OSError: [Errno 5] Input/output error")
case("segment-fifo", "hostile",
     lambda t: (os.mkfifo(t.tmp / "pipe.txt"), ["segment", "pipe.txt"])[1], timeout=10,
     lines=error("input.not_regular", path="pipe.txt"), today="hang", note="blocks forever reading the FIFO")
case("review-fifo", "hostile",
     lambda t: (os.mkfifo(t.tmp / "pipe.md"), ["review", "pipe.md"])[1], timeout=10,
     lines=error("input.not_regular", path="pipe.md"), today="hang", note="blocks forever reading the FIFO")
case("segment-dev-zero", "hostile",
     lambda t: ["segment", "/dev/zero"], mode="proc", timeout=60, memory_limit=3 << 30,  # never read in-process
     lines=error("input.not_regular", path="/dev/zero"),
     today="traceback", note="reads until memory runs out (MemoryError under a 3 GB limit)")
case("review-stdin-binary", "hostile",
     lambda t: ["review", "-"], stdin=bytes(range(256)) * 4,
     lines=error("input.binary", path="<stdin>"), note="clear error")
case("segment-stdin-utf16", "hostile",
     lambda t: ["segment", "-", "--format", "json"], stdin="Saya dengarkan cerita Ibu A.".encode("utf-16"),
     exit=0, note="decoded")
case("unreadable-file-in-folder", "hostile",
     lambda t: (t.folder(n=1), t.write("notes/x.md", front_matter_note(note_id="x")),
                (t.tmp / "notes" / "x.md").chmod(0), t.cleanup.append(lambda: (t.tmp / "notes" / "x.md").chmod(0o644)),
                ["report", "notes", "--format", "json"])[4],
     exit=0, notes_in=2, check=skip_reasons("skip.unreadable"), root_ok=False,
     today="traceback", note="PermissionError from read_bytes aborts the batch (_file_note catches InputError only; "
                             "read from the code, the test machine runs as root)")
case("unreadable-single-file", "hostile",
     lambda t: (t.write("x.txt", TEXT), (t.tmp / "x.txt").chmod(0), ["segment", "x.txt"])[2],
     lines=error("input.read_failed", path="x.txt", detail="Permission denied"), root_ok=False,
     today="traceback", note="PermissionError (read from the code; not seen as root)")

# 7. Wrong results without an error -------------------------------------------------------------------------

case("report-results-with-notes", "wrong",
     lambda t: (results_file(t.tmp / "res.parquet"), ["report", "res.parquet", t.notes_csv()])[1],
     lines=error("notes.results_with_notes", path="res.parquet"),
     today="wrong", note="the results are re-read as a notes table: passages analysed as notes")
case("report-two-results", "wrong",
     lambda t: (results_file(t.tmp / "res.parquet"), shutil.copy(t.tmp / "res.parquet", t.tmp / "res2.parquet"),
                ["report", "res.parquet", "res2.parquet"])[2],
     lines=error("notes.results_with_notes", path="res.parquet"),
     today="wrong", note="both read as notes tables; the second copy listed as duplicates")
case("analyze-results-as-notes", "wrong",
     lambda t: (results_file(t.tmp / "res.parquet"), ["analyze", "res.parquet", "-o", "out.parquet", "--jobs", "1"])[1],
     lines=error("results.as_notes", path="res.parquet"),
     today="wrong", note="passages analysed again as notes, exit 0")
case("parquet-text-binary", "wrong",
     lambda t: (parquet_file(t.tmp / "b.parquet", {"note_id": ["b1", "b2"], "worker": ["Budi", "Budi"],
                                                    "text": [TEXT.encode(), body(2).encode()]}),
                ["analyze", "b.parquet", "-o", "out.parquet", "--jobs", "1"])[1],
     exit=0, notes_in=2, check=skip_reasons("skip.text_not_text", "skip.text_not_text"),
     today="wrong", note="analysed as the text \"b'Saya …'\"")
case("parquet-text-list", "wrong",
     lambda t: (parquet_file(t.tmp / "l.parquet", {"note_id": ["l1"], "worker": ["Budi"], "text": [["Saya", "dengar"]]}),
                ["report", "l.parquet", "--format", "json"])[1],
     exit=0, notes_in=1, check=skip_reasons("skip.text_not_text"),
     today="wrong", note="analysed as \"['Saya' 'dengar']\"")
case("parquet-text-int", "wrong",
     lambda t: (parquet_file(t.tmp / "i.parquet", {"note_id": ["i1"], "worker": ["Budi"], "text": [12345]}),
                ["report", "i.parquet", "--format", "json"])[1],
     exit=0, notes_in=1, check=skip_reasons("skip.text_not_text"), today="wrong", note="analysed as '12345'")
case("parquet-worker-int", "wrong",
     lambda t: (parquet_file(t.tmp / "w.parquet", {"note_id": ["w1"], "worker": [7], "text": [TEXT]}),
                ["report", "w.parquet", "--format", "json"])[1],
     exit=0, notes_in=1, check=workers_are("7"), note="a numeric worker id is kept as text")
case("bare-cr-note-file", "wrong",
     lambda t: (t.write("n/cr.md", "---\rnote_id: cr1\rworker: Budi\rclient: K1\rdate: 2026-08-01\r---\r"
                        "Nama klien: Ibu A\rTanggal: 1 Agustus 2026\r\r" + TEXT + "\r"),
                ["analyze", "n", "-o", "out.parquet", "--jobs", "1"])[1],
     exit=0, notes_in=1, check=result_fields("cr1", worker="Budi", kind=["body", "header"]),
     today="wrong", note="front matter lost: listed as 'missing worker'; header lines not recognised")
case("bare-cr-csv", "wrong",
     lambda t: ["report", t.write("cr.csv", csv_text(note_rows(3)).replace("\n", "\r")), "--format", "json"],
     exit=0, notes_in=3, note="read")
case("columns-date-missing", "wrong",
     lambda t: ["report", t.notes_csv(), "--columns", "date=Missing"],
     lines=error("notes.unknown_column", field="date", column="Missing", path="notes.csv",
                 found="note_id, worker, client, date, text"),
     today="wrong", note="ignored: every note reported under no month")
case("columns-client-missing", "wrong",
     lambda t: ["analyze", t.notes_csv(), "--columns", "client=Kasus", "-o", "out.parquet", "--jobs", "1"],
     lines=error("notes.unknown_column", field="client", column="Kasus", path="notes.csv",
                 found="note_id, worker, client, date, text"),
     today="wrong", note="ignored: every client empty")
case("columns-text-missing", "wrong",
     lambda t: ["report", t.notes_csv(), "--columns", "text=Catatan"],
     lines=error("notes.missing_columns", path="notes.csv", columns="Catatan",
                 found="note_id, worker, client, date, text"), note="clear error")
case("columns-bad-spec", "wrong",
     lambda t: ["report", t.notes_csv(), "--columns", "petugas=Nama"],
     lines=error("notes.bad_columns", spec="petugas=Nama", fields="note_id, worker, client, date, text"),
     note="clear error")
case("evaluate-empty-corpus", "wrong",
     lambda t: ["evaluate", "--corpus", t.write("e.jsonl", "")],
     lines=error("corpus.empty", path="e.jsonl"), today="wrong", note="exit 0 with zeros everywhere")
case("evaluate-unknown-codes", "wrong",
     lambda t: ["evaluate", "--corpus", t.write("g.jsonl", corpus_line("a", TEXT, ["P99", "X1"], ["E1"])
                                                  + corpus_line("b", body(2), ["P10"]))],
     lines=error("corpus.malformed", problem="g.jsonl:1 (a): unknown code 'P99' in labels", n=3),
     today="traceback", note="KeyError: 'P99'")
case("evaluate-table-not-jsonl", "unhelpful",
     lambda t: ["evaluate", "--corpus", t.notes_csv()],
     lines=error("corpus.not_jsonl", path="notes.csv"),
     today="unhelpful", note="'the corpus is malformed: notes.csv:1: invalid JSON (Expecting value) (11 problems)'")
case("agreement-unknown-codes", "wrong",
     lambda t: ["corpus", "agreement", t.write("a.jsonl", '{"id": "a", "labels": ["P99"], "breaches": ["E1"]}\n'),
                "a.jsonl"],
     lines=error("corpus.malformed", problem="a.jsonl:1: unknown codes E1, P99", n=1),
     today="wrong", note="ignored: kappa over the known codes only, exit 0")
case("agreement-labels-string", "wrong",
     lambda t: ["corpus", "agreement", t.write("a.jsonl", '{"id": "a", "labels": "P01", "breaches": []}\n'),
                t.write("b.jsonl", '{"id": "a", "labels": ["P01"], "breaches": []}\n')],
     lines=error("corpus.malformed", problem="a.jsonl:1: labels must be a list of codes", n=1),
     today="wrong", note="'P01' read as the set {'P', '0', '1'}: a disagreement")
case("agreement-no-common-ids", "wrong",
     lambda t: ["corpus", "agreement", t.write("a.jsonl", '{"id": "x", "labels": [], "breaches": []}\n'),
                t.write("b.jsonl", '{"id": "y", "labels": [], "breaches": []}\n')],
     lines=error("agreement.no_common", first="a.jsonl", second="b.jsonl"),
     today="wrong", note="exit 0: 'Cohen's kappa (0 passages)'")
case("worker-names-zero-width-bom-nfd", "wrong",
     lambda t: ["report", t.write("z.csv", csv_text([
         {**r, "worker": name, "client": client} for r, name, client in zip(note_rows(8), [
             "Budi", "Budi\u200b", "\ufeffBudi", " Budi ", "Budi  Santoso", "Budi Santoso", "B\u00fadi", "Bu\u0301di"],
             ["K1", "K\u200b1", "K1", "K\u00a01", "K1", "K1", "K1", "K1"])])), "--format", "json"],
     exit=0, notes_in=8, check=workers_are("Budi", "Budi Santoso", "B\u00fadi", clients=("K 1", "K1")),
     today="wrong", note="7 workers that print alike (zero-width, BOM, NFD, double space) and 3 clients")
case("worker-name-newline", "wrong",
     lambda t: ["report", t.write("z.csv", csv_text([{**note_rows(1)[0], "worker": "Budi\nSantoso"}])),
                "--format", "json"],
     exit=0, notes_in=1, check=workers_are("Budi Santoso"), today="wrong", note="a line break inside the name")
case("worker-name-only-zero-width", "wrong",
     lambda t: ["report", t.write("z.csv", csv_text([{**note_rows(1)[0], "worker": "\u200b\ufeff"}]
                                                    + note_rows(2)[1:])), "--format", "json"],
     exit=0, notes_in=2, check=skip_reasons("skip.missing_worker"),
     today="wrong", note="analysed under an invisible worker name")
case("note-id-zero-width-duplicate", "wrong",
     lambda t: ["report", t.write("z.csv", csv_text(note_rows(2) + [{**note_rows(1)[0], "note_id": "n0\u200b"}])),
                "--format", "json"],
     exit=0, notes_in=3, check=skip_reasons("skip.duplicate"),
     today="wrong", note="'n0' and 'n0\\u200b' are two notes")
case("worker-filter-zero-width", "wrong",
     lambda t: ["report", t.notes_csv(), "--worker", "Budi 1\u200b", "--format", "json"],
     exit=0, check=workers_are("Budi 1"),
     today="wrong", note="'worker … is not in the notes' although it prints the same")
case("header-only-csv", "wrong",
     lambda t: ["report", t.write("h.csv", ",".join(FIELDS) + "\n")],
     lines=error("notes.empty", path="h.csv"), today="wrong", note="exit 0, an empty report")
case("empty-csv", "unhelpful",
     lambda t: ["analyze", t.write("e.csv", ""), "-o", "out.parquet", "--jobs", "1"],
     lines=error("notes.empty", path="e.csv"),
     today="unhelpful", note="'the table e.csv cannot be read (EmptyDataError: No columns to parse from file)'")
case("empty-folder", "wrong",
     lambda t: ((t.tmp / "notes").mkdir(), ["analyze", "notes", "-o", "out.parquet", "--jobs", "1"])[1],
     lines=error("notes.empty", path="notes"), today="wrong", note="exit 0, an empty results file")
case("folder-named-like-table", "wrong",
     lambda t: ((t.tmp / "data.csv").mkdir(), ["report", "data.csv"])[1],
     lines=error("notes.empty", path="data.csv"), today="wrong", note="read as an empty notes folder, exit 0")
case("results-written-into-input-folder-then-rerun", "wrong",
     lambda t: (t.folder(n=2), results_file(t.tmp / "notes" / "hasil.parquet"),
                ["report", "notes", "--format", "json"])[2],
     exit=0, notes_in=3, check=skip_reasons("skip.not_a_note"),
     today="silent loss", note="the results file inside the folder is ignored without a word")

# 8. Unhelpful errors --------------------------------------------------------------------------------------

case("csv-one-nul-byte", "unhelpful",
     lambda t: ["report", t.write("nul.csv", csv_text(note_rows(10)).replace("nomor 3", "nomor\x00 3")),
                "--format", "json"],
     exit=0, notes_in=10, check=skip_reasons("skip.control_characters"),
     today="unhelpful", note="whole table refused: 'looks binary … Save the note as .txt or .md'")
case("csv-semicolon", "unhelpful",
     lambda t: ["report", t.notes_csv(sep=";"), "--format", "json"],
     exit=0, notes_in=10, today="unhelpful",
     note="'has no column text, worker (columns found: note_id;worker;client;date;text)'")
case("csv-tab-separated", "unhelpful",
     lambda t: ["analyze", t.notes_csv(sep="\t"), "-o", "out.parquet", "--jobs", "1"],
     exit=0, notes_in=10, today="unhelpful", note="same column error")
case("csv-unclosed-quote", "unhelpful",
     lambda t: ["report", t.write("q.csv", "note_id,worker,text\nq1,Budi,\"Saya dengarkan\nq2,Budi,Oke\n")],
     lines=error("table.bad_csv", path="q.csv", line=2, detail="unexpected end of data"),
     today="unhelpful", note="'cannot be read (ParserError: Error tokenizing data. C error: EOF inside string …)'")
case("csv-utf16", "unhelpful",
     lambda t: ["report", t.write("u.csv", csv_text(note_rows(3)), encoding="utf-16"), "--format", "json"],
     exit=0, notes_in=3, note="decoded")
case("csv-cp1252", "unhelpful",
     lambda t: ["report", t.write("c.csv", csv_text([{**note_rows(1)[0], "worker": "Béla"}]), encoding="cp1252"),
                "--format", "json"],
     exit=0, notes_in=1, check=workers_are("Béla"), note="decoded")
case("predict-csv-semicolon", "unhelpful",
     lambda t: ["predict", t.write("p.csv", "id;text\n1;Saya dengarkan cerita Ibu A.\n")],
     exit=0, today="unhelpful", note="'column 'id' is missing (columns found: id;text)'")
case("predict-stdin", "unhelpful",
     lambda t: ["predict", "-"], stdin=b'{"id": 1, "text": "Saya dengarkan cerita Ibu A."}\n',
     exit=0, today="unhelpful", note="'file not found: -' (segment and review read stdin, predict does not)")
case("codebook-cp1252", "unhelpful",
     lambda t: ["codebook", "--codebook", t.write("cb.yaml", _codebook_text().replace(
         "definition_id: ", "definition_id: Café ", 1), encoding="cp1252"), "--format", "json"],
     exit=0, today="unhelpful", note="'is not valid YAML ('utf-8' codec can't decode …)'")
case("codebook-utf16", "unhelpful",
     lambda t: ["codebook", "--codebook", t.write("cb.yaml", _codebook_text(), encoding="utf-16")],
     exit=0, today="unhelpful", note="'is not valid YAML ('utf-8' codec can't decode byte 0xff …)'")
case("codebook-binary", "unhelpful",
     lambda t: ["codebook", "--codebook", t.write("cb.yaml", bytes(range(256)) * 8)],
     lines=error("file.binary", path="cb.yaml"), today="unhelpful", note="called 'not valid YAML'")
case("codebook-invalid-yaml", "unhelpful",
     lambda t: ["codebook", "--codebook", t.write("cb.yaml", "codes: [\n")],
     lines=error("codebook.not_yaml", path="cb.yaml", detail="while parsing a flow node"), note="clear error")
case("sidecar-semicolon", "unhelpful",
     lambda t: (t.write("sc/a.txt", body(1)), t.write("sc/metadata.csv", "file;worker\na.txt;Budi\n"),
                ["report", "sc", "--format", "json"])[2],
     exit=0, notes_in=1, check=workers_are("Budi"), today="unhelpful",
     note="'the sidecar table … has no 'file' column'")
case("sidecar-binary", "unhelpful",
     lambda t: (t.write("sc/a.txt", body(1)), t.write("sc/metadata.csv", b"\x00\x01\x02garbage\x00" * 20),
                ["report", "sc"])[2],
     lines=error("file.binary", path="sc/metadata.csv"),
     today="unhelpful", note="'looks binary … Save the note as .txt or .md' (advice for notes)")
case("docx-zip-of-junk", "unhelpful",
     lambda t: (_zip(t.tmp / "junk.docx", {"hello.txt": "junk"}), ["segment", "junk.docx"])[1],
     lines=error("input.docx_invalid", path="junk.docx"),
     today="unhelpful", note="'the Word file junk.docx cannot be read (KeyError)'")
case("docx-not-a-zip", "unhelpful",
     lambda t: ["review", t.write("x.docx", "hanya teks biasa\n")],
     lines=error("input.docx_invalid", path="x.docx"),
     today="unhelpful", note="'cannot be read (PackageNotFoundError)'")
case("docx-junk-in-folder", "unhelpful",
     lambda t: (t.folder(n=1), _zip(t.tmp / "notes" / "junk.docx", {"a": "b"}),
                ["report", "notes", "--format", "json"])[2],
     exit=0, notes_in=2, check=skip_reasons("skip.unreadable"), note="listed: unreadable file")
case("docx-valid", "unhelpful",
     lambda t: ["segment", t.write("ok.docx", docx_bytes([TEXT, "Ibu A merasa lega."])), "--format", "json"],
     exit=0, note="read")
case("xlsx-zip-of-junk", "unhelpful",
     lambda t: (_zip(t.tmp / "junk.xlsx", {"hello.txt": "junk"}), ["report", "junk.xlsx"])[1],
     lines=error("notes.xlsx_invalid", path="junk.xlsx"),
     today="unhelpful", note="'cannot be read (KeyError: \"There is no item named '[Content_Types].xml' …\")'")
case("xls-old-format", "unhelpful",
     lambda t: ["report", t.write("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))],
     lines=error("notes.unsupported", path="old.xls"), note="clear error")
case("segment-pdf", "unhelpful",
     lambda t: ["segment", t.write("x.pdf", b"%PDF-1.4\n")],
     lines=error("input.unsupported_type", path="x.pdf", suffix=".pdf"), note="clear error")
case("segment-missing-file", "unhelpful",
     lambda t: ["segment", "tidak-ada.txt"], lines=error("input.not_found", path="tidak-ada.txt"), note="clear error")
case("segment-empty-file", "unhelpful",
     lambda t: ["segment", t.write("e.txt", "  \n\t\n")], lines=error("input.empty", path="e.txt"), note="clear error")
case("segment-binary-file", "unhelpful",
     lambda t: ["segment", t.write("b.txt", bytes(range(256)) * 8)], lines=error("input.binary", path="b.txt"),
     note="clear error")
case("segment-folder", "unhelpful",
     lambda t: (t.folder(), ["segment", "notes"])[1], lines=error("input.is_directory", path="notes"),
     note="clear error")
case("segment-folder-named-txt", "unhelpful",
     lambda t: ((t.tmp / "d.txt").mkdir(), ["segment", "d.txt"])[1], lines=error("input.is_directory", path="d.txt"),
     note="clear error")
case("review-stdin-empty", "unhelpful",
     lambda t: ["review", "-"], stdin=b"", lines=error("input.empty", path="<stdin>"), note="clear error")
case("analyze-missing-input", "unhelpful",
     lambda t: ["analyze", "tidak-ada.csv", "-o", "out.parquet"], lines=error("input.not_found", path="tidak-ada.csv"),
     note="clear error before any work")
case("report-unknown-worker", "unhelpful",
     lambda t: ["report", t.notes_csv(), "--worker", "Siapa"],
     lines=error("report.unknown_worker", worker="Siapa", workers="Budi 0, Budi 1, Budi 2"), note="clear error")
case("report-from-after-to", "unhelpful",
     lambda t: ["report", t.notes_csv(), "--from", "2026-09-01", "--to", "2026-08-01"],
     lines=error("report.bad_range", start="2026-09-01", end="2026-08-01"), note="clear error")
case("report-xlsx-without-o", "unhelpful",
     lambda t: ["report", t.notes_csv(), "--format", "xlsx"], lines=error("report.needs_output", fmt="xlsx"),
     note="clear error")
case("predict-tsv", "unhelpful",
     lambda t: ["predict", t.write("p.tsv", "id\ttext\n1\tSaya\n")],
     lines=error("predict.unsupported_type", path="p.tsv", suffix=".tsv"), note="clear error")
case("predict-duplicate-id-int-str", "unhelpful",
     lambda t: ["predict", t.write("p.jsonl", '{"id": 1, "text": "a"}\n{"id": "1", "text": "b"}\n')],
     lines=error("predict.duplicate_id", path="p.jsonl", line=2, id="1", first=1), note="clear error")
case("predict-bool-id", "unhelpful",
     lambda t: ["predict", t.write("p.jsonl", '{"id": true, "text": "a"}\n')],
     lines=error("predict.bad_id", path="p.jsonl", line=1), note="clear error")
case("model-folder-missing", "unhelpful",
     lambda t: ["evaluate", "--model", "tidak-ada"], lines=error("model.not_found", path="tidak-ada"),
     note="clear error")
case("model-corrupt-scoring", "unhelpful",
     lambda t: (_corrupt_model(t.tmp / "m"), ["predict", t.write("p.jsonl", '{"id": 1, "text": "a"}\n'),
                                              "--model", "m"])[1],
     lines=error("model.corrupt", path="m/scoring.npz", detail="checksum differs from metadata.json"),
     note="clear error")
case("corpus-missing", "unhelpful",
     lambda t: ["corpus", "stats", "tidak-ada"], lines=error("corpus.not_found", path="tidak-ada"), note="clear error")
case("corpus-folder-without-jsonl", "unhelpful",
     lambda t: ((t.tmp / "c").mkdir(), ["train", "--corpus", "c", "--out", "m"])[1],
     lines=error("corpus.no_files", path="c"), note="clear error")

# usage errors: Click's own line in the user's language (data/click.id.tsv), exit code 1 like every error -------

case("usage-lang-xx", "unhelpful", lambda t: ["codebook", "--lang", "xx"], lang=False,
     lines=usage("Nilai tidak sah untuk '--lang': 'xx' bukan salah satu dari 'id', 'en'.", ""),
     note="exit 2, Click's English line (the README promised 1 for every error)")
case("usage-analyze-without-o", "unhelpful", lambda t: ["analyze", t.notes_csv()],
     lines=usage("Opsi tidak ada '-o' / '--output'.", "Missing option '-o' / '--output'."), note="exit 2")
case("usage-jobs-zero", "unhelpful", lambda t: ["analyze", t.notes_csv(), "-o", "o.parquet", "--jobs", "0"],
     lines=usage("Nilai tidak sah untuk '--jobs': 0 tidak berada dalam rentang x>=1.",
                 "Invalid value for '--jobs': 0 is not in the range x>=1."), note="exit 2")
case("usage-by-unknown", "unhelpful", lambda t: ["report", t.notes_csv(), "--by", "tim"],
     lines=usage("Nilai tidak sah untuk '--by': 'tim' bukan salah satu dari 'worker', 'client', 'month'.",
                 "Invalid value for '--by': 'tim' is not one of 'worker', 'client', 'month'."), note="exit 2")
case("usage-unknown-command", "unhelpful", lambda t: ["laporan"],
     lines=usage("Tidak ada perintah 'laporan'.", "No such command 'laporan'."), note="exit 2")
case("usage-unknown-option", "unhelpful", lambda t: ["review", t.note(), "--colour"],
     lines=usage("Tidak ada opsi '--colour'. (Mungkin maksud Anda salah satu dari: '--color', '--no-color'?)",
                 "No such option '--colour'. (Did you mean one of: '--color', '--no-color'?)"), note="exit 2")
case("usage-impossible-from-date", "unhelpful", lambda t: ["report", t.notes_csv(), "--from", "2026-02-31"],
     lines=usage("Nilai tidak sah untuk '--from': '2026-02-31' tidak cocok dengan format '%Y-%m-%d'.",
                 "Invalid value for '--from': '2026-02-31' does not match the format '%Y-%m-%d'."),
     note="exit 2 (the message blames the format for an impossible date)")
case("usage-extra-argument", "unhelpful", lambda t: ["segment", t.note(), "b.txt"],
     lines=usage("Ada argumen lebih yang tidak diharapkan (b.txt)", "Got unexpected extra argument (b.txt)"),
     note="exit 2")
case("usage-engine-unknown", "unhelpful",
     lambda t: ["analyze", t.notes_csv(), "-o", "o.parquet", "--engine", "spark"],
     lines=usage("Nilai tidak sah untuk '--engine': 'spark' bukan salah satu dari 'local', 'dask'.",
                 "Invalid value for '--engine': 'spark' is not one of 'local', 'dask'."), note="exit 2")
case("usage-similarity-range", "unhelpful", lambda t: ["corpus", "check", "--similarity", "2"],
     lines=usage("Nilai tidak sah untuk '--similarity': 2.0 tidak berada dalam rentang 0.5<=x<=1.0.",
                 "Invalid value for '--similarity': 2.0 is not in the range 0.5<=x<=1.0."), note="exit 2")
case("usage-train-out-is-file", "unhelpful", lambda t: ["train", "--out", t.notes_csv()],
     lines=error("output.not_folder", path="notes.csv"),
     note="exit 2, Click's 'Directory is a file'; now the one output check, before any training")
case("analyze-o-in-use", "process",
     lambda t: (_hold_lock(t, "out.parquet"), ["analyze", t.notes_csv(), "-o", "out.parquet", "--jobs", "1"])[1],
     lines=None, today="added",
     note="another run holds the output (main at 2b0560a: no lock; see also tests/test_faults.py)")
case("analyze-jobs-2-pool", "process",
     lambda t: ["analyze", t.notes_csv(n=30), "-o", "out.parquet", "--jobs", "2", "--no-cache"],
     exit=0, notes_in=30, note="fine (a pool of two workers; now a chunk under 100 notes runs in the main process)")

# helpers used by builders above ----------------------------------------------------------------------------


def _codebook_text() -> str:
    from analyzer.resources import DEFAULT_CODEBOOK

    return DEFAULT_CODEBOOK.read_text(encoding="utf-8")


def _zip(path: Path, members: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def _rewrite_meta(src: Path, dst: Path, meta: bytes | None, drop: str | None = None) -> None:
    """Copy a results file with its ``analyzer_results`` metadata replaced (or a column dropped)."""
    import pyarrow.parquet as pq

    table = pq.read_table(src)
    kv = dict(pq.ParquetFile(src).metadata.metadata or {})
    if meta is not None:
        kv[b"analyzer_results"] = meta
    if drop:
        table = table.drop([drop])
    pq.write_table(table.replace_schema_metadata(kv), dst)


def _format_1_without(src: Path, dst: Path, column: str) -> None:
    """A results file of format 1 (before the correction columns) with ``column`` missing."""
    import pyarrow.parquet as pq

    from analyzer.io.results import CORRECTION_COLUMNS

    table = pq.read_table(src)
    kv = dict(pq.ParquetFile(src).metadata.metadata or {})
    meta = json.loads(kv[b"analyzer_results"])
    kv[b"analyzer_results"] = json.dumps({**meta, "format": 1}).encode()
    table = table.drop([c for c in (*CORRECTION_COLUMNS, column) if c in table.column_names])
    pq.write_table(table.replace_schema_metadata(kv), dst)


def _corrupt_model(folder: Path) -> None:
    from analyzer.resources import DEFAULT_MODEL_DIR

    folder.mkdir()
    for name in ("metadata.json", "scoring.npz", "lexicon.tsv"):
        shutil.copy(DEFAULT_MODEL_DIR / name, folder / name)
    data = (folder / "scoring.npz").read_bytes()
    (folder / "scoring.npz").write_bytes(data[:1000])


# cases whose expected line depends on the folder chosen at run time (read-only folder, or /sys as root)
_RUNTIME_LINES: dict[str, Callable[[dict], tuple[str, str]]] = {
    "analyze-o-read-only-folder": lambda v: error("output.not_writable", path=f"{v['ro']}/x.parquet"),
    "report-html-o-read-only-folder": lambda v: error("output.not_writable", path=f"{v['ro']}/r.html"),
    "predict-o-read-only-folder": lambda v: error("output.not_writable", path=f"{v['ro']}/p.jsonl"),
    "train-out-read-only-folder": lambda v: error("output.not_writable", path=f"{v['ro']}/m"),
    "analyze-o-in-use": lambda v: error("output.in_use", path="out.parquet", pid=v["pid"]),
}


def _hold_lock(ctx: Ctx, rel: str) -> None:
    """Hold the output lock of ``rel`` as another run would (released after the case)."""
    from analyzer.io.atomic import exclusive

    lock = exclusive(ctx.tmp / rel)
    lock.__enter__()
    ctx.cleanup.append(lambda: lock.__exit__(None, None, None))
    ctx.vars["pid"] = str(os.getpid())


def _model_id() -> str:
    """The id of the shipped model (results made with another model are refused by report)."""
    from analyzer.analysis.passages import model_id
    from analyzer.model.persist import load_model

    return model_id(load_model())


# ---------------------------------------------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one run of a case did, and every way it differs from what the case expects."""

    run: Run
    argv: list[str]
    problems: list[str]
    inputs: str = ""  # the files the case made (for the catalogue)


def describe_inputs(tmp: Path) -> str:
    """The files a builder made, in a few words: ``notes/p.txt -> /etc/passwd``, ``pipe.txt (FIFO)``, …"""
    import stat

    parts = []
    for path in sorted(tmp.rglob("*")):
        rel = path.relative_to(tmp).as_posix()
        if path.is_symlink():
            parts.append(f"{rel} -> {os.readlink(path)}")
        elif stat.S_ISFIFO(path.lstat().st_mode):
            parts.append(f"{rel} (FIFO)")
        elif path.is_dir():
            if not any(path.iterdir()):
                parts.append(f"{rel}/ (empty folder)")
        else:
            parts.append(f"{rel} ({path.stat().st_size} B)")
    return ", ".join(parts)


def run_case(c: Case, tmp: Path, lang: str) -> Outcome:
    """Build the case's files in ``tmp``, run it in ``lang`` and compare with the expectation."""
    ctx = Ctx(tmp)
    try:
        argv = c.build(ctx)
        inputs = describe_inputs(tmp)
        full = argv + (["--lang", "en"] if lang == "en" and c.lang else [])
        run = run_cli(full, tmp, c.stdin, c.mode, c.timeout, c.env, c.memory_limit)
        problems: list[str] = []
        if run.exit_code is None:
            problems.append(f"hangs (killed after {c.timeout} s)")
        if run.traceback:
            last = [ln for ln in run.stderr.splitlines() if ln.strip()][-1:]
            problems.append(f"traceback: {last[0] if last else '?'}")
        if run.exit_code is not None and run.exit_code != c.exit:
            problems.append(f"exit code {run.exit_code}, expected {c.exit}")
        lines = _RUNTIME_LINES[c.id](ctx.vars) if c.id in _RUNTIME_LINES else c.lines
        got = first_line(run.stderr)
        if lines is not None:
            want = lines[0] if lang == "id" else lines[1]
            if got != want:
                problems.append(f"first line {got!r}, expected {want!r}")
        elif got is not None and got.startswith("Error:"):
            problems.append(f"unexpected error {got!r}")
        if not problems and c.notes_in is not None:
            try:
                analysed, skipped = batch_counts(run, argv, tmp)
                if analysed + skipped != c.notes_in:
                    problems.append(f"{c.notes_in} notes in, {analysed} analysed + {skipped} skipped")
            except Exception as exc:  # the output is missing or unreadable
                problems.append(f"cannot read the batch counts: {type(exc).__name__}: {exc}")
        if not problems and c.check is not None:
            try:
                c.check(ctx, run, argv)
            except AssertionError as exc:
                problems.append(f"check failed: {exc}")
            except Exception as exc:
                problems.append(f"check failed: {type(exc).__name__}: {exc}")
        elif c.check is not None and run.exit_code is not None and c.exit != 0:
            try:  # data-loss checks matter even when the error line is wrong
                c.check(ctx, run, argv)
            except AssertionError as exc:
                problems.append(f"check failed: {exc}")
            except Exception as exc:
                problems.append(f"check failed: {type(exc).__name__}: {exc}")
        return Outcome(run, full, problems, inputs)
    finally:
        for undo in ctx.cleanup:
            undo()


def _case_params():
    for c in CASES:
        yield pytest.param(c, id=c.id, marks=c.marks)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("c", list(_case_params()))
def test_bad_input(c: Case, lang: str, tmp_path: Path) -> None:
    if not c.root_ok and os.geteuid() == 0:
        pytest.skip("root reads files whatever their permission bits")
    if lang == "en" and not c.lang:
        pytest.skip("the case is about --lang itself: there is no English run")
    outcome = run_case(c, tmp_path, lang)
    if outcome.problems:
        pytest.fail(f"{c.id} ({CLASSES[c.cls]}): analyzer {' '.join(outcome.argv)}\n- "
                    + "\n- ".join(outcome.problems) + f"\nstderr:\n{outcome.run.stderr[-2000:]}", pytrace=False)


def test_catalogue_is_complete() -> None:
    """At least 80 cases, every class of issue 14 covered (class 5 also lives in tests/test_faults.py), every
    command exercised, and every new message has both languages."""
    assert len(CASES) >= 80
    assert {c.cls for c in CASES} == set(CLASSES)
    used = set()
    for c in CASES:
        src = c.build.__code__.co_consts
        used.update(s for s in src if isinstance(s, str) and s in (
            "codebook", "segment", "corpus", "train", "evaluate", "predict", "analyze", "report", "review"))
    assert used == {"codebook", "segment", "corpus", "train", "evaluate", "predict", "analyze", "report", "review"}
    for key, (idn, en) in NEW_MESSAGES.items():
        assert idn and en and idn != en, key


def test_new_messages_are_as_written() -> None:
    """The messages issue 14 added are in analyzer/data/messages.yaml word for word, in both languages."""
    import yaml

    from analyzer.resources import DATA_DIR

    data = yaml.safe_load((DATA_DIR / "messages.yaml").read_text(encoding="utf-8"))
    for key, (idn, en) in NEW_MESSAGES.items():
        assert data.get(key) == {"id": idn, "en": en}, key


def test_readme_says_what_happens_to_bad_input() -> None:
    """Issue 14: a README section on bad input, with the exit codes (0 success, 1 any error, usage errors too)."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "\n## what happens to bad input\n" in readme.lower()
    section = " ".join(readme.lower().split("\n## what happens to bad input\n", 1)[1].split("\n## ", 1)[0].split())
    for words in ("exit code", "usage error", "never written over", "skip.", "link", "created"):
        assert words in section, words
