"""Content negotiation as real clients do it, against `drivekg serve` on 127.0.0.1: the Accept
headers that Comunica, rdflib, curl and Chromium send, rdflib reading an entity by URL in every
format it reads and the server writes, wildcards, `?format=` names, error pages, redirects, gzip."""

from __future__ import annotations

import gzip
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from drivekg.formats import RDF_FORMATS
from drivekg.web.negotiation import negotiate

from .webtools import running_server, web_build

BASE = "https://w3id.org/drivekg/id/"
PERSON, FILM = URIRef(BASE + "cliff-martinez"), URIRef(BASE + "drive-film")
SDO = "https://schema.org/"
INCOMING = (FILM, URIRef(SDO + "musicBy"), PERSON)  # a link *to* the person

# The Accept headers real clients send, each from where it is written:
# - Comunica (comunica/comunica, engines/config-query-sparql/config/rdf-parse/actors.json: parser
#   priority scales n3 1.0, jsonld 0.9, rdfxml 0.5, xml-rdfa 0.3, html 0.2, shaclc 0.1, times each
#   parser's own media type priorities), as its actor-http-fetch logs it when it dereferences:
COMUNICA = ("application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,"
            "application/n-triples;q=0.8,text/turtle;q=0.6,application/rdf+xml;q=0.5,"
            "application/json;q=0.45,text/n3;q=0.35,application/xml;q=0.3,image/svg+xml;q=0.3,"
            "text/xml;q=0.3,text/html;q=0.2,application/xhtml+xml;q=0.18,text/shaclc;q=0.1,"
            "text/shaclc-ext;q=0.05")
# - rdflib 7 (rdflib/parser.py, URLInputSource.__init__), by the format given to Graph.parse;
#   with no format (or one not listed there) it joins every parser media type, all at q=1:
RDFLIB = {
    "xml": "application/rdf+xml, */*;q=0.1",
    "n3": "text/n3, */*;q=0.1",
    "turtle": "text/turtle, application/x-turtle, */*;q=0.1",
    "nt": "text/plain, */*;q=0.1",
    "trig": "application/trig, */*;q=0.1",
    "json-ld": "application/ld+json, application/json;q=0.9, */*;q=0.1",
    "nquads": "application/ld+json, application/n-quads, application/n-triples, "
              "application/rdf+xml, application/trig, application/trix, text/n3, text/turtle",
}
# - curl (curl/curl, lib/http.c: "Accept: */*" unless the user sets one)
CURL = "*/*"
# - Chromium navigating to a page (chromium, content/browser/frame_accept_header.cc, from
#   services/network/public/cpp/constants.cc kFrameAcceptHeaderValue, plus AVIF and signed
#   exchanges)
CHROMIUM = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
            "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return web_build(tmp_path_factory)


@pytest.fixture(scope="module")
def server(out: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    log = tmp_path_factory.mktemp("conneg") / "serve.log"
    with running_server(out, log, "--workers", "1", "--slow-workers", "1") as running:
        yield running


@pytest.fixture(scope="module")
def url(server: tuple[str, subprocess.Popen[bytes]]) -> str:
    return server[0]


@pytest.fixture()
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as c:
        yield c


def media(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


@pytest.mark.parametrize(("accept", "expected"), [
    (COMUNICA, "application/n-quads"),
    (RDFLIB["xml"], "application/rdf+xml"),
    (RDFLIB["n3"], "text/n3"),
    (RDFLIB["turtle"], "text/turtle"),
    (RDFLIB["nt"], "application/n-triples"),
    (RDFLIB["trig"], "application/trig"),
    (RDFLIB["json-ld"], "application/ld+json"),
    (RDFLIB["nquads"], "application/n-triples"),  # a tie: N-Triples is valid N-Quads too
    (CURL, "text/html"),
    (CHROMIUM, "text/html"),
], ids=["comunica", "rdflib-xml", "rdflib-n3", "rdflib-turtle", "rdflib-nt", "rdflib-trig",
        "rdflib-json-ld", "rdflib-other", "curl", "chromium"])
def test_real_clients_get_what_they_can_read(client: httpx.Client, accept: str,
                                             expected: str) -> None:
    """Each real client's Accept header gets a format it reads (RDF clients never get HTML)."""
    r = client.get("/id/cliff-martinez", headers={"Accept": accept})
    assert r.status_code == 200 and media(r) == expected
    assert "Accept" in r.headers["vary"]


# Every RDF format rdflib reads that the server writes. rdflib also reads TriX, HexTuples and
# RDF Patch, which the server does not write (formats.RDF_FORMATS lists what it does).
RDFLIB_READS = ["turtle", "ttl", "nt", "ntriples", "nt11", "n3", "xml", "json-ld", "trig",
                "nquads", "application/n-quads"]


@pytest.mark.parametrize("fmt", RDFLIB_READS)
def test_rdflib_reads_an_entity_by_url(url: str, fmt: str) -> None:
    """`Graph().parse(url, format=F)` works for every format: the document has the person's
    incoming link, so a client landing on the person can follow it."""
    graph = Graph()
    with warnings.catch_warnings():  # rdflib's own quad parsers use its deprecated classes
        warnings.simplefilter("ignore", DeprecationWarning)
        graph.parse(f"{url}/id/cliff-martinez", format=fmt)
    assert INCOMING in graph
    assert (PERSON, RDF.type, URIRef(SDO + "Person")) in graph


def test_quad_formats_are_the_default_graph(client: httpx.Client) -> None:
    """TriG and N-Quads carry the document in the default graph (no invented graph name)."""
    for fmt in ("trig", "nquads"):
        ds = Dataset()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ds.parse(data=client.get(f"/id/cliff-martinez?format={fmt}").content, format=fmt)
        assert INCOMING in ds.default_graph and list(ds.graphs()) == [ds.default_graph]


@pytest.mark.parametrize(("accept", "expected"), [
    ("application/*", "application/n-triples"),
    ("text/html;q=0, */*", "text/turtle"),
    ("text/html;q=0, application/xhtml+xml, */*", "text/turtle"),
    ("text/turtle, */*", "text/turtle"),
    ("application/rdf+xml;q=1.0, */*;q=0.1", "application/rdf+xml"),
    ("application/json", "application/ld+json"),
    ("text/plain", "application/n-triples"),
])
def test_wildcards_and_refusals(client: httpx.Client, accept: str, expected: str) -> None:
    """`application/*` and `text/html;q=0, */*` never get HTML; a named type beats a */* tie;
    aliases count where named."""
    r = client.get("/id/cliff-martinez", headers={"Accept": accept})
    assert r.status_code == 200 and media(r) == expected


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "text/html"),
    ("*/*", "text/html"),
    ("text/turtle", "text/turtle"),
    ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
    ("text/*;q=0.9, application/n-triples;q=0.8", "text/html"),
    ("text/html;q=0, */*;q=0.1", "text/turtle"),
    ("application/n-triples, */*;q=0.1", "application/n-triples"),
    ("text/*, text/html;q=0", "text/turtle"),
    ("application/xml", None),
    ("text/turtle;q=0", None),
    ("garbage, text/turtle;q=abc, application/ld+json;q=0.2", "application/ld+json"),
    ("TEXT/Turtle; charset=utf-8", "text/turtle"),
])
def test_negotiate(accept: str | None, expected: str | None) -> None:
    """q-values, specificity (text/html;q=0 beats */*), server order on ties, 406 as None."""
    offers = ["text/html", "text/turtle", "application/ld+json", "application/n-triples"]
    assert negotiate(accept, offers) == expected


def test_format_names_are_the_same_everywhere(client: httpx.Client) -> None:
    """`?format=` means the same format on an entity and on /sparql (json: JSON-LD for a graph,
    SPARQL JSON for a table; xml: RDF/XML for a graph, SPARQL XML for a table)."""
    construct = f"CONSTRUCT {{ <{PERSON}> ?p ?o }} WHERE {{ <{PERSON}> ?p ?o }}"
    for fmt in RDF_FORMATS:
        for name in (fmt.name, *fmt.names):
            entity = client.get("/id/cliff-martinez", params={"format": name})
            answer = client.get("/sparql", params={"query": construct, "format": name})
            assert media(entity) == media(answer) == fmt.media_type, name
    table = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 1",
                                          "format": "json"})
    assert media(table) == "application/sparql-results+json"
    xml = client.get("/sparql", params={"query": "ASK {}", "format": "xml"})
    assert media(xml) == "application/sparql-results+xml"


def test_errors_are_html_for_browsers_and_json_for_others(client: httpx.Client) -> None:
    """The same 404 is a page for Chromium and the JSON shape for curl and RDF clients."""
    page = client.get("/id/no-such-thing", headers={"Accept": CHROMIUM})
    assert page.status_code == 404 and media(page) == "text/html"
    assert "no-such-thing" in page.text and "<h1>404 Not Found</h1>" in page.text
    for accept in (CURL, RDFLIB["turtle"], "application/json"):
        r = client.get("/id/no-such-thing", headers={"Accept": accept})
        assert r.status_code == 404 and media(r) == "application/json"
        assert r.json()["error"]["status"] == 404
    refused = client.get("/sparql", params={"query": "SELEKT"}, headers={"Accept": CHROMIUM})
    assert refused.status_code == 400 and media(refused) == "text/html"


def test_trailing_slash_redirects(client: httpx.Client) -> None:
    """/id/x/ redirects (301) to /id/x, keeping the query."""
    r = client.get("/id/cliff-martinez/?format=nt")
    assert r.status_code == 301 and r.headers["location"] == "/id/cliff-martinez?format=nt"


def test_text_answers_are_gzipped(client: httpx.Client, url: str, out: Path) -> None:
    """With Accept-Encoding: gzip the album page is sent gzipped (about a sixth of its size),
    with its own ETag; without it, as it is."""
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    with httpx.stream("GET", f"{url}/id/drive-soundtrack",
                      headers={"Accept": CHROMIUM, "Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
        assert r.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in r.headers["vary"]
    page = (out / "site" / "id" / "drive-soundtrack.html").read_bytes()
    assert gzip.decompress(raw) == page and len(raw) < len(page) / 4
    assert "content-encoding" not in plain.headers


def test_unknown_format_name_is_406(client: httpx.Client) -> None:
    """An unknown ?format= on an entity is 406 with the names it could use."""
    r = client.get("/id/cliff-martinez?format=bogus")
    assert r.status_code == 406 and "turtle" in r.json()["error"]["detail"]


def test_documents_say_only_what_the_graph_says(client: httpx.Client, out: Path) -> None:
    """Every triple of a document is in graph.nt, literals as written."""
    graph = Graph().parse(out / "graph.nt", format="nt")
    for key in ("cliff-martinez", "drive-soundtrack", "release/drive-soundtrack/vinyl"):
        doc = Graph().parse(data=client.get(f"/id/{key}?format=nt").content, format="nt")
        assert len(doc) > 10 and set(doc) <= set(graph), key
