"""`drivekg serve --store URL`: the same IRIs, pages and guarded SPARQL from an external store,
for real: `oxigraph serve` and Debian's Virtuoso, each started on 127.0.0.1 with a temporary
database, loaded by `drivekg publish` (Virtuoso through its Graph Store endpoint with digest
auth), and compared with the embedded store."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef

from drivekg.cli import main
from drivekg.sparql.query import bundled

from .stores import Store, oxigraph, virtuoso
from .webtools import Listener, running_server, web_build

BASE = "https://w3id.org/drivekg/id/"
GRAPH = "https://w3id.org/drivekg/graph"  # the named graph Virtuoso holds the data in

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return web_build(tmp_path_factory)


@pytest.fixture(scope="module")
def embedded(out: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("embedded") / "serve.log"
    with running_server(out, log, "--workers", "1", "--slow-workers", "1") as (url, _):
        yield url


def publish(store: Store, out: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Load out/graph.nt into the store with `drivekg publish`; the options serve needs."""
    if store.name == "virtuoso":
        monkeypatch.setenv("DRIVEKG_USER", "dba")
        monkeypatch.setenv("DRIVEKG_PASSWORD", "dba")
        assert main(["publish", "--endpoint", store.graph_store, "--graph", GRAPH, "--replace",
                     "--auth", "digest", "--out", str(out)]) == 0
        return ["--store", store.query, "--store-graph", GRAPH]
    assert main(["publish", "--endpoint", store.graph_store, "--replace",
                 "--out", str(out)]) == 0
    return ["--store", store.query]


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Store]:
    root = tmp_path_factory.mktemp(request.param)
    start = oxigraph if request.param == "oxigraph" else virtuoso
    with start(root) as running:
        yield running


@pytest.fixture(scope="module")
def served(store: Store, out: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        options = publish(store, out, monkeypatch)
    log = tmp_path_factory.mktemp(f"serve-{store.name}") / "serve.log"
    with running_server(out, log, *options) as (url, _):
        yield url


def sample(out: Path) -> list[str]:
    """Keys of every kind of node: entities, records, passages, statements."""
    graph = Graph().parse(out / "graph.nt", format="nt")
    keys = sorted({str(s)[len(BASE):].split("#")[0] for s in graph.subjects()
                   if isinstance(s, URIRef) and str(s).startswith(BASE)})
    kinds: dict[str, list[str]] = {}
    for key in keys:
        kinds.setdefault(key.split("/")[0] if "/" in key else "", []).append(key)
    return sorted(k for group in kinds.values() for k in group[:6])


XSD_DURATION = URIRef("http://www.w3.org/2001/XMLSchema#duration")


def comparable(triples: set[tuple[object, object, object]], store: Store
               ) -> set[tuple[object, object, object]]:
    """Virtuoso 7.2.5 gives an xsd:duration back as a number of seconds ("PT1H10M18S" comes back
    as "4218.18"): its one known difference (docs/triplestores.md). Such a triple is compared
    by subject and property only."""
    if store.name != "virtuoso":
        return triples
    return {(s, p, "a duration") if getattr(o, "datatype", None) == XSD_DURATION else (s, p, o)
            for s, p, o in triples}


def test_documents_are_the_same_from_the_store(served: str, embedded: str, out: Path,
                                               store: Store) -> None:
    """Each kind of document (an entity, a nomination, a passage, a statement …) holds the same
    triples served from the store as from the embedded store."""
    keys = sample(out)
    assert len(keys) > 20
    differ = []
    with httpx.Client(timeout=60) as client:
        for key in keys:
            here = client.get(f"{served}/id/{key}", headers={"Accept": "application/n-triples"})
            there = client.get(f"{embedded}/id/{key}",
                               headers={"Accept": "application/n-triples"})
            assert here.status_code == there.status_code == 200, key
            a = comparable(set(Graph().parse(data=here.content, format="nt")), store)
            b = comparable(set(Graph().parse(data=there.content, format="nt")), store)
            differ += [f"{key}: store {t}" for t in a - b] + [f"{key}: embedded {t}" for t in b - a]
    assert differ == []


def test_pages_are_served(served: str) -> None:
    """An entity's page (the static site's) and a passage's (rendered from the store)."""
    with httpx.Client(base_url=served, timeout=60) as client:
        person = client.get("/id/cliff-martinez", headers={"Accept": "text/html"})
        passages = client.get("/sparql", params={
            "query": "SELECT ?p WHERE { ?p oa:hasSource ?a } ORDER BY ?p LIMIT 1"}).json()
        passage = passages["results"]["bindings"][0]["p"]["value"]
        page = client.get(passage.replace(BASE, "/id/"), headers={"Accept": "text/html"})
    assert person.status_code == 200 and "<h1>Cliff Martinez</h1>" in person.text
    assert page.status_code == 200 and passage in page.text


# Virtuoso 7.2.5 answers these two wrongly (not a difference of form): a value computed with
# BIND in a UNION, inside an aggregated subquery inside OPTIONAL, lands on the wrong rows (songs:
# every note becomes "used in Drive"; people: a role is lost). The same patterns without the
# nesting are right (docs/triplestores.md).
VIRTUOSO_WRONG = {"people", "songs"}


@pytest.mark.parametrize("name", [q.name for q in bundled()])
def test_bundled_queries_give_the_same_answers(served: str, embedded: str, name: str,
                                               store: Store) -> None:
    """Each bundled query answers the same rows (CSV) through the store as embedded (on
    Virtuoso, rows holding the album's duration are compared by count: it rewrites
    xsd:duration)."""
    text = next(q.text for q in bundled() if q.name == name)
    with httpx.Client(timeout=60) as client:
        here = client.get(f"{served}/sparql", params={"query": text, "format": "csv"})
        there = client.get(f"{embedded}/sparql", params={"query": text, "format": "csv"})
    assert here.status_code == there.status_code == 200, here.text
    rows, expected = sorted(here.text.splitlines()), sorted(there.text.splitlines())
    assert len(expected) > 1
    if store.name == "virtuoso":
        durations = [r for r in rows if "4218.18" in r]
        rows = [r for r in rows if "4218.18" not in r]
        assert len(durations) == len([r for r in expected if "PT1H10M18S" in r])
        expected = [r for r in expected if "PT1H10M18S" not in r]
        if name in VIRTUOSO_WRONG and rows != expected:
            assert len(rows) == len(expected)
            pytest.xfail(f"Virtuoso 7.2.5 evaluates {name}.rq wrongly (see VIRTUOSO_WRONG)")
    assert rows == expected


def test_service_is_refused_before_the_store_sees_it(served: str) -> None:
    """The store runs queries where drivekg's sandbox cannot reach, so SERVICE is refused by the
    parsed-query guard (400) and the listener it names is never contacted."""
    with Listener() as listener, httpx.Client(timeout=60) as client:
        r = client.get(f"{served}/sparql", params={
            "query": f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"})
    assert r.status_code == 400 and r.json()["error"]["title"] == "Query refused"
    assert listener.connections == 0


def test_relative_iris_resolve_against_the_endpoint(served: str) -> None:
    """CONSTRUCT with a relative IRI resolves it against the endpoint's URL, as embedded."""
    with httpx.Client(timeout=60) as client:
        r = client.get(f"{served}/sparql", params={
            "query": "CONSTRUCT { <thing> <is> ?n } WHERE { ?s schema:name ?n } LIMIT 1",
            "format": "nt"})
    assert r.status_code == 200, r.text
    assert r.text.startswith(f"<{served}/thing> <{served}/is> ")


def test_virtuoso_refuses_service_for_the_anonymous_user(tmp_path: Path) -> None:
    """What Virtuoso itself does with a SERVICE to a 127.0.0.1 listener, asked directly: a fresh
    Debian Virtuoso refuses it (the SPARQL user may not read DB.DBA.SPARQL_SINV_2) and makes no
    connection. drivekg does not rely on this: its guard refuses first (above)."""
    with virtuoso(tmp_path) as store, Listener() as listener:
        r = httpx.post(store.query, data={
            "query": f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"},
            headers={"Accept": "application/sparql-results+json"}, timeout=60)
        assert r.status_code >= 400 and "SPARQL_SINV" in r.text
    assert listener.connections == 0


def test_an_unreachable_store_is_502(out: Path, tmp_path: Path) -> None:
    """With the store gone, documents and queries answer 502 in the error shape."""
    from .webtools import free_port

    gone = f"http://127.0.0.1:{free_port()}/query"
    with (running_server(out, tmp_path / "serve.log", "--store", gone) as (url, _),
          httpx.Client(base_url=url, timeout=60) as client):
        doc = client.get("/id/cliff-martinez", headers={"Accept": "text/turtle"})
        query = client.get("/sparql", params={"query": "ASK {}"})
    assert doc.status_code == query.status_code == 502
    assert doc.json()["error"]["title"] == "Store unavailable"


def test_serve_store_needs_an_http_url(out: Path) -> None:
    """--store that is not an http(s) URL: exit 2, one line."""
    done = subprocess.run([sys.executable, "-m", "drivekg", "serve", "--out",
                           str(out), "--store", "file:///etc/passwd", "--get", "/"],
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 2 and done.stderr.count(b"\n") == 1 and b"--store" in done.stderr
