"""Bad input never crashes: every mutation of the article builds or fails with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivekg.cli import main
from drivekg.errors import SourceError
from drivekg.iris import DEFAULT_BASE
from drivekg.pipeline import build

from .conftest import ARTICLE, CLAIMS

LINES = ARTICLE.read_text(encoding="utf-8").splitlines()
JUNK = ["| a |", "- Stray: item", "== ==", "  - caption**", "|", "=", "| x | y | z | w | v | u |"]


def mutations() -> list[tuple[str, str]]:
    """(description, article text): each line deleted, doubled, or followed by a junk line."""
    found = []
    for i in range(len(LINES)):
        found.append((f"delete line {i + 1}", "\n".join(LINES[:i] + LINES[i + 1 :])))
        found.append((f"double line {i + 1}", "\n".join(LINES[: i + 1] + LINES[i:])))
        with_junk = LINES[: i + 1] + [JUNK[i % len(JUNK)]] + LINES[i + 1 :]
        found.append((f"junk after line {i + 1}", "\n".join(with_junk)))
    return found


@pytest.mark.parametrize(("what", "text"), mutations(), ids=[w for w, _ in mutations()])
def test_mutated_article_builds_or_names_a_line(what: str, text: str, claims_text: str) -> None:
    try:
        build(text, article_source="a.txt", claims_text=claims_text, base=DEFAULT_BASE)
    except SourceError as exc:
        assert str(exc).startswith(("a.txt:", "claims.toml:")), str(exc)
        assert exc.line is not None


CLAIM_LINES = CLAIMS.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("line", range(0, len(CLAIM_LINES), 7))
def test_claims_file_with_a_line_deleted_builds_or_names_a_line(
    line: int, drive_text: str
) -> None:
    """Deleting any line of the claims file gives a graph or a `claims-file:line` error."""
    text = "\n".join(CLAIM_LINES[:line] + CLAIM_LINES[line + 1 :])
    try:
        build(drive_text, article_source="a.txt", claims_text=text, claims_source="c.toml",
              base=DEFAULT_BASE)
    except SourceError as exc:
        assert str(exc).startswith(("a.txt:", "c.toml:")), str(exc)
        assert exc.line is not None


def test_undecodable_input_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An article that is not UTF-8 text: one line, exit 2, no traceback."""
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("= Caf\xe9 =\n".encode("latin-1"))
    assert main(["build", str(bad), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "not UTF-8" in err and "Traceback" not in err
