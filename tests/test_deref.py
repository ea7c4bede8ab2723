"""Follow-your-nose against `drivekg serve` on 127.0.0.1: every IRI the graph mints dereferences
in every RDF format, every term of the ontology, the dataset, and every link of every page from
`/` leads somewhere."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from rdflib import Dataset, Graph, URIRef

from drivekg.formats import RDF_FORMATS

from .webtools import running_server, web_build

BASE = "https://w3id.org/drivekg/id/"
ONTOLOGY = "https://w3id.org/drivekg/ontology#"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # Chromium's


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return web_build(tmp_path_factory)


@pytest.fixture(scope="module")
def url(out: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("deref") / "serve.log"
    with running_server(out, log, "--workers", "1", "--slow-workers", "1") as (base, _):
        yield base


def minted(out: Path) -> set[URIRef]:
    graph = Graph().parse(out / "graph.nt", format="nt")
    nodes = {n for t in graph for n in (t[0], t[2])}
    return {n for n in nodes if isinstance(n, URIRef) and str(n).startswith(BASE)}


def parse(data: bytes, fmt: str) -> Graph:
    ds = Dataset()
    with warnings.catch_warnings():  # rdflib's quad parsers use its own deprecated classes
        warnings.simplefilter("ignore", DeprecationWarning)
        ds.parse(data=data, format=fmt)
    return ds.default_graph


@pytest.mark.slow
def test_every_minted_iri_dereferences_in_every_rdf_format(url: str, out: Path) -> None:
    """Each IRI under the base that the graph names (entities, evidence, nominations, chart
    entries, …) answers 200 in every RDF format, and the document says something about it
    (a hash IRI: in the document of the IRI before the '#')."""
    iris = minted(out)
    assert len(iris) > 300  # entities, passages and their selectors, statements, …
    failures = []
    with httpx.Client(base_url=url, timeout=30) as client:
        for iri in sorted(iris):
            path = "/id/" + str(iri)[len(BASE):].split("#", 1)[0]
            for fmt in RDF_FORMATS:
                r = client.get(path, headers={"Accept": fmt.media_type})
                if r.status_code != 200 or not r.headers["content-type"].startswith(
                        fmt.media_type):
                    failures.append(f"{path} {fmt.name}: {r.status_code}")
                    continue
                doc = parse(r.content, fmt.rdflib or fmt.name)
                if (iri, None, None) not in doc and (None, None, iri) not in doc:
                    failures.append(f"{path} {fmt.name}: says nothing about {iri}")
    assert failures == []


def test_every_ontology_term_the_graph_uses_dereferences(url: str, out: Path) -> None:
    """`dkg:` terms resolve (the fragment is not sent): /ontology documents each at its anchor
    for a browser, and describes it in Turtle for an RDF client."""
    graph = Graph().parse(out / "graph.nt", format="nt")
    terms = {n for t in graph for n in t
             if isinstance(n, URIRef) and str(n).startswith(ONTOLOGY)}
    assert len(terms) > 10
    with httpx.Client(base_url=url) as client:
        page = client.get("/ontology", headers={"Accept": "text/html"})
        data = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert page.status_code == 200 and data.status_code == 200
    described = Graph().parse(data=data.content, format="turtle")
    anchors = set(re.findall(r' id="([^"]+)"', page.text))
    for term in terms:
        assert str(term)[len(ONTOLOGY):] in anchors, term
        assert (term, None, None) in described, term


def test_the_ontology_page_documents_the_ontology_file(url: str) -> None:
    """/ontology in RDF is the ontology file's triples (isomorphic), with a canonical link."""
    from rdflib.compare import isomorphic

    from drivekg.layout import resource

    source = Graph().parse(data=resource("ontology", "drivekg.ttl").read_text("utf-8"),
                           format="turtle")
    with httpx.Client(base_url=url) as client:
        r = client.get("/ontology.nt")
    assert isomorphic(Graph().parse(data=r.content, format="nt"), source)
    assert r.headers["link"] == '<https://w3id.org/drivekg/ontology>; rel="canonical"'


def test_the_dataset_dereferences(url: str) -> None:
    """The dataset IRI ({root}void.ttl#dataset) resolves at /void.ttl, describing itself."""
    with httpx.Client(base_url=url) as client:
        r = client.get("/void.ttl")
    g = Graph().parse(data=r.content, format="turtle")
    assert (URIRef("https://w3id.org/drivekg/void.ttl#dataset"), None, None) in g


@pytest.mark.slow
def test_a_crawl_from_the_home_page_meets_no_broken_link(url: str) -> None:
    """Every same-site link of every page reachable from / answers 200 (redirects followed)."""
    seen: set[str] = set()
    queue, broken, pages = ["/"], [], 0
    with httpx.Client(base_url=url, timeout=30, follow_redirects=True) as client:
        while queue:
            path = queue.pop()
            if path in seen:
                continue
            seen.add(path)
            r = client.get(path, headers={"Accept": BROWSER})
            if r.status_code != 200:
                broken.append(f"{path}: {r.status_code}")
                continue
            if not r.headers["content-type"].startswith("text/html"):
                continue
            pages += 1
            for href in re.findall(r'href="([^"#]+)', r.text):
                target = urlsplit(urljoin(url + path, href))
                if f"{target.scheme}://{target.netloc}" == url and target.path not in seen:
                    queue.append(target.path)
    assert broken == [] and pages > 80, (broken, pages)
