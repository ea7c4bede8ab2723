"""Independent readers agree on what the build wrote.

Debian's ``rapper`` (Raptor) reads graph.ttl, pyld (a JSON-LD processor that is not rdflib) reads
graph.jsonld with every remote fetch refused, and pyoxigraph reads graph.nt; each must find the
graph rdflib finds.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import rdflib
from pyld import jsonld
from pyoxigraph import RdfFormat, Store
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from drivekg.cli import main

from .conftest import require_tool


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("readers") / "out"
    assert main(["build", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def turtle(out: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(out / "graph.ttl", format="turtle")


def rapper_count(path: Path, syntax: str) -> int:
    rapper = require_tool("rapper")
    run = subprocess.run(
        [rapper, "--input", syntax, "--count", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "error" not in run.stderr.lower(), run.stderr
    found = re.search(r"Parsing returned (\d+) triples", run.stderr)
    assert found, run.stderr
    return int(found.group(1))


def test_rapper_counts_the_turtle_as_rdflib_does(out: Path, turtle: rdflib.Graph) -> None:
    """Raptor parses graph.ttl without error into as many triples as rdflib."""
    assert rapper_count(out / "graph.ttl", "turtle") == len(turtle) > 1000


def test_rapper_counts_the_ntriples_as_rdflib_does(out: Path, turtle: rdflib.Graph) -> None:
    """Raptor parses graph.nt too, into the same number of triples."""
    assert rapper_count(out / "graph.nt", "ntriples") == len(turtle)


class NoFetching:
    """A pyld document loader that fetches nothing and remembers what it was asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, url: str, options: dict[str, Any] | None = None) -> Any:
        self.asked.append(url)
        raise OSError(f"pyld tried to fetch {url}; every context must be inline")


def test_pyld_reads_the_jsonld_as_the_turtle(out: Path, turtle: rdflib.Graph) -> None:
    """graph.jsonld, expanded by pyld with remote loading refused, is the graph in graph.ttl."""
    document = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    loader = NoFetching()
    options = {"documentLoader": loader}
    expanded = jsonld.expand(document, options)
    assert expanded, "expansion produced nothing"
    nquads = jsonld.to_rdf(expanded, {**options, "format": "application/n-quads"})
    from_pyld = rdflib.Graph().parse(data=nquads, format="nt")
    assert loader.asked == []
    if not isomorphic(from_pyld, turtle):
        _, only_jsonld, only_turtle = graph_diff(to_isomorphic(from_pyld), to_isomorphic(turtle))
        pytest.fail(
            f"graph.jsonld and graph.ttl differ:\n  only in JSON-LD:\n    {sample(only_jsonld)}"
            f"\n  only in Turtle:\n    {sample(only_turtle)}"
        )


def test_the_loader_is_really_consulted() -> None:
    """A remote context goes to the loader (and fails), so an empty loader log means no fetch."""
    loader = NoFetching()
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(
            {"@context": "http://example.org/context", "@id": "http://example.org/a"},
            {"documentLoader": loader},
        )
    assert loader.asked == ["http://example.org/context"]


def sample(graph: rdflib.Graph) -> str:
    return "\n    ".join(sorted(" ".join(term.n3() for term in t) for t in graph)[:10])


def test_pyoxigraph_loads_the_ntriples(out: Path, turtle: rdflib.Graph) -> None:
    """graph.nt loads into pyoxigraph with as many triples as rdflib reads from graph.ttl."""
    store = Store()
    store.load(path=out / "graph.nt", format=RdfFormat.N_TRIPLES)
    assert len(store) == len(turtle)
