"""Bad input never crashes: every mutation of the article builds or fails with file:line."""

from __future__ import annotations

import time
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


# --------------------------------------------------------------------------- linear-time parsing

N = 100_000
HEAD = "= Album (album) =\n\nAlbum\n- Type: studio\n- Artist: Some Band\n"
BODY = "\nAlbum is an album.\n\n== Charts ==\n\n| Chart (2019) | Peak position |\n| A Chart | 1 |\n"
NOMINEE = (
    "| Award | Date | Category | Nominee | Result |\n| Prize | May 1, 2020 | Best | {} | Won |\n"
)
PATHOLOGICAL = {
    "title, spaces": "= " + " " * N + "x\n" + BODY,
    "title, spaces then =": "=" + " " * N + "x =\n" + BODY,
    "title, equals signs": "=" * N + "\n" + BODY,
    "heading, spaces": HEAD + BODY + "== Development" + " " * N + "x\n",
    "heading, equals and spaces": HEAD + BODY + "== " + "= " * (N // 2) + "\n",
    "infobox key": HEAD + "- " + "k" * N + "\n" + BODY,
    "infobox key, spaces": HEAD + "- " + " " * N + ": x\n" + BODY,
    "infobox value, spaces": HEAD + "- Genre: a" + " " * N + "b\n" + BODY,
    "infobox value, spaces before (": HEAD + "- Label: x" + " " * N + "(y)\n" + BODY,
    "infobox value, parentheses": HEAD + "- Label: " + "(" * N + "\n" + BODY,
    "infobox value, commas": HEAD + "- Genre: " + ", " * (N // 2) + "x\n" + BODY,
    "infobox value, date commas": HEAD + "- Released: " + ", 2011" * (N // 6) + "\n" + BODY,
    "caption, spaces": HEAD + BODY + "\n  - " + " " * N + "x\n",
    "caption, stars": HEAD + BODY + "\n  - " + "*" * N + "x\n",
    "caption, indent": HEAD + BODY + "\n" + " " * N + "- x**\n\n| Chart (2019) | Position |\n",
    "table row, spaces": HEAD + BODY + "| " + " " * N + " | 2 |\n",
    "table row, cells": HEAD + BODY + "|a" * (N // 2) + "|\n",
    "table cell, words": HEAD + BODY + "| " + "x " * (N // 2) + "| 2 |\n",
    "table cell, song nominee": HEAD + BODY + "\n" + NOMINEE.format(
        '"Song" by A' + " " * N + "x"),
    "paragraph, boundaries": HEAD + "A. " * (N // 3) + "\n" + BODY,
    "paragraph, abbreviations": HEAD + "St. A " * (N // 6) + "\n" + BODY,
    "paragraph, open quotation": HEAD + '"' + "a. B " * (N // 5) + "\n" + BODY,
    "paragraph, quotations": HEAD + '"A." ' * (N // 5) + "\n" + BODY,
    "paragraph, spaces after a stop": HEAD + "x." + " " * N + "A\n" + BODY,
    "paragraph, stops and spaces": HEAD + ". " * (N // 2) + "A\n" + BODY,
}
CLAIM = """[[entity]]
key = "some-band"
type = "schema:MusicGroup"
label = "Some Band"
quote = "{}"
"""
PATHOLOGICAL_CLAIMS = {
    "claims quote, not found": CLAIM.format("a" * N),
    "claims quote, spaces": CLAIM.format("Album" + " " * N + "is"),
    "claims quote, repeated": CLAIM.format("Album is an album. " * (N // 20)),
    "claims, long key": CLAIM.replace('"some-band"', '"' + "a-" * (N // 2) + 'a"').format("x"),
    "claims, long CURIE": CLAIM.replace('"schema:MusicGroup"', '"schema:' + "a" * N + '"'),
    "claims, brackets in a string": CLAIM.format("[" * N),
}


def timed_build(article: str, claims: str | None) -> float:
    """CPU seconds of one build (steadier than wall time on a shared machine): built or refused."""
    start = time.process_time()
    try:
        build(article, article_source="a.txt", claims_text=claims, base=DEFAULT_BASE)
    except SourceError as exc:
        assert exc.line is not None, str(exc)
        assert len(str(exc)) < 500  # the message quotes the input, cut short
    return time.process_time() - start


@pytest.mark.parametrize("what", PATHOLOGICAL)
def test_pathological_article_line_builds_in_linear_time(what: str) -> None:
    """A 10^5-character line of any kind builds or is refused in under 2 s (was up to 113 s)."""
    assert timed_build(PATHOLOGICAL[what], None) < 2.0


@pytest.mark.parametrize("what", PATHOLOGICAL_CLAIMS)
def test_pathological_claims_build_in_linear_time(what: str) -> None:
    """A 10^5-character quote, key or CURIE in the claims file: under 2 s as well."""
    article = HEAD + "Album is an album. Some Band made it.\n" + BODY
    assert timed_build(article, PATHOLOGICAL_CLAIMS[what]) < 2.0
