"""Entity documents built on demand from the graph: links both ways with the labels of linked
nodes, evidence, hash IRIs, pages for a hub, ETags, and HTML rendered on demand for nodes the
static site has no page for. The Drive build and a generated hub, each served for real."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from .webtools import running_server, web_build

BASE = "https://w3id.org/drivekg/id/"
SDO = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
DKG = "https://w3id.org/drivekg/ontology#"
OA = "http://www.w3.org/ns/oa#"
HUB_SIZE = 10_000


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return web_build(tmp_path_factory)


@pytest.fixture(scope="module")
def url(out: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("documents") / "serve.log"
    with running_server(out, log, "--workers", "1", "--slow-workers", "1") as (base, _):
        yield base


def nt(client: httpx.Client, path: str) -> Graph:
    r = client.get(path, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200, r.text
    return Graph().parse(data=r.content, format="nt")


def test_a_person_links_back_with_labels(url: str) -> None:
    """The person's document holds the links *to* him and the names of who links."""
    with httpx.Client(base_url=url) as client:
        doc = nt(client, "/id/cliff-martinez")
    film, album = URIRef(BASE + "drive-film"), URIRef(BASE + "drive-soundtrack")
    person = URIRef(BASE + "cliff-martinez")
    assert (film, URIRef(SDO + "musicBy"), person) in doc
    assert (album, URIRef(SDO + "byArtist"), person) in doc
    assert (film, URIRef(SDO + "name"), Literal("Drive", lang="en")) in doc
    assert (film, RDF.type, URIRef(SDO + "Movie")) in doc


def cited_passages(graph: Graph, node: URIRef) -> set[URIRef]:
    """The passages that state the node's triples: by dkg:statedIn, or through the statement
    node of each triple (prov:wasDerivedFrom)."""
    found = set(graph.objects(node, URIRef(DKG + "statedIn")))
    for statement in graph.subjects(RDF.subject, node):
        found |= set(graph.objects(statement, URIRef(PROV + "wasDerivedFrom")))
    return {p for p in found if isinstance(p, URIRef)}


@pytest.mark.parametrize("key", ["release/drive-soundtrack/vinyl", "cliff-martinez"])
def test_a_document_carries_its_evidence(url: str, out: Path, key: str) -> None:
    """Every passage that states a triple of the node is in its document with the article's
    exact words (its #quote selector), and so is every statement node about the node."""
    graph = Graph().parse(out / "graph.nt", format="nt")
    node = URIRef(BASE + key)
    passages = cited_passages(graph, node)
    assert passages
    with httpx.Client(base_url=url) as client:
        doc = nt(client, f"/id/{key}")
    for passage in passages:
        quote = URIRef(f"{passage}#quote")
        assert (quote, URIRef(OA + "exact"), graph.value(quote, URIRef(OA + "exact"))) in doc
    for statement in graph.subjects(RDF.subject, node):
        assert set(graph.triples((statement, None, None))) <= set(doc)


def test_a_node_without_a_static_page_gets_one_on_demand(url: str, out: Path) -> None:
    """A passage has no page in the static site; in a browser it gets one, drawn by the
    site's own renderer, naming the passage and linking the article it selects from."""
    graph = Graph().parse(out / "graph.nt", format="nt")
    passage = sorted(s for s in graph.subjects(URIRef(OA + "hasSource"), None)
                     if str(s).startswith(BASE))[0]
    key = str(passage)[len(BASE):]
    assert not (out / "site" / "id" / f"{key}.html").exists()
    with httpx.Client(base_url=url) as client:
        r = client.get(f"/id/{key}", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert f'<code class="iri">{passage}</code>' in r.text
    assert 'class="brand"' in r.text  # the site's own page template
    article = graph.value(passage, URIRef(OA + "hasSource"))
    assert str(article)[len(BASE):] in r.text


def test_on_demand_documents_have_etags(url: str) -> None:
    """A document built on demand has a strong ETag; If-None-Match gives 304."""
    with httpx.Client(base_url=url) as client:
        first = client.get("/id/drive-film", headers={"Accept": "text/turtle"})
        again = client.get("/id/drive-film", headers={"Accept": "text/turtle",
                                                      "If-None-Match": first.headers["etag"]})
    assert first.headers["etag"].startswith('"') and again.status_code == 304


# --------------------------------------------------------------------------- a generated hub


def hub_build(root: Path) -> Path:
    """An output directory holding a label with HUB_SIZE releases, and a passage-like node with
    hash IRIs (`…#quote`), as N-Triples, VoID and a stub site."""
    out = root / "out"
    (out / "site").mkdir(parents=True)
    label = f"<{BASE}hub-records>"
    lines = [f'{label} <{RDF.type}> <{SDO}Organization> .',
             f'{label} <{SDO}name> "Hub Records" .']
    for i in range(HUB_SIZE):
        release = f"<{BASE}release/r{i:05d}>"
        lines += [f"{release} <{SDO}recordLabel> {label} .",
                  f'{release} <{SDO}name> "Release {i}" .']
    passage = f"{BASE}passage/p1"
    lines += [f"<{passage}> <http://www.w3.org/ns/oa#hasSelector> <{passage}#quote> .",
              f'<{passage}#quote> <http://www.w3.org/ns/oa#exact> "Hub Records signed them." .',
              f"<{BASE}release/r00000> <https://w3id.org/drivekg/ontology#statedIn> <{passage}> ."]
    lines.append(f'<{BASE}release/r00000> <{SDO}position> '
                 f'"07"^^<http://www.w3.org/2001/XMLSchema#positiveInteger> .')
    (out / "graph.nt").write_text("\n".join(sorted(lines)) + "\n")
    (out / "graph.ttl").write_text("")
    (out / "void.ttl").write_text(
        f'<https://w3id.org/drivekg/void.ttl#dataset> <http://rdfs.org/ns/void#uriSpace> '
        f'"{BASE}" .\n')
    (out / "site" / "index.html").write_text("<!DOCTYPE html><title>hub</title>")
    return out


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hub")
    out = hub_build(root)
    with running_server(out, root / "serve.log", "--workers", "1",
                        "--slow-workers", "1") as (base, _):
        yield base


def next_link(response: httpx.Response) -> str | None:
    match = re.search(r'<([^>]+)>; rel="next"', response.headers.get("link", ""))
    return match.group(1) if match else None


@pytest.mark.slow
def test_a_hub_is_paged(hub: str) -> None:
    """A label with 10,000 releases is a series of small documents linked by rel="next";
    together they hold every release once, each page with the releases' names."""
    seen: set[URIRef] = set()
    sizes: list[int] = []
    label = URIRef(BASE + "hub-records")
    with httpx.Client(base_url=hub, timeout=30) as client:
        path: str | None = "/id/hub-records"
        while path is not None:
            r = client.get(path, headers={"Accept": "text/turtle"})
            assert r.status_code == 200, r.text
            sizes.append(len(r.content))
            page = Graph().parse(data=r.content, format="turtle")
            releases = set(page.subjects(URIRef(SDO + "recordLabel"), label))
            assert not releases & seen
            assert all(page.value(s, URIRef(SDO + "name")) is not None for s in releases)
            seen |= releases
            path = next_link(r)
    assert len(seen) == HUB_SIZE
    assert len(sizes) > 10 and max(sizes) < 100_000


def test_a_page_past_the_end_is_404(hub: str) -> None:
    """?page= past the last page is 404; a page that is not a number is 400."""
    with httpx.Client(base_url=hub) as client:
        assert client.get("/id/hub-records?page=999").status_code == 404
        assert client.get("/id/hub-records?page=zero").status_code == 400


def test_hash_iris_are_described_in_their_document(hub: str) -> None:
    """`…/passage/p1#quote` is described in the document of `…/passage/p1` (the fragment is not
    sent), and the release stated in it carries the passage and its quote as evidence."""
    with httpx.Client(base_url=hub) as client:
        passage = nt(client, "/id/passage/p1")
        release = nt(client, "/id/release/r00000")
    exact = URIRef("http://www.w3.org/ns/oa#exact")
    quote = URIRef(BASE + "passage/p1#quote")
    assert (quote, exact, Literal("Hub Records signed them.")) in passage
    assert (quote, exact, Literal("Hub Records signed them.")) in release
    assert (URIRef(BASE + "hub-records"), RDFS.label, None) not in release  # no label invented


def test_literals_are_the_graphs_as_written(hub: str) -> None:
    """A literal the embedded store keeps in canonical form ("07"^^xsd:positiveInteger is
    stored as 7, an xsd:integer) is in the document as the graph writes it."""
    with httpx.Client(base_url=hub) as client:
        release = client.get("/id/release/r00000?format=nt").text
    assert '"07"^^<http://www.w3.org/2001/XMLSchema#positiveInteger>' in release
