"""The SPARQL 1.1 Protocol's vocabulary for ``drivekg serve``: answer formats, their choice, and
the service description. The handler itself is in ``server``; queries run in ``querypool``."""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from starlette.requests import Request

from drivekg.sparql.pool import Limits
from drivekg.vocab import RDF, RDFS, VOID, bind_prefixes
from drivekg.web.negotiation import negotiate

__all__ = [
    "MAX_BODY",
    "SPARQL_FORMAT_NAMES",
    "SPARQL_OFFERS",
    "read_body",
    "service_description",
    "sparql_media",
]

MAX_BODY = 1_000_000

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")

# SPARQL answers, by kind: media type offered -> media type sent; ?format= names -> media type
_JSON, _XML = "application/sparql-results+json", "application/sparql-results+xml"
SPARQL_OFFERS: dict[str, dict[str, str]] = {
    "solutions": {_JSON: _JSON, _XML: _XML, "text/csv": "text/csv",
                  "text/tab-separated-values": "text/tab-separated-values",
                  "application/json": _JSON, "application/xml": _XML, "text/xml": _XML},
    "boolean": {_JSON: _JSON, _XML: _XML, "application/json": _JSON, "application/xml": _XML,
                "text/xml": _XML},
    "graph": {"text/turtle": "text/turtle", "application/ld+json": "application/ld+json",
              "application/n-triples": "application/n-triples",
              "application/rdf+xml": "application/rdf+xml",
              "application/json": "application/ld+json",
              "application/x-turtle": "text/turtle"},
}
SPARQL_FORMAT_NAMES: dict[str, dict[str, str]] = {
    "solutions": {"json": _JSON, "xml": _XML, "csv": "text/csv",
                  "tsv": "text/tab-separated-values"},
    "boolean": {"json": _JSON, "xml": _XML},
    "graph": {"turtle": "text/turtle", "ttl": "text/turtle", "jsonld": "application/ld+json",
              "json-ld": "application/ld+json", "json": "application/ld+json",
              "nt": "application/n-triples", "ntriples": "application/n-triples",
              "xml": "application/rdf+xml", "rdf+xml": "application/rdf+xml",
              "rdfxml": "application/rdf+xml"},
}


def sparql_media(formats: list[str], accept: str | None) -> dict[str, str | None]:
    """The media type to answer each kind of result in: ``?format=`` values first, else
    negotiated from ``accept``; None where nothing offered is acceptable."""
    media: dict[str, str | None] = {}
    for kind, offers in SPARQL_OFFERS.items():
        names = SPARQL_FORMAT_NAMES[kind]
        chosen = next((names.get(a.lower()) or offers.get(a.lower()) for a in formats
                       if names.get(a.lower()) or offers.get(a.lower())), None)
        if chosen is None:  # unknown ?format= values are ignored (clients send several)
            picked = negotiate(accept, list(offers))
            chosen = offers[picked] if picked else None
        media[kind] = chosen
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
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                "SPARQL_Results_TSV", "Turtle", "JSON-LD", "N-Triples", "RDF_XML"):
        g.add((service, SD.resultFormat, FORMATS_NS[fmt]))
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
