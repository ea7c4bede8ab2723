"""The SPARQL 1.1 Protocol's vocabulary for ``drivekg serve``: answer formats, their choice, and
the service description. The handler is ``endpoint``; queries run in ``sparql.pool`` (or an
external store, ``sparql.remote``)."""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from starlette.requests import Request

from drivekg.formats import (
    N3,
    NQUADS,
    NTRIPLES,
    RDF_FORMATS,
    RDFXML,
    RESULT_FORMATS,
    SPARQL_JSON,
    SPARQL_XML,
    TRIG,
    TURTLE,
    Format,
    by_media_type,
    named,
)
from drivekg.sparql.pool import Limits
from drivekg.vocab import RDF, RDFS, VOID, bind_prefixes
from drivekg.web.negotiation import choose

__all__ = [
    "MAX_BODY",
    "SPARQL_OFFERS",
    "read_body",
    "service_description",
    "sparql_media",
]

MAX_BODY = 1_000_000

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")

# SPARQL answers by kind, in the order of preference (SPARQL JSON for tables, Turtle for graphs)
SPARQL_OFFERS: dict[str, tuple[Format, ...]] = {
    "solutions": RESULT_FORMATS,
    "boolean": (SPARQL_JSON, SPARQL_XML),
    "graph": (TURTLE, *(f for f in RDF_FORMATS if f is not TURTLE)),
}
_KIND = {"solutions": "results", "boolean": "results", "graph": "rdf"}
# the W3C's IRIs for the formats (http://www.w3.org/ns/formats/), named in the description
_W3C_FORMAT = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML",
               "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV",
               TURTLE.name: "Turtle", NTRIPLES.name: "N-Triples", "jsonld": "JSON-LD",
               RDFXML.name: "RDF_XML", TRIG.name: "TriG", NQUADS.name: "N-Quads", N3.name: "N3"}


def sparql_media(formats: list[str], accept: str | None) -> dict[str, str | None]:
    """The format (a ``formats`` name) to answer each kind of result in: a ``?format=`` value
    (a name or a media type) first, else negotiated from ``accept``; None where nothing offered
    is acceptable. Unknown ``?format=`` values are ignored (SPARQLWrapper sends ``format``,
    ``output`` and ``results`` together)."""
    media: dict[str, str | None] = {}
    for kind, offers in SPARQL_OFFERS.items():
        chosen: Format | None = None
        for value in formats:
            fmt = named(value, _KIND[kind]) or by_media_type(value, _KIND[kind])
            if fmt is not None and fmt in offers:
                chosen = fmt
                break
        if chosen is None:
            chosen = choose(accept, offers)
        media[kind] = chosen.name if chosen else None
    return media


def service_description(origin: str, *, triples: int, limits: Limits) -> Graph:
    """A SPARQL 1.1 Service Description of the endpoint at ``{origin}/sparql``."""
    g = bind_prefixes(Graph(bind_namespaces="none"))
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("formats", FORMATS_NS)
    endpoint = URIRef(f"{origin}/sparql")
    service, dataset = URIRef(f"{endpoint}#service"), URIRef(f"{endpoint}#dataset")
    default = URIRef(f"{endpoint}#default-graph")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, endpoint))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in (*RESULT_FORMATS, *RDF_FORMATS):
        g.add((service, SD.resultFormat, FORMATS_NS[_W3C_FORMAT[fmt.name]]))
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(triples)))
    g.add((service, RDFS.seeAlso, URIRef(f"{origin}/.well-known/void")))
    g.add((service, RDFS.comment, Literal(
        f"Read-only, local graph only: updates, SERVICE and FROM are refused and queries run "
        f"without network access. A query is stopped after {limits.timeout:g} s or "
        f"{limits.max_memory >> 20} MB of memory; an answer stops after {limits.max_rows} rows "
        f"(header DriveKG-Truncated) and may hold at most {limits.max_answer} bytes."
    )))
    return g


async def read_body(request: Request) -> bytes | None:
    """The request body, or None when it is longer than ``MAX_BODY`` (read no further)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
