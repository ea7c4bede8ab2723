"""Nothing silently dropped: what the build does not read is listed, counted, and --strict."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivekg.cli import main

ARTICLES = Path(__file__).parent / "data" / "articles"
GLASS = ARTICLES / "glass-meridian.txt"


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_the_summary_counts_the_lines_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`drivekg build` says how many lines it did not read, and where they are listed."""
    out = tmp_path / "out"
    assert main(["build", str(GLASS), "--out", str(out)]) == 0
    assert f"  3 line(s) not read (listed in {out}/report.md)" in capsys.readouterr().out


def test_the_report_lists_each_line_with_its_reason(tmp_path: Path) -> None:
    """report.md's "Not read" section has a row per line (or part) with the reason."""
    out = tmp_path / "out"
    assert main(["build", str(GLASS), "--out", str(out)]) == 0
    report = (out / "report.md").read_text(encoding="utf-8")
    section = report.split("## Not read", 1)[1].split("## Validation", 1)[0]
    assert "| 14 | `Cornish` | a language the conventions do not list |" in section
    assert "| 16 | `(Executive producer, strings)` |" in section
    assert "| 23 | `- Misc: Singles from Glass Meridian` |" in section


def test_strict_turns_each_into_an_error_and_leaves_out_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--strict: one `file:line:` error line per thing not read, exit 2, out/ as it was."""
    out = tmp_path / "out"
    assert main(["build", "--out", str(out)]) == 0
    before = tree(out)
    capsys.readouterr()
    assert main(["build", str(GLASS), "--out", str(out), "--strict"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert [line.split(": not read: ")[0].rsplit(":", 1)[1] for line in err] == ["14", "16", "23"]
    assert all(line.startswith("drivekg: ") and f"{GLASS.name}:" in line for line in err)
    assert tree(out) == before


def test_strict_passes_the_drive_article(tmp_path: Path) -> None:
    """The bundled article has nothing the build does not read."""
    assert main(["build", "--out", str(tmp_path / "out"), "--strict"]) == 0


def test_a_conventions_file_reads_what_was_not_read(tmp_path: Path) -> None:
    """--conventions FILE: a language and a field made readable, so --strict passes."""
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[languages]\n"cornish" = "kw"\n\n[infobox.Misc]\nreads = "display"\n\n'
        '[infobox.Producer]\nreads = "names"\nproperty = "schema:producer"\n',
        encoding="utf-8",
    )
    text = GLASS.read_text(encoding="utf-8").replace(" (Executive producer, strings)", "")
    article = tmp_path / "glass.txt"
    article.write_text(text, encoding="utf-8")
    argv = ["build", str(article), "--out", str(tmp_path / "out"), "--strict"]
    assert main([*argv, "--conventions", str(mine)]) == 0


def test_a_mistake_in_a_conventions_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad conventions file: `file:line: what is wrong`, exit 2."""
    mine = tmp_path / "mine.toml"
    mine.write_text('[infobox.Composer]\nreads = "persons"\nproperty = "schema:producer"\n')
    assert (
        main(["build", str(GLASS), "--out", str(tmp_path / "o"), "--conventions", str(mine)]) == 2
    )
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("drivekg: ") and "mine.toml:1: " in line and "persons" in line
