"""Project-level checks: the README quick start and CI stay in step."""

from __future__ import annotations

import re


def _quick_start(readme: str) -> list[str]:
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for line in re.findall(r"```(?:bash|sh)?\n(.*?)```", section, flags=re.S)[0].splitlines() if line.strip()]


def test_quick_start_is_exactly_two_commands(repo_root):
    commands = _quick_start((repo_root / "README.md").read_text(encoding="utf-8"))
    assert len(commands) == 2
    assert commands[0].startswith("pip install") and "analyzer" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command(repo_root):
    test_command = _quick_start((repo_root / "README.md").read_text(encoding="utf-8"))[1]
    ci = (repo_root / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_no_pickle_or_joblib_persistence(repo_root):
    for path in (repo_root / "analyzer").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "import pickle" not in source and "joblib.dump" not in source and "joblib.load" not in source, path


def test_readme_layout_names_every_module_and_only_real_ones(repo_root):
    """The README's layout section matches the package tree: every module is named under its subpackage, and
    every ``name.py`` it mentions exists."""
    import re

    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Repository layout"):readme.index("## Benchmarks")]
    package = repo_root / "analyzer"
    modules = [p.relative_to(package) for p in package.rglob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    bullets = {m.group(1): m.group(2) for m in re.finditer(r"^  - `(\w+)/` — (.*?)(?=^  - |^- |\Z)", section, re.S | re.M)}
    for module in modules:
        text = bullets.get(module.parts[0], "") if len(module.parts) > 1 else section
        assert f"`{module.name}`" in text or f"`{module.name} " in text or f"{module.name}`" in text, module
    package_part = section[:section.index("- `docs/")]
    for named in set(re.findall(r"`([a-z_]+\.py)", package_part)):
        assert any(m.name == named for m in modules), named
