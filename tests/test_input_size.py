"""How big an input may be: a settable limit on facts, refused in one line before the graph is made;
and the parts that used to grow faster than the input give the same bytes as before."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rdflib import Graph

from drivekg.cli import DEFAULT_MAX_FACTS, main
from drivekg.facts.extract import extract
from drivekg.graph.namespaces import new_graph
from drivekg.iris import DEFAULT_BASE
from drivekg.outputs.publication import Publication
from drivekg.pipeline import build
from drivekg.vocab import bind_prefixes


def chart_article(rows: int) -> str:
    """An album with one chart table of ``rows`` distinct charts (as bench/input_growth.py)."""
    table = "\n".join(f"| Generated Albums Chart {i} | {i % 200 + 1} |" for i in range(rows))
    return (
        "= Generated (album) =\n\nGenerated Album\n- Type: studio\n- Artist: Some Band\n\n"
        "Generated Album is an album.\n\n== Charts ==\n\n"
        "  - Weekly chart performance for Generated Album**\n\n"
        f"| Chart (2019) | Peak position |\n{table}\n"
    )


def facts_of(rows: int) -> int:
    """How many facts a chart of ``rows`` rows states (each row adds the same number)."""
    one, two = (len(extract(chart_article(n), article_source="a.txt").facts) for n in (1, 2))
    return one + (two - one) * (rows - 1)


def run(tmp_path: Path, rows: int, *options: str) -> int:
    article = tmp_path / "chart.txt"
    article.write_text(chart_article(rows), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    (out / "graph.ttl").write_text("previous\n")
    return main(["build", str(article), "--out", str(out), *options])


def test_a_30000_row_table_is_refused_by_the_default_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """30,000 chart rows (about 2.4 million triples) are one clear line and exit 2, in seconds."""
    start = time.perf_counter()
    assert run(tmp_path, 30_000) == 2
    assert time.perf_counter() - start < 60  # refused before the graph, not after an hour
    err = capsys.readouterr().err
    assert err == (
        f"drivekg: {tmp_path / 'chart.txt'}: states {facts_of(30_000):,} facts, more than the "
        f"{DEFAULT_MAX_FACTS:,} a build may hold (--max-facts {DEFAULT_MAX_FACTS}; raise it, "
        "or 0 for no limit, to build it)\n"
    )
    assert (tmp_path / "out" / "graph.ttl").read_text() == "previous\n"


def test_the_limit_is_settable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--max-facts 100 refuses 20 rows (about 190 facts); --max-facts 0 lifts the limit."""
    assert run(tmp_path, 20, "--max-facts", "100") == 2
    expected = f"states {facts_of(20)} facts, more than the 100 a build may hold"
    assert expected in capsys.readouterr().err
    assert run(tmp_path, 20, "--max-facts", "0") == 0
    assert (tmp_path / "out" / "graph.ttl").read_text() != "previous\n"


def test_turtle_is_rdflib_own_byte_for_byte(drive_build: Publication) -> None:
    """The graph's namespace manager (linear on many IRIs) writes exactly rdflib's Turtle and N3."""
    chart = build(chart_article(300), article_source="a.txt", base=DEFAULT_BASE)
    for graph in (drive_build.graph, chart.graph):
        plain = bind_prefixes(Graph())
        for triple in graph:
            plain.add(triple)
        assert graph.serialize(format="turtle") == plain.serialize(format="turtle")
        nodes = sorted({term for triple in graph for term in triple}, key=str)[:2000]
        ours, theirs = new_graph().namespace_manager, plain.namespace_manager
        assert [n.n3(ours) for n in nodes] == [n.n3(theirs) for n in nodes]
