from __future__ import annotations

import json
import re

import click
import pytest
from click.testing import CliRunner

from analyzer import __version__
from analyzer.cli import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _all_commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    out = {}
    for name, cmd in group.commands.items():
        full = f"{prefix}{name}"
        out[full] = cmd
        if isinstance(cmd, click.Group):
            out.update(_all_commands(cmd, full + " "))
    return out


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_every_command_has_help_with_an_example_in_both_languages(runner):
    for name, cmd in _all_commands(cli).items():
        assert (cmd.help or "").strip(), f"{name} has no help text"
        for lang, example in (("id", "Contoh"), ("en", "Example")):
            result = runner.invoke(cli, name.split() + ["-h", "--lang", lang])
            assert result.exit_code == 0, name
            assert ("Penggunaan:" if lang == "id" else "Usage:") in result.output, (name, lang)
            if not isinstance(cmd, click.Group):
                assert example in result.output and f"analyzer {name}" in result.output, (name, lang)


def test_every_command_and_option_has_an_indonesian_help_text():
    """The help shown by default is Indonesian: every command and option has its entry in data/help.id.yaml,
    and no entry names a command or option that does not exist."""
    from analyzer.cli.language import indonesian_help

    expected = {"cli", "cli.version", "cli.help"}
    for name, cmd in _all_commands(cli).items():
        key = name.replace(" ", ".")
        expected.add(key)
        expected |= {f"{key}.{p.name}" for p in cmd.params if isinstance(p, click.Option)}
    have = set(indonesian_help())
    assert sorted(expected - have) == [], "missing Indonesian help"
    assert sorted(have - expected) == [], "Indonesian help for options that do not exist"


def test_usage_errors_exit_1_in_the_users_language(runner):
    result = runner.invoke(cli, ["review", "--bogus"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "Error: Tidak ada opsi '--bogus'."
    result = runner.invoke(cli, ["review", "--bogus", "--lang", "en"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "Error: No such option '--bogus'."
    result = runner.invoke(cli, ["report", "x", "--format", "pdf"])
    assert result.exit_code == 1 and "bukan salah satu dari" in result.output


def test_every_command_is_documented_in_readme(repo_root):
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    for name in _all_commands(cli):
        assert re.search(rf"`analyzer {re.escape(name)}\b", readme), f"README does not document 'analyzer {name}'"


def test_codebook_json_in_both_languages(runner):
    en = json.loads(runner.invoke(cli, ["codebook", "--format", "json", "--lang", "en"]).output)
    idn = json.loads(runner.invoke(cli, ["codebook", "--format", "json"]).output)
    assert [c["code"] for c in en["codes"]][:3] == ["P01", "P02", "P03"]
    assert en["codes"][10]["name"] == "Empathy" and idn["codes"][10]["name"] == "Empati"
    assert len(en["intake_modes"]) == 3


def test_codebook_table_lists_all_codes(runner):
    result = runner.invoke(cli, ["codebook"])
    assert result.exit_code == 0
    for code in ("P01", "P16", "E1", "E4"):
        assert code in result.output
    assert "Empati" in result.output


def test_codebook_error_is_clean(runner, tmp_path, codebook_raw, write_codebook):
    codebook_raw["codes"][1]["group"] = "lain"
    path = write_codebook(codebook_raw)
    result = runner.invoke(cli, ["codebook", "--codebook", str(path), "--lang", "en"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: codebook entry P02: unknown group 'lain'. Use one of: principle, engagement_outcome.\n"
    )
    result = runner.invoke(cli, ["codebook", "--codebook", str(path)])
    assert result.output.startswith("Error: entri codebook P02: group 'lain' tidak dikenal.")


def test_segment_json_offsets(runner, tmp_path):
    note = "Nama klien: Ibu R\n\nSy sdh dtg ke rumah. Ibu R menyambut."
    path = tmp_path / "n.txt"
    path.write_text(note, encoding="utf-8")
    data = json.loads(runner.invoke(cli, ["segment", str(path), "--format", "json"]).output)
    assert [p["kind"] for p in data["passages"]] == ["header", "body"]
    for p in data["passages"]:
        assert note[p["start"] : p["end"]] == p["text"]
    assert data["passages"][1]["tokens"][:3] == ["saya", "sudah", "datang"]


def test_segment_stdin(runner):
    result = runner.invoke(cli, ["segment", "-", "--format", "json"], input="Sy dtg.\n\nIbu senang.")
    assert result.exit_code == 0
    assert len(json.loads(result.output)["passages"]) == 2


def test_segment_table_shows_passages(runner, tmp_path):
    path = tmp_path / "n.txt"
    path.write_text("Tujuan: asesmen\n\nSaya mendengarkan Ibu R.", encoding="utf-8")
    result = runner.invoke(cli, ["segment", str(path), "--lang", "en"])
    assert result.exit_code == 0
    assert "header" in result.output and "body" in result.output and "mendengarkan" in result.output


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "Error: file {p} is empty; there is no note text to process.\n"),
        (b"\x00\x01\x02\x03\xff\xfe\x00\x00\x10\x11" * 50, "Error: file {p} looks binary, not text. Save the note as .txt or .md (UTF-8).\n"),
    ],
)
def test_segment_bad_files(runner, tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = runner.invoke(cli, ["segment", str(path), "--lang", "en"])
    assert result.exit_code == 1
    assert result.output == message.format(p=path)


def test_segment_missing_file_in_indonesian(runner, tmp_path):
    result = runner.invoke(cli, ["segment", str(tmp_path / "x.txt")])
    assert result.exit_code == 1
    assert result.output == f"Error: berkas tidak ditemukan: {tmp_path / 'x.txt'}.\n"


def test_segment_utf16_and_cp1252(runner, tmp_path):
    text = "Ibu R berkata “terima kasih” — café."
    for enc, bom in (("utf-16-le", b"\xff\xfe"), ("cp1252", b"")):
        path = tmp_path / f"{enc}.txt"
        path.write_bytes(bom + text.encode(enc))
        data = json.loads(runner.invoke(cli, ["segment", str(path), "--format", "json"]).output)
        assert data["passages"][0]["text"] == text
