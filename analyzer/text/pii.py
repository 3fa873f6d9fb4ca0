"""Personal identifiers in Indonesian session notes: find them and mask them.

Recognisers (all tables are data files under ``data/pii/``):

- structured identifiers by pattern (``patterns.tsv``): NIK and KK with any separators, phone numbers, e-mail,
  bank accounts, BPJS/KIS, NISN, NPWP, vehicle plates, case and register numbers;
- header fields ("Nama:", "Alamat:", "Tempat/tgl lahir:", "Sekolah:");
- names: an honorific (``honorifics.txt``: Ibu, Pak, Sdr., An., Mbak, …) followed by capitalised words, unless
  the word names a role (``not_names.txt``: "Bu Kades", "Pak RT"); a common given name (``given_names.txt``)
  with the capitalised words after it; and every later occurrence in the same text of a name word found so
  far. Initials as written ("Ibu S", "An. R", "Sdr. AB") are already pseudonyms and are kept;
- street addresses (Jl./Gg./Komp. … with No., RT/RW, Dusun, Desa/Kel., Kec., Kab./Kota) and chains of two or
  more administrative units; birth dates after "lahir"; names of schools and workplaces.

Masking replaces each identifier with a typed placeholder (``[NIK]``, ``[ALAMAT]``, …); names get numbered
pseudonyms that stay the same within one text (``[NAMA-1]`` is always the same person), so a supervisor can
still follow a case. Modes: ``all`` (everything above), ``ids`` (structured identifiers and birth dates only)
and ``none``.

>>> mask("Ibu Siti Rahmawati (NIK 32.04.12.300987.0005) tinggal di Jl. Melati No. 4 RT 02/RW 05. Siti datang.")
'Ibu [NAMA-1] (NIK [NIK]) tinggal di [ALAMAT]. [NAMA-1] datang.'
>>> mask("Bu Kades dan Pak RT hadir; Ibu S menerima Rp1.500.000 pada 12/05/2026.")
'Bu Kades dan Pak RT hadir; Ibu S menerima Rp1.500.000 pada 12/05/2026.'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

MODES = ("all", "ids", "none")
NAME_KINDS = frozenset({"NAMA", "ALAMAT", "SEKOLAH"})  # masked in mode "all" only
# Which kind wins where two recognisers overlap (lower first).
PRIORITY = {k: i for i, k in enumerate((
    "EMAIL", "KK", "NPWP", "NIK", "BPJS", "NISN", "NO_REK", "TELEPON", "PLAT", "NO_KASUS", "TGL_LAHIR",
    "ALAMAT", "SEKOLAH", "NAMA"))}


@dataclass(frozen=True)
class Span:
    """One identifier: its kind and character offsets (``text[start:end]``)."""

    kind: str
    start: int
    end: int


def _lines(name: str) -> list[str]:
    from importlib import resources

    raw = resources.files("analyzer").joinpath(f"data/pii/{name}").read_text(encoding="utf-8")
    return [line.rstrip("\n") for line in raw.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _tables():
    patterns = []
    for line in _lines("patterns.tsv"):
        kind, triggers, rx = line.split("\t", 2)
        patterns.append((kind.strip(), tuple(t for t in triggers.split(",") if t), re.compile(rx.strip())))
    honorifics = frozenset(h.strip() for h in _lines("honorifics.txt"))
    not_names = frozenset(w.strip() for w in _lines("not_names.txt"))
    given = frozenset(w.strip() for w in _lines("given_names.txt"))
    return patterns, not_names, given, honorifics


_HEADER = re.compile(
    r"(?im)^[ \t]*(?:[-•*][ \t]*)?(?P<key>nama(?:[ \t]+(?:lengkap|klien|anak|ibu|ayah|kepala keluarga|pelapor|"
    r"terlapor|korban|wali|pasien|kpm|residen|suami|istri|orang tua))?|siswa|murid|kepala keluarga|identitas anak|"
    r"pelapor|terlapor|ayah|ibu|wali|pasien|klien|anak|alamat(?:[ \t]+(?:rumah|domisili|lengkap|"
    r"asal|tinggal))?|tempat[ \t]*(?:/|,|dan)?[ \t]*(?:tgl\.?|tanggal)[ \t]*lahir|ttl|tgl\.?[ \t]*lahir|"
    r"tanggal[ \t]+lahir|(?:asal[ \t]+|nama[ \t]+)?sekolah|tempat[ \t]+kerja)[ \t]*:[ \t]*(?P<value>[^\n]+?)[ \t]*$")
_BIRTH = re.compile(
    r"(?i:\b(?:lahir|lhr|ttl)\b(?:[ \t]+(?:di|pada|tanggal|tgl\.?))*[ \t:,]*)(?P<id>(?:[A-Z][a-z]+,?[ \t]+)?"
    r"\d{1,2}[ \t./-]+(?:\d{1,2}|[A-Za-z]{3,9})[ \t./-]+\d{2,4})")
_SCHOOL = re.compile(
    r"(?<![\w])(?:SDN|SD Negeri|SD|SMPN|SMP Negeri|SMP|SMAN|SMA Negeri|SMA|SMKN|SMK Negeri|SMK|MIN|MI|MTsN|MTs|"
    r"MAN|MA|SLB(?:N)?|TK|PAUD|PT|CV|UD|Yayasan|Pondok Pesantren|Ponpes|Koperasi|Bengkel|Politeknik|Universitas|"
    r"Akademi|Institut|Gudang|Pabrik|Toko)\.?[ \t]+(?:Negeri[ \t]+)?"
    r"(?:[A-Z][\w'’-]*|\d{1,3})(?:[ \t]+(?:[A-Z][\w'’-]*|\d{1,3}))*")
_UNIT = (r"(?:Dusun|Dsn\.?|Desa|Ds\.?|Kel(?:urahan|\.)|Kec(?:amatan|\.)|Kab(?:upaten|\.)|Kota|Jorong|Nagari|Gampong|"
         r"Banjar|Kp\.?|Kampung|Lingkungan|Ling\.|Dukuh|Dk\.|Kampong|Padukuhan|Kalurahan|Kapanewon|Kemantren)")
_UNIT_NAME = _UNIT + r"[ \t]+(?!(?:RT|RW|No)\b)[A-Z][\w'’-]*(?:[ \t]+(?!(?:RT|RW|No|Desa|Kel|Kec|Kab|Kota)\b)[A-Z][\w'’-]*){0,2}"
_RTRW = r"RT\.?[ \t]*\d{1,3}(?:[ \t]*[/,]?[ \t]*(?:RW\.?[ \t]*)?\d{1,3})?(?![\d/])"
_STREET = (r"(?:Jl\.?|Jln\.?|Jalan|Gg\.?|Gang|Komp(?:lek|\.)|Perum(?:ahan)?|Blok|Lr\.?|Lorong)[ \t]+"
           r"(?!(?:No|Nomor|RT|RW|Gg|Gang|Blok)\b)[A-Z0-9][\w'’-]*"
           r"(?:[ \t]+(?!(?:No|Nomor|RT|RW|Gg|Gang|Blok|Desa|Kel|Kec|Kab|Kota)\b)[A-Z0-9][\w'’-]*){0,4}")
_NUMBER = r"(?:No\.?|Nomor|Km\.?|Lr\.?|Blok)[ \t]*\d+(?:[,.]\d+)?[A-Za-z]?"
_ELEMENT = "(?:" + "|".join((_STREET, _UNIT_NAME, _RTRW, _NUMBER)) + ")"
# A chain of address elements; one element alone counts only when it is a street (see _names_addresses_schools).
_ADDRESS = re.compile(_ELEMENT + r"(?:,?[ \t]*" + _ELEMENT + r")*")
_STREET_ONLY = re.compile(_STREET + r"$")
_DIGIT = re.compile(r"\d")
_LONG_NUMBER = re.compile(r"\d(?:[ .-]?\d){9}")
_PLATE_HINT = re.compile(r"[A-Z] \d{1,4} [A-Z]")
_BIRTH_WORDS = ("lahir", "lhr", "ttl")
_INITIALS = re.compile(r"^(?:[A-Z]\.?){1,3}$|^(?:[A-Z]\.)+[A-Z]?\.?$")


def _is_initials(value: str) -> bool:
    words = value.replace(",", " ").split()
    return bool(words) and all(_INITIALS.match(w) for w in words)


def find(text: str, mode: str = "all") -> list[Span]:
    """The identifiers in ``text`` for a masking mode, sorted and without overlaps."""
    if mode == "none" or not text:
        return []
    patterns, not_names, _, honorifics = _tables()
    found: list[Span] = []

    def add(kind: str, start: int, end: int) -> None:
        if end > start:
            found.append(Span(kind, start, end))

    lower = text.lower()
    digit = _DIGIT.search(text) is not None
    hints = {"@": "@" in text, "#long": digit and _LONG_NUMBER.search(text) is not None,
             "#plate": digit and _PLATE_HINT.search(text) is not None}
    for kind, triggers, rx in patterns:
        if not (digit or kind == "EMAIL"):
            continue
        if any(hints.get(t, False) for t in triggers):
            matches = rx.finditer(text)  # a rare hint held: scan the whole text
        else:
            matches = _near_keywords(text, lower, tuple(t for t in triggers if t not in hints), rx)
        for m in matches:
            if m.groupdict().get("id") is not None:
                add(kind, m.start("id"), m.end("id"))
            else:
                add(kind, m.start(), m.end())
    if digit:
        for m in _near_keywords(text, lower, _BIRTH_WORDS, _BIRTH):
            add("TGL_LAHIR", m.start("id"), m.end("id"))
    for m in (_HEADER.finditer(text) if ":" in text else ()):
        key, value = m.group("key").lower(), m.group("value")
        kind = ("NAMA" if key.startswith("nama") and "sekolah" not in key else "ALAMAT" if key.startswith("alamat")
                else "SEKOLAH" if "sekolah" in key or "kerja" in key else "TGL_LAHIR")
        if kind == "NAMA":
            value_start = m.start("value")
            for part in re.finditer(r"[^,(/]+", value):
                words = part.group().strip()
                if words and not _is_initials(_strip_honorific(words, honorifics)) and any(c.islower() for c in words):
                    offset = value_start + part.start() + (len(part.group()) - len(part.group().lstrip()))
                    lead = len(words) - len(_strip_honorific(words, honorifics))
                    add(kind, offset + lead, offset + len(words))
                break  # the name is the first part ("Siti Aminah (34 th)")
        else:
            add(kind, m.start("value"), m.end("value"))
    if mode == "all":
        names = _names_addresses_schools(text, add)
        for span in found:
            if span.kind == "NAMA":  # from a header field
                names.update(w for w in text[span.start:span.end].split() if len(w) > 2 and w[0].isupper())
        names = {n for n in names if n.lower() not in not_names and n.lower() not in honorifics}
        if names:  # every later mention of a name word found so far
            for m in _TOKEN.finditer(text):
                if m.group() in names:
                    add("NAMA", m.start(), m.end())
    else:
        found = [s for s in found if s.kind not in NAME_KINDS]
    return _resolve(found)


_TOKEN = re.compile(r"[A-Z](?<![\w.][A-Z])[\w'’-]*")  # capitalised tokens: every name, address and school starts with one
_WORD = r"[A-Z][a-z'’]+(?:-[A-Za-z][a-z'’]+)?"
_NAME_RUN = re.compile(r"(?:(?:I|Ni)[ \t]+)?" + _WORD + r"(?:[ \t]+(?:(?:bin|binti|br\.|boru)[ \t]+)?(?:" + _WORD
                       + r"|Muh\.|M\.)){0,4}")
_PREVIOUS_WORD = re.compile(r"(?<![\w.])([A-Za-z]{1,8})\.?[ \t]+$")
_ADDRESS_START = frozenset(w.rstrip(".") for w in (
    "Jl", "Jln", "Jalan", "Gg", "Gang", "Komp", "Komplek", "Perum", "Perumahan", "Blok", "Lr", "Lorong", "RT",
    "Dusun", "Dsn", "Desa", "Ds", "Kel", "Kelurahan", "Kec", "Kecamatan", "Kab", "Kabupaten", "Kota", "Jorong",
    "Nagari", "Gampong", "Banjar", "Kp", "Kampung", "Lingkungan", "Dukuh", "Dk", "Padukuhan", "Kalurahan",
    "Kapanewon", "Kemantren"))
_SCHOOL_START = frozenset(("SDN", "SD", "SMPN", "SMP", "SMAN", "SMA", "SMKN", "SMK", "MIN", "MI", "MTsN", "MTs",
                           "MAN", "MA", "SLB", "SLBN", "TK", "PAUD", "PT", "CV", "UD", "Yayasan", "Pondok", "Ponpes",
                           "Koperasi", "Bengkel", "Politeknik", "Universitas", "Akademi", "Institut", "Gudang",
                           "Pabrik", "Toko"))


def _names_addresses_schools(text: str, add) -> set[str]:
    """One scan over the capitalised tokens: a token that starts an address or a school name anchors that
    pattern; a common given name, or any capitalised word after an honorific, starts a name (until a role word).
    Returns the name words found."""
    _, not_names, given, honorifics = _tables()
    names: set[str] = set()
    skip_to = 0
    for m in _TOKEN.finditer(text):
        start, token = m.start(), m.group()
        if start < skip_to:
            continue
        bare = token.rstrip(".")
        if bare in _ADDRESS_START:
            a = _ADDRESS.match(text, start)
            if a and (_STREET_ONLY.match(a.group()) or not _single_element(a.group())):
                add("ALAMAT", a.start(), a.end())
                skip_to = a.end()
                continue
        if bare in _SCHOOL_START:
            sc = _SCHOOL.match(text, start)
            if sc:
                add("SEKOLAH", sc.start(), sc.end())
                skip_to = sc.end()
                continue
        lower = token.lower()
        if lower in honorifics or lower in not_names:
            continue
        before = _PREVIOUS_WORD.search(text, max(0, start - 12), start)
        after_honorific = bool(before) and before.group(1).lower() in honorifics
        if not (after_honorific or lower in given):
            continue
        run = _NAME_RUN.match(text, start)
        if not run:
            continue
        kept = []
        for w in run.group().split():
            if w.lower() in not_names or w.lower() in honorifics:
                break
            kept.append(w)
        if kept:
            end = _end_of(text, start, kept)
            add("NAMA", start, end)
            names.update(w for w in kept if len(w) > 2)
            skip_to = end
    return names


def _single_element(address: str) -> bool:
    return _ELEMENT_RE.fullmatch(address) is not None


_ELEMENT_RE = re.compile(_ELEMENT)


_WINDOW_BEFORE, _WINDOW_AFTER = 12, 90


@lru_cache(maxsize=64)
def _keyword_finder(keywords: tuple) -> "re.Pattern":
    return re.compile("|".join(re.escape(k) for k in sorted(keywords, key=len, reverse=True)))


def _near_keywords(text: str, lower: str, keywords, rx) -> list:
    """Matches of ``rx`` inside small windows around each occurrence of one of ``keywords`` (lower-case
    substrings): a keyword pattern is only run near its keywords, not over the whole text."""
    out, seen = [], set()
    if not keywords:
        return out
    for k in _keyword_finder(tuple(keywords)).finditer(lower):
        i, limit = k.start(), min(len(text), k.start() + _WINDOW_AFTER)
        m = rx.search(text, max(0, i - _WINDOW_BEFORE), limit)
        while m is not None:
            if m.span() not in seen:
                seen.add(m.span())
                out.append(m)
            m = rx.search(text, m.end(), limit) if m.end() > m.start() else None
    return out


def _strip_honorific(words: str, honorifics: frozenset) -> str:
    first, _, rest = words.partition(" ")
    return rest.strip() if first.rstrip(".").lower() in honorifics and rest.strip() else words


def _end_of(text: str, start: int, kept: list[str]) -> int:
    end = start
    for w in kept:
        end = text.index(w, end) + len(w)
    return end


def _resolve(spans: Iterable[Span]) -> list[Span]:
    """Drop spans overlapping a stronger one (priority, then longer, then earlier); merge same-kind touches."""
    ordered = sorted(spans, key=lambda s: (PRIORITY.get(s.kind, 99), -(s.end - s.start), s.start))
    taken: list[Span] = []
    for s in ordered:
        if all(s.end <= t.start or s.start >= t.end for t in taken):
            taken.append(s)
        else:
            # a weaker span that only sticks out beyond a stronger one of the same kind extends it
            for i, t in enumerate(taken):
                if t.kind == s.kind and s.start < t.end and s.end > t.start:
                    taken[i] = Span(t.kind, min(s.start, t.start), max(s.end, t.end))
                    break
    taken.sort(key=lambda s: s.start)
    merged: list[Span] = []
    for s in taken:
        if merged and merged[-1].kind == s.kind and merged[-1].end >= s.start:
            merged[-1] = Span(s.kind, merged[-1].start, max(merged[-1].end, s.end))
        else:
            merged.append(s)
    return merged


class Pseudonyms:
    """Numbered placeholders for names, stable within one text or note: a name and any of its words (a first
    name used alone later) share a number."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def label(self, kind: str, value: str) -> str:
        if kind != "NAMA":
            return f"[{kind}]"
        words = [w.lower() for w in value.split()]
        for w in words:
            if w in self.numbers:
                number = self.numbers[w]
                break
        else:
            number = len(set(self.numbers.values())) + 1
        for w in words:
            self.numbers.setdefault(w, number)
        return f"[NAMA-{number}]"


def mask_spans(text: str, spans: Sequence[Span], start: int = 0, end: int | None = None,
               pseudonyms: Pseudonyms | None = None) -> str:
    """``text[start:end]`` with the spans inside it (clipped to it) replaced by their placeholders."""
    end = len(text) if end is None else end
    pseudonyms = pseudonyms if pseudonyms is not None else Pseudonyms()
    out, pos = [], start
    for s in spans:
        if s.end <= start or s.start >= end:
            continue
        a, b = max(s.start, start), min(s.end, end)
        out.append(text[pos:a])
        out.append(pseudonyms.label(s.kind, text[s.start:s.end]))
        pos = b
    out.append(text[pos:end])
    return "".join(out)


def mask(text: str, mode: str = "all", pseudonyms: Pseudonyms | None = None) -> str:
    """``text`` with its identifiers masked (see the module docstring)."""
    if mode not in MODES:
        raise ValueError(f"unknown redaction mode {mode!r}")
    return mask_spans(text, find(text, mode), pseudonyms=pseudonyms) if mode != "none" else text
