"""The one table of the formats drivekg writes and serves, and the writer of RDF documents.

Every module that needs a format takes it from here: the build's dumps and per-entity files, the
server's content negotiation, ``?format=`` and ``--format`` names, SPARQL answers. A format has

* ``name``: the ``?format=`` / ``--format`` name, and ``names``: the other names accepted for it;
* ``media_type`` and ``aliases``: other media types a client may *name* for it (``text/plain``
  for N-Triples, as rdflib asks for it). An alias is matched only when a client names it, never
  by a wildcard such as ``application/*`` (so ``application/*`` never gets an HTML page through
  ``application/xhtml+xml``);
* ``extension``, rdflib's parser name (``rdflib``), pyoxigraph's ``RdfFormat`` or
  ``QueryResultsFormat`` (``ox``);
* ``quads`` (it can carry named graphs) and ``rdf12`` (it can carry RDF 1.2 triple terms): an
  answer is offered only in formats that can carry it;
* ``kind``: ``rdf`` (a graph or dataset), ``results`` (a SPARQL table or boolean) or ``page``.

A name may mean one format per kind: ``json`` is JSON-LD for RDF and SPARQL JSON for a table,
``xml`` RDF/XML for RDF and SPARQL XML for a table (``named``).

``write`` turns pyoxigraph triples into the bytes of an RDF format, deterministically: triples
sorted (a document's own subject first), only the prefixes it uses, JSON-LD compacted against the
project context (``context()``, given inline, never fetched).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib import Literal as RdflibLiteral
from rdflib.term import Node

from drivekg.vocab import PREFIXES

__all__ = [
    "FORMATS",
    "HTML",
    "JSONLD",
    "NTRIPLES",
    "RDF_FORMATS",
    "RESULT_FORMATS",
    "TURTLE",
    "Format",
    "by_extension",
    "by_media_type",
    "context",
    "named",
    "to_ox",
    "to_rdflib",
    "write",
]


@dataclass(frozen=True)
class Format:
    name: str  # as in --format / ?format=
    label: str  # for people: "Turtle"
    media_type: str
    extension: str
    kind: str  # "rdf", "results" or "page"
    rdflib: str | None = None  # rdflib's parser/serializer name
    ox: Any = None  # pyoxigraph's RdfFormat or QueryResultsFormat
    aliases: tuple[str, ...] = ()  # other media types, matched only when a client names them
    names: tuple[str, ...] = ()  # other ?format= names
    quads: bool = False  # can carry named graphs
    rdf12: bool = False  # can carry RDF 1.2 triple terms

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)

    @property
    def content_type(self) -> str:
        """The Content-Type header: text formats say they are UTF-8."""
        text = self.media_type.startswith("text/")
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


HTML = Format("html", "HTML", "text/html", "html", "page", aliases=("application/xhtml+xml",))

NTRIPLES = Format("nt", "N-Triples", "application/n-triples", "nt", "rdf", "nt",
                  ox.RdfFormat.N_TRIPLES, aliases=("text/plain",),
                  names=("ntriples", "n-triples"), rdf12=True)
TURTLE = Format("turtle", "Turtle", "text/turtle", "ttl", "rdf", "turtle", ox.RdfFormat.TURTLE,
                aliases=("application/x-turtle",), names=("ttl",), rdf12=True)
JSONLD = Format("jsonld", "JSON-LD", "application/ld+json", "jsonld", "rdf", "json-ld",
                ox.RdfFormat.JSON_LD, aliases=("application/json",),
                names=("json-ld", "json"), quads=True)
RDFXML = Format("rdfxml", "RDF/XML", "application/rdf+xml", "rdf", "rdf", "xml",
                ox.RdfFormat.RDF_XML, names=("xml", "rdf", "rdf+xml", "rdf-xml"))
TRIG = Format("trig", "TriG", "application/trig", "trig", "rdf", "trig", ox.RdfFormat.TRIG,
              quads=True, rdf12=True)
NQUADS = Format("nquads", "N-Quads", "application/n-quads", "nq", "rdf", "nquads",
                ox.RdfFormat.N_QUADS, names=("nq", "n-quads"), quads=True, rdf12=True)
N3 = Format("n3", "N3", "text/n3", "n3", "rdf", "n3", ox.RdfFormat.N3,
            aliases=("text/rdf+n3",))

# Served RDF, in the order of preference when a client accepts several equally: N-Triples first,
# as it is also valid Turtle, TriG, N-Quads and N3 (rdflib asks for several formats with equal
# weight when it is told none); then the others by how widely they are read.
RDF_FORMATS = (NTRIPLES, TURTLE, JSONLD, RDFXML, TRIG, NQUADS, N3)
# The formats a build writes the whole graph and each entity in (out/graph.*, site/id/*.*).
FORMATS = (TURTLE, JSONLD, NTRIPLES)

SPARQL_JSON = Format("json", "SPARQL JSON", "application/sparql-results+json", "srj", "results",
                     ox=ox.QueryResultsFormat.JSON, aliases=("application/json",))
SPARQL_XML = Format("xml", "SPARQL XML", "application/sparql-results+xml", "srx", "results",
                    ox=ox.QueryResultsFormat.XML, aliases=("application/xml", "text/xml"))
CSV = Format("csv", "CSV", "text/csv", "csv", "results", ox=ox.QueryResultsFormat.CSV)
TSV = Format("tsv", "TSV", "text/tab-separated-values", "tsv", "results",
             ox=ox.QueryResultsFormat.TSV)
RESULT_FORMATS = (SPARQL_JSON, SPARQL_XML, CSV, TSV)

_ALL = (HTML, *RDF_FORMATS, *RESULT_FORMATS)


def named(name: str, kind: str) -> Format | None:
    """The format of ``kind`` a ``?format=`` name means (case-insensitive), or None."""
    wanted = name.strip().lower()
    for fmt in _ALL:
        if fmt.kind == kind and (wanted == fmt.name or wanted in fmt.names):
            return fmt
    return None


def by_extension(extension: str) -> Format | None:
    """The RDF or HTML format a file extension names (``ttl``, ``jsonld``, ``html`` …), or None."""
    wanted = extension.lower()
    return next((f for f in (HTML, *RDF_FORMATS) if f.extension == wanted), None)


def by_media_type(media_type: str, kind: str | None = None) -> Format | None:
    """The format a media type (or an alias) names, or None."""
    wanted = media_type.split(";")[0].strip().lower()
    for fmt in _ALL:
        if (kind is None or fmt.kind == kind) and wanted in fmt.media_types:
            return fmt
    return None


# --------------------------------------------------------------------------- writing RDF

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_NAMESPACES = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda pn: -len(pn[1]))


def to_ox(term: Node) -> Any:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, RdflibLiteral):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or _XSD_STRING)))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise ValueError(f"not an RDF term: {term!r}")


def to_rdflib(term: Term) -> Node:
    """A pyoxigraph term as an rdflib term (RDF 1.1: no triple terms)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return RdflibLiteral(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return RdflibLiteral(term.value)
        return RdflibLiteral(term.value, datatype=URIRef(term.datatype.value))
    raise ValueError("an RDF 1.2 triple term has no rdflib form here")


def context() -> dict[str, Any]:
    """The JSON-LD context of every drivekg document: the project prefixes, inline."""
    return {"@context": {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}}


def _order(triples: Iterable[ox.Triple], first: str | None) -> list[ox.Triple]:
    def key(t: ox.Triple) -> tuple[bool, str, bool, str, str]:
        subject = str(t.subject)
        return (subject != f"<{first}>", subject, t.predicate.value != _RDF_TYPE,
                str(t.predicate), str(t.object))

    return sorted(set(triples), key=key)


def _iris(term: Term) -> Iterable[str]:
    if isinstance(term, ox.NamedNode):
        yield term.value
    elif isinstance(term, ox.Literal) and not term.language:
        if term.datatype.value != _XSD_STRING:  # written as a plain string
            yield term.datatype.value
    elif isinstance(term, ox.Triple):
        for part in (term.subject, term.predicate, term.object):
            yield from _iris(part)


def _used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    used: set[str] = set()
    iris = {iri for t in triples for part in (t.subject, t.predicate, t.object)
            for iri in _iris(part)}
    for iri in iris:
        used |= {p for p, ns in _NAMESPACES if iri.startswith(ns) and len(iri) > len(ns)}
    return {p: ns for p, ns in sorted(_NAMESPACES) if p in used}


def _curie(iri: str) -> str:
    for prefix, ns in _NAMESPACES:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _jsonld(triples: list[ox.Triple]) -> bytes:
    nodes: dict[str, dict[str, Any]] = {}
    for t in triples:
        s, p, o = t.subject, t.predicate, t.object
        if isinstance(s, ox.Triple):
            raise ValueError("JSON-LD 1.1 cannot carry an RDF 1.2 triple term")
        sid = s.value if isinstance(s, ox.NamedNode) else f"_:{s.value}"
        node = nodes.setdefault(sid, {"@id": _curie(sid)})
        if p.value == _RDF_TYPE and isinstance(o, ox.NamedNode):
            node.setdefault("@type", []).append(_curie(o.value))
            continue
        value: Any
        if isinstance(o, ox.NamedNode):
            value = {"@id": _curie(o.value)}
        elif isinstance(o, ox.BlankNode):
            value = {"@id": f"_:{o.value}"}
        elif isinstance(o, ox.Literal) and o.language:
            value = {"@value": o.value, "@language": o.language}
        elif isinstance(o, ox.Literal) and o.datatype.value != _XSD_STRING:
            value = {"@value": o.value, "@type": _curie(o.datatype.value)}
        elif isinstance(o, ox.Literal):
            value = o.value
        else:
            raise ValueError("JSON-LD 1.1 cannot carry an RDF 1.2 triple term")
        node.setdefault(_curie(p.value), []).append(value)
    graph = [{k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in node.items()}
             for node in nodes.values()]
    data = {"@context": context()["@context"], "@graph": graph}
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def _turtle_like(triples: list[ox.Triple], fmt: Format) -> bytes:
    """Turtle, TriG, N3: pyoxigraph's writer, with the prefix lines sorted and a blank line
    between subjects (pyoxigraph writes prefixes in an order of its own)."""
    prefixes = _used_prefixes(triples)
    text = (ox.serialize(triples, format=fmt.ox, prefixes=prefixes) or b"").decode()
    body: list[str] = []
    for line in text.splitlines():
        if line.startswith("@prefix "):
            continue
        if line.startswith(("<", "_:")) and body:
            body.append("")
        body.append(line)
    head = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(prefixes.items())]
    return ("\n".join([*head, "", *body]) + "\n").encode()


def write(triples: Iterable[ox.Triple], fmt: Format, *, first: str | None = None) -> bytes:
    """``triples`` (the default graph) in the RDF format ``fmt``, sorted with the triples of the
    IRI ``first`` first; the same triples always give the same bytes."""
    ordered = _order(triples, first)
    if fmt is JSONLD:
        return _jsonld(ordered)
    if fmt in (TURTLE, N3):
        return _turtle_like(ordered, fmt)
    if fmt in (NTRIPLES, NQUADS):
        return ox.serialize(ordered, format=fmt.ox) or b""
    if fmt in (TRIG, RDFXML):
        return ox.serialize(ordered, format=fmt.ox, prefixes=_used_prefixes(ordered)) or b""
    raise ValueError(f"not an RDF format: {fmt.name}")
