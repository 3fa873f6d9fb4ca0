"""Load and validate the codebook (``analyzer/data/codebook.yaml``) into frozen dataclasses.

>>> cb = load_codebook()
>>> cb["P10"].name_en
'Active and responsive listening'
>>> len(cb.principles), len(cb.outcomes)
(16, 4)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from analyzer.errors import CodebookError
from analyzer.resources import DEFAULT_CODEBOOK

PRINCIPLE_CODES: tuple[str, ...] = tuple(f"P{i:02d}" for i in range(1, 17))
OUTCOME_CODES: tuple[str, ...] = ("E1", "E2", "E3", "E4")
ALL_CODES: tuple[str, ...] = PRINCIPLE_CODES + OUTCOME_CODES
GROUPS = {"principle": PRINCIPLE_CODES, "engagement_outcome": OUTCOME_CODES}
INTAKE_KEYS = ("voluntary", "involuntary", "reaching_out")

_STR_FIELDS = (
    "code", "group", "name_id", "name_en", "definition_id", "definition_en",
    "reflection_prompt_id", "reflection_prompt_en", "source",
)
_LIST_FIELDS = ("indicators_id", "breach_indicators_id")
_INDICATORS_MIN, _INDICATORS_MAX = 4, 8


@dataclass(frozen=True)
class Code:
    """One codebook entry: a principle (P01–P16) or an engagement outcome (E1–E4)."""

    code: str
    group: str
    name_id: str
    name_en: str
    definition_id: str
    definition_en: str
    indicators_id: tuple[str, ...]
    breach_indicators_id: tuple[str, ...]
    reflection_prompt_id: str
    reflection_prompt_en: str
    source: str

    @property
    def is_principle(self) -> bool:
        return self.group == "principle"

    def name(self, lang: str = "id") -> str:
        return self.name_en if lang == "en" else self.name_id

    def definition(self, lang: str = "id") -> str:
        return self.definition_en if lang == "en" else self.definition_id

    def reflection_prompt(self, lang: str = "id") -> str:
        return self.reflection_prompt_en if lang == "en" else self.reflection_prompt_id


@dataclass(frozen=True)
class IntakeMode:
    """One way a client comes to the service (context for reports)."""

    key: str
    name_id: str
    name_en: str
    description_id: str
    description_en: str
    source: str

    def name(self, lang: str = "id") -> str:
        return self.name_en if lang == "en" else self.name_id


@dataclass(frozen=True)
class Codebook:
    """The validated codebook: codes in fixed order (P01–P16, E1–E4) and the intake modes."""

    codes: tuple[Code, ...]
    intake_modes: tuple[IntakeMode, ...]
    version: int = 1

    def __getitem__(self, code: str) -> Code:
        for entry in self.codes:
            if entry.code == code:
                return entry
        raise KeyError(code)

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def principles(self) -> tuple[Code, ...]:
        return tuple(c for c in self.codes if c.is_principle)

    @property
    def outcomes(self) -> tuple[Code, ...]:
        return tuple(c for c in self.codes if not c.is_principle)


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Read and validate a codebook YAML file (default: the shipped ``analyzer/data/codebook.yaml``)."""
    import yaml

    path = Path(path) if path is not None else DEFAULT_CODEBOOK
    if not path.is_file():
        raise CodebookError("codebook.missing", path=str(path))
    from analyzer.io.documents import read_text

    text = read_text(path)
    try:
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise CodebookError("codebook.not_yaml", path=str(path), detail=str(exc).splitlines()[0]) from None
    return parse_codebook(raw, source=str(path))


def parse_codebook(raw: object, source: str = "codebook") -> Codebook:
    """Validate already-parsed YAML data; every problem names the entry and field."""
    if not isinstance(raw, dict) or not isinstance(raw.get("codes"), list):
        raise CodebookError("codebook.no_codes", path=source)
    codes: list[Code] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw["codes"], start=1):
        codes.append(_parse_code(entry, index, seen))
    missing = [c for c in ALL_CODES if c not in seen]
    if missing:
        raise CodebookError("codebook.missing_codes", codes=", ".join(missing))
    order = {c: i for i, c in enumerate(ALL_CODES)}
    codes.sort(key=lambda c: order[c.code])
    modes = tuple(_parse_intake(m, i) for i, m in enumerate(raw.get("intake_modes") or [], start=1))
    keys = [m.key for m in modes]
    if sorted(keys) != sorted(INTAKE_KEYS):
        raise CodebookError("codebook.intake_modes", expected=", ".join(INTAKE_KEYS), found=", ".join(keys) or "-")
    return Codebook(codes=tuple(codes), intake_modes=modes, version=int(raw.get("version", 1)))


def _parse_code(entry: object, index: int, seen: set[str]) -> Code:
    if not isinstance(entry, dict):
        raise CodebookError("codebook.entry_not_mapping", entry=f"#{index}")
    label = str(entry.get("code") or f"#{index}")
    for field in _STR_FIELDS:
        value = entry.get(field)
        if value is None:
            raise CodebookError("codebook.field_missing", entry=label, field=field)
        if not isinstance(value, str) or not value.strip():
            raise CodebookError("codebook.field_empty", entry=label, field=field)
    for field in _LIST_FIELDS:
        value = entry.get(field)
        if value is None:
            raise CodebookError("codebook.field_missing", entry=label, field=field)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise CodebookError("codebook.field_not_list", entry=label, field=field)
    code, group = entry["code"], entry["group"]
    if group not in GROUPS:
        raise CodebookError("codebook.unknown_group", entry=label, group=group, groups=", ".join(GROUPS))
    if code not in ALL_CODES:
        raise CodebookError("codebook.unknown_code", entry=label, codes=", ".join(ALL_CODES))
    if code not in GROUPS[group]:
        raise CodebookError("codebook.wrong_group", entry=label, group=group)
    if code in seen:
        raise CodebookError("codebook.duplicate_code", entry=label)
    seen.add(code)
    n = len(entry["indicators_id"])
    if not _INDICATORS_MIN <= n <= _INDICATORS_MAX:
        raise CodebookError("codebook.indicator_count", entry=label, n=n, lo=_INDICATORS_MIN, hi=_INDICATORS_MAX)
    if group == "engagement_outcome" and entry["breach_indicators_id"]:
        raise CodebookError("codebook.outcome_breach", entry=label)
    return Code(
        **{f: entry[f].strip() for f in _STR_FIELDS},
        **{f: tuple(v.strip() for v in entry[f]) for f in _LIST_FIELDS},
    )


def _parse_intake(entry: object, index: int) -> IntakeMode:
    if not isinstance(entry, dict):
        raise CodebookError("codebook.entry_not_mapping", entry=f"intake_modes #{index}")
    label = str(entry.get("key") or f"intake_modes #{index}")
    fields = ("key", "name_id", "name_en", "description_id", "description_en", "source")
    for field in fields:
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            raise CodebookError("codebook.field_missing", entry=label, field=field)
    return IntakeMode(**{f: entry[f].strip() for f in fields})
