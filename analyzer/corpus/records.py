"""The annotated corpus: loading, validation (``analyzer corpus check``) and counts (``analyzer corpus stats``).

A corpus is a folder of JSONL files (or one file); files named ``test*.jsonl`` are the held-out split
(``test.jsonl``: corpus v1's held-out batches; ``test-v2.jsonl``: held-out writers and genres of corpus v2),
every other file is training data. One passage per line::

    {"id", "text", "labels": [applied codes], "breaches": [breached principles], "setting", "style", "batch"}

Corpus v2 lines (whole documents, see ``corpus_assembly``) also carry ``writer``, ``genre``, ``doc`` and
``kind`` (``header`` or ``body``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES
from analyzer.errors import CorpusError

SETTINGS = (
    "pkh", "lksa", "perlindungan_anak", "abh", "napza", "odgj", "lansia", "disabilitas", "kdrt", "bencana",
    "jalanan", "trafficking", "rumah_sakit", "komunitas",
)
STYLES = ("formal", "informal", "journal", "reflection", "dialogue", "regional", "clinical", "narrative",
          "reflective", "chat")
INFORMAL_STYLES = ("informal", "regional", "chat")
# Corpus v1 styles folded into the v2 style families for leave-one-style-out evaluation.
STYLE_FAMILY = {"journal": "narrative", "reflection": "reflective"}
# Genres of corpus v2 (whole documents, see corpora/GENRES.md); corpus v1 passages have genre "v1".
GENRES = (
    "jurnal_praktikum", "laporan_mingguan", "rekaman_proses", "catatan_kasus", "pkh_kunjungan", "pkh_p2k2",
    "pkh_verifikasi", "lksa", "napza", "perlindungan_anak", "rumah_sakit", "litmas", "tagana", "komunitas",
    "supervisi", "laporan_wa",
)
V1_GENRE = "v1"
DUPLICATE_MIN_WORDS = 8  # repeated short headers ("Tujuan: monitoring") are normal in documents
FIELDS = ("id", "text", "labels", "breaches", "setting", "style", "batch")
MAX_CHARS = 700
NEAR_DUPLICATE = 0.8


@dataclass(frozen=True)
class Record:
    """One annotated passage, with where it came from."""

    id: str
    text: str
    labels: tuple[str, ...]
    breaches: tuple[str, ...]
    setting: str
    style: str
    batch: str
    file: str = ""
    line: int = 0
    writer: str = ""
    genre: str = V1_GENRE
    doc: str = ""
    kind: str = "body"

    @property
    def split(self) -> str:
        return "test" if self.file.startswith("test") else "train"

    @property
    def style_family(self) -> str:
        return STYLE_FAMILY.get(self.style, self.style)

    @property
    def is_v2(self) -> bool:
        return self.genre != V1_GENRE

    @property
    def has_code(self) -> bool:
        return bool(self.labels or self.breaches)


@dataclass(frozen=True)
class Minimums:
    """Corpus-wide minimums (the defaults are the project's requirements)."""

    passages: int = 2500
    per_code: int = 100
    breach_principles: int = 12
    per_breach: int = 30
    no_code: int = 400
    settings: int = 12
    informal_share: float = 0.25
    test_share: float = 0.15
    # corpus v2 (whole documents)
    v2_documents: int = 600
    v2_passages: int = 6000
    v2_genres: int = 12
    v2_writers: int = 12
    v2_no_code_share: float = 0.5  # of body passages


@dataclass
class CheckReport:
    """Result of a corpus check: the problems found and the records that were readable."""

    records: list[Record] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    near_duplicates: list[tuple[str, str, float]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def corpus_files(path: str | Path) -> list[Path]:
    """The JSONL files of a corpus folder (sorted, test.jsonl included) or the single file given."""
    path = Path(path)
    if path.is_file():
        if path.suffix.lower() != ".jsonl":
            raise CorpusError("corpus.not_jsonl", path=str(path))
        return [path]
    if not path.is_dir():
        raise CorpusError("corpus.not_found", path=str(path))
    files = sorted(path.glob("*.jsonl"))
    if not files:
        raise CorpusError("corpus.no_files", path=str(path))
    return files


def _parse_line(raw: str, file: str, line: int, problems: list[str]) -> Record | None:
    where = f"{file}:{line}"
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        problems.append(f"{where}: invalid JSON ({exc.msg})")
        return None
    if not isinstance(obj, dict):
        problems.append(f"{where}: a line must be a JSON object")
        return None
    missing = [f for f in FIELDS if f not in obj]
    if missing:
        problems.append(f"{where}: missing field(s): {', '.join(missing)}")
        return None
    ok = True
    for f in ("id", "text", "setting", "style", "batch"):
        if not isinstance(obj[f], str):
            problems.append(f"{where}: field '{f}' must be a string")
            ok = False
    for f in ("labels", "breaches"):
        if not isinstance(obj[f], list) or not all(isinstance(c, str) for c in obj[f]):
            problems.append(f"{where}: field '{f}' must be a list of codes")
            ok = False
    if not ok:
        return None
    extra = {f: obj[f] for f in ("writer", "genre", "doc", "kind") if isinstance(obj.get(f), str) and obj[f]}
    extra.setdefault("writer", obj["batch"][:1])  # corpus v1: the batch letter is the writer
    extra.setdefault("doc", obj["id"])
    return Record(
        id=obj["id"], text=obj["text"], labels=tuple(obj["labels"]), breaches=tuple(obj["breaches"]),
        setting=obj["setting"], style=obj["style"], batch=obj["batch"], file=file, line=line, **extra,
    )


def read_records(path: str | Path, problems: list[str] | None = None) -> list[Record]:
    """Read every passage of a corpus folder or file. Malformed lines are reported in ``problems`` (or raise
    ``CorpusError`` when ``problems`` is None)."""
    collect = [] if problems is None else problems
    records: list[Record] = []
    from analyzer.io.documents import read_text

    for file in corpus_files(path):
        for number, raw in enumerate(read_text(file).splitlines(), start=1):
            if raw.strip():
                rec = _parse_line(raw, file.name, number, collect)
                if rec is not None:
                    records.append(rec)
    if problems is None and collect:
        raise CorpusError("corpus.malformed", problem=collect[0], n=len(collect))
    return records


def read_gold(path: str | Path) -> list[Record]:
    """Annotated passages to evaluate on: like :func:`read_records`, but an unknown code, a breach of an
    outcome or an empty file is an error (a gold file must say what it means)."""
    records = read_records(path)
    problems = [p for r in records for p in _record_problems(r) if "unknown code" in p or "cannot be breached" in p]
    if problems:
        raise CorpusError("corpus.malformed", problem=problems[0], n=len(problems))
    if not records:
        raise CorpusError("corpus.empty", path=str(path))
    return records


def load_split(path: str | Path, split: str) -> list[Record]:
    """The training ("train") or held-out ("test") passages of a corpus folder; a file path is used whole."""
    records = read_records(path)
    if Path(path).is_file():
        return records
    return [r for r in records if r.split == split]


def _record_problems(rec: Record) -> Iterable[str]:
    where = f"{rec.file}:{rec.line} ({rec.id})"
    for code in rec.labels:
        if code not in ALL_CODES:
            yield f"{where}: unknown code '{code}' in labels"
    for code in rec.breaches:
        if code not in PRINCIPLE_CODES:
            yield f"{where}: '{code}' cannot be breached (only principles P01-P16)"
    both = sorted(set(rec.labels) & set(rec.breaches))
    if both:
        yield f"{where}: {', '.join(both)} both applied and breached"
    if len(set(rec.labels)) != len(rec.labels) or len(set(rec.breaches)) != len(rec.breaches):
        yield f"{where}: a code is listed twice"
    if not rec.text.strip():
        yield f"{where}: empty text"
    elif len(rec.text) > MAX_CHARS:
        yield f"{where}: text is {len(rec.text)} characters (at most {MAX_CHARS})"
    if rec.setting not in SETTINGS:
        yield f"{where}: unknown setting '{rec.setting}'"
    if rec.style not in STYLES:
        yield f"{where}: unknown style '{rec.style}'"
    if not rec.id.strip() or not rec.batch.strip():
        yield f"{where}: empty id or batch"
    if rec.genre != V1_GENRE and rec.genre not in GENRES:
        yield f"{where}: unknown genre '{rec.genre}'"
    if rec.kind not in ("header", "body"):
        yield f"{where}: kind must be 'header' or 'body'"


def _fingerprint(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def near_duplicates(records: Sequence[Record], threshold: float = NEAR_DUPLICATE) -> list[tuple[str, str, float]]:
    """Pairs of passages whose character 3–5-gram TF-IDF cosine similarity is at least ``threshold``."""
    if len(records) < 2:
        return []
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=True).fit_transform(
        [r.text for r in records]
    )
    sims = (matrix @ matrix.T).tocoo()
    pairs = []
    mask = (sims.row < sims.col) & (sims.data >= threshold)
    for i, j, s in zip(sims.row[mask], sims.col[mask], sims.data[mask]):
        pairs.append((records[i].id, records[j].id, float(np.round(s, 3))))
    return sorted(pairs, key=lambda p: -p[2])


def _minimum_problems(records: Sequence[Record], mins: Minimums) -> Iterable[str]:
    n = len(records)
    if n < mins.passages:
        yield f"only {n} passages (at least {mins.passages})"
    applied = Counter(c for r in records for c in r.labels)
    for code in ALL_CODES:
        if applied[code] < mins.per_code:
            yield f"code {code} applied in {applied[code]} passages (at least {mins.per_code})"
    breached = Counter(c for r in records for c in r.breaches)
    enough = [c for c in PRINCIPLE_CODES if breached[c] >= mins.per_breach]
    if len(enough) < mins.breach_principles:
        yield (
            f"only {len(enough)} principles have at least {mins.per_breach} breach passages "
            f"(at least {mins.breach_principles} needed)"
        )
    no_code = sum(1 for r in records if not r.has_code)
    if no_code < mins.no_code:
        yield f"only {no_code} passages with no code (at least {mins.no_code})"
    settings = {r.setting for r in records}
    if len(settings) < mins.settings:
        yield f"only {len(settings)} settings (at least {mins.settings})"
    if n:
        informal = sum(1 for r in records if r.style in INFORMAL_STYLES) / n
        if informal < mins.informal_share:
            yield f"informal share is {informal:.0%} (at least {mins.informal_share:.0%})"
        test = sum(1 for r in records if r.split == "test") / n
        if test < mins.test_share:
            yield f"held-out test split is {test:.0%} of passages (at least {mins.test_share:.0%})"
    v2 = [r for r in records if r.is_v2]
    docs = {r.doc for r in v2}
    if len(docs) < mins.v2_documents:
        yield f"corpus v2 has {len(docs)} documents (at least {mins.v2_documents})"
    if len(v2) < mins.v2_passages:
        yield f"corpus v2 has {len(v2)} passages (at least {mins.v2_passages})"
    genres, writers = {r.genre for r in v2}, {r.writer for r in v2}
    if len(genres) < mins.v2_genres:
        yield f"corpus v2 has {len(genres)} genres (at least {mins.v2_genres})"
    if len(writers) < mins.v2_writers:
        yield f"corpus v2 has {len(writers)} writers (at least {mins.v2_writers})"
    body = [r for r in v2 if r.kind == "body"]
    if body:
        share = sum(1 for r in body if not r.has_code) / len(body)
        if share < mins.v2_no_code_share:
            yield f"corpus v2: {share:.0%} of body passages carry no code (at least {mins.v2_no_code_share:.0%})"


def split_problems(records: Sequence[Record]) -> Iterable[str]:
    """Split hygiene: a writing batch (v1) or a document (v2) lies wholly in training or in test, and every v2
    test document belongs to a held-out writer or a held-out genre (one with no passage in training)."""
    splits: dict[tuple[str, str], set[str]] = {}
    for rec in records:
        key = ("document", rec.doc) if rec.is_v2 else ("batch", rec.batch)
        splits.setdefault(key, set()).add(rec.split)
    for (label, key), found in sorted(splits.items()):
        if len(found) > 1:
            yield f"{label} '{key}' is split between training and test files"
    train_writers = {r.writer for r in records if r.is_v2 and r.split == "train"}
    train_genres = {r.genre for r in records if r.is_v2 and r.split == "train"}
    for doc in sorted({r.doc for r in records if r.is_v2 and r.split == "test"
                       and r.writer in train_writers and r.genre in train_genres}):
        yield (f"test document '{doc}': its writer and its genre both occur in training "
               "(the test split holds out whole writers or whole genres)")


def check_corpus(path: str | Path, minimums: Minimums | None = Minimums(),
                 threshold: float = NEAR_DUPLICATE) -> CheckReport:
    """Validate a corpus: schema, codes, text length, duplicate ids, exact and near-duplicate texts,
    split hygiene (a batch is either held out whole or not at all), and the minimum counts."""
    report = CheckReport()
    report.records = read_records(path, report.problems)
    records = report.records
    for rec in records:
        report.problems.extend(_record_problems(rec))
    ids = Counter(r.id for r in records)
    for dup, count in sorted(ids.items()):
        if count > 1:
            report.problems.append(f"duplicate id '{dup}' ({count} times)")
    by_text: dict[str, str] = {}
    exact: set[tuple[str, str]] = set()
    # Repeated headers and boilerplate ("Demikian laporan ini dibuat …") are normal in documents: corpus v2
    # passages without a code may repeat; a coded passage or any corpus v1 passage may not.
    long_enough = [r for r in records if len(r.text.split()) >= DUPLICATE_MIN_WORDS and (r.has_code or not r.is_v2)]
    for rec in long_enough:
        key = _fingerprint(rec.text)
        if key and key in by_text:
            report.problems.append(f"exact duplicate text: {by_text[key]} and {rec.id}")
            exact.add((by_text[key], rec.id))
        else:
            by_text.setdefault(key, rec.id)
    report.problems.extend(split_problems(records))
    from analyzer.text.redact import find_identifiers

    for rec in records:
        if find_identifiers(rec.text):
            report.problems.append(f"{rec.file}:{rec.line} ({rec.id}): contains a personal identifier; mask it")
    report.near_duplicates = [p for p in near_duplicates(long_enough, threshold) if p[:2] not in exact]
    for a, b, s in report.near_duplicates:
        report.problems.append(f"near-duplicate texts: {a} and {b} (similarity {s:.2f})")
    if minimums is not None:
        report.problems.extend(_minimum_problems(records, minimums))
    return report


def corpus_stats(records: Sequence[Record]) -> dict[str, dict[str, dict[str, int]]]:
    """Counts per code (applied and breached), setting, style and batch, by split (train/test/all)."""
    out: dict[str, dict[str, dict[str, int]]] = {
        "applied": {}, "breached": {}, "setting": {}, "style": {}, "batch": {}, "totals": {}, "genre": {},
        "writer": {},
    }

    def bump(table: str, key: str, split: str) -> None:
        row = out[table].setdefault(key, {"train": 0, "test": 0, "all": 0})
        row[split] += 1
        row["all"] += 1

    for code in ALL_CODES:
        out["applied"][code] = {"train": 0, "test": 0, "all": 0}
    for code in PRINCIPLE_CODES:
        out["breached"][code] = {"train": 0, "test": 0, "all": 0}
    for rec in records:
        split = rec.split
        for code in rec.labels:
            bump("applied", code, split)
        for code in rec.breaches:
            bump("breached", code, split)
        bump("setting", rec.setting, split)
        bump("style", rec.style, split)
        bump("batch", rec.batch, split)
        bump("genre", rec.genre, split)
        if rec.is_v2:
            bump("writer", rec.writer, split)
        bump("totals", "passages", split)
        if rec.is_v2:
            bump("totals", "v2_passages", split)
            if rec.kind == "body" and not rec.has_code:
                bump("totals", "v2_body_no_code", split)
        if not rec.has_code:
            bump("totals", "no_code", split)
        if len(rec.labels) + len(rec.breaches) > 1:
            bump("totals", "multi_code", split)
        if rec.breaches:
            bump("totals", "with_breach", split)
    return out


def stats_markdown(stats: dict) -> str:
    """The counts as Markdown tables (the datasheet in corpora/README.md embeds this output)."""
    from analyzer.codebook import ALL_CODES as _codes

    def table(title: str, rows: dict, key_header: str) -> list[str]:
        lines = [f"**{title}**", "", f"| {key_header} | train | test | all |", "|---|---:|---:|---:|"]
        for key, row in rows.items():
            lines.append(f"| {key} | {row['train']} | {row['test']} | {row['all']} |")
        return lines + [""]

    out: list[str] = []
    out += table("Totals", stats["totals"], "")
    out += table("Codes applied (passages)", {c: stats["applied"][c] for c in _codes}, "code")
    out += table("Principles breached (passages)", stats["breached"], "principle")
    out += table("Settings", dict(sorted(stats["setting"].items())), "setting")
    out += table("Styles", dict(sorted(stats["style"].items())), "style")
    out += table("Genres (v1: the corpus v1 passage bank)", dict(sorted(stats["genre"].items())), "genre")
    out += table("Corpus v2 writers (passages)", dict(sorted(stats["writer"].items())), "writer")
    return "\n".join(out).rstrip() + "\n"
