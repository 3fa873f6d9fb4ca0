"""Shared by the benchmark scripts: replace (or append) one marked section of benchmarks/RESULTS.md."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(name: str, section_lines: list[str], path: Path = RESULTS) -> str:
    """Put ``section_lines`` between ``<!-- name:start -->`` and ``<!-- name:end -->`` in RESULTS.md."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    section = "\n".join([start, *section_lines, end])
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if start in text:
        head, rest = text.split(start, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
    return section


def publish(name: str, section_lines: list[str], write: bool = True) -> None:
    """Print a benchmark's section and, unless ``write`` is false (``--no-write``), record it in RESULTS.md."""
    print("\n".join(section_lines))
    if write:
        write_section(name, section_lines)
