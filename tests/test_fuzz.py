"""A short fuzzing run (seconds): `drivekg validate` and `drivekg build` on mutated input.

The long run is bench/fuzz.py; the strategies and properties are in tests/fuzzing.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivekg.cli import main

from .fuzzing import (
    FORMATS,
    NEON,
    article_texts,
    build_problem,
    claims_texts,
    rdf_documents,
    run_cli,
    time_limit,
    tree,
    validate_problem,
)

SHORT = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.mark.parametrize("fmt", FORMATS)
@SHORT
@given(data=st.data())
def test_validate_reports_or_names_the_file(work: Path, fmt: str, data: st.DataObject) -> None:
    """Any mutated RDF file: exit 0/1 with a report, or exit 2 with one `file: …` line."""
    path = work / f"case.{fmt}"
    path.write_bytes(data.draw(rdf_documents(fmt), label="document"))
    with time_limit(20):
        problem = validate_problem(path, run_cli(["validate", str(path)]))
    assert problem is None, problem


@pytest.fixture(scope="module")
def out(work: Path) -> Path:
    out = work / "out"
    assert main(["build", str(NEON), "--no-claims", "--out", str(out)]) == 0
    return out


@settings(SHORT, max_examples=6)
@given(article=article_texts(), claims=st.none() | claims_texts())
def test_a_failed_build_leaves_out_as_it_was(
    out: Path, article: bytes, claims: bytes | None
) -> None:
    """A build of a mutated article (and claims file) that fails changes nothing in out/."""
    sources = (out.parent / "article.txt", out.parent / "article.claims.toml")
    sources[0].write_bytes(article)
    sources[1].unlink(missing_ok=True)
    if claims is not None:
        sources[1].write_bytes(claims)
    before = tree(out)
    with time_limit(60):
        outcome = run_cli(["build", str(sources[0]), "--out", str(out)])
    if outcome.code not in (0, 1):
        assert tree(out) == before


@settings(SHORT, max_examples=6)
@given(article=article_texts(), claims=claims_texts())
def test_a_mutated_article_builds_or_names_a_line(out: Path, article: bytes, claims: bytes) -> None:
    """A build of a mutated article and claims file succeeds or ends in one `file:line` line."""
    sources = (out.parent / "article.txt", out.parent / "article.claims.toml")
    sources[0].write_bytes(article)
    sources[1].write_bytes(claims)
    before = tree(out)
    with time_limit(60):
        outcome = run_cli(["build", str(sources[0]), "--out", str(out)])
    problem = build_problem(sources, before, out, outcome)
    assert problem is None, problem
