"""The terms the vocabularies define, read from the copies in ``tests/data/vocab/`` (never the web).

Reusable by any test: ``unknown_terms(graph)`` lists every schema.org or Music Ontology IRI a graph
uses (as class, property or value) that the vocabulary does not define, or that schema.org 30.0
marks pending or superseded; ``schema_terms()`` and ``mo_terms()`` are the defined sets.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

VOCAB = Path(__file__).parent / "data" / "vocab"
SCHEMA = "https://schema.org/"
MO = "http://purl.org/ontology/mo/"
PENDING = URIRef("https://pending.schema.org")
SUPERSEDED_BY = URIRef(SCHEMA + "supersededBy")


@cache
def _schema_graph() -> Graph:
    return Graph().parse(VOCAB / "schemaorg-30.0-current-https.ttl", format="turtle")


@cache
def _mo_graph() -> Graph:
    return Graph().parse(VOCAB / "musicontology.rdfs", format="xml")


def _defined(graph: Graph, namespace: str) -> frozenset[URIRef]:
    """Every IRI in ``namespace`` the vocabulary types (class, property, enumeration member)."""
    return frozenset(
        s
        for s in graph.subjects(RDF.type, None)
        if isinstance(s, URIRef) and s.startswith(namespace)
    )


@cache
def schema_terms() -> frozenset[URIRef]:
    """Every term schema.org 30.0 defines, pending ones included."""
    return _defined(_schema_graph(), SCHEMA)


@cache
def schema_pending_terms() -> frozenset[URIRef]:
    """The schema.org 30.0 terms still pending (not part of the core vocabulary)."""
    graph = _schema_graph()
    return frozenset(
        s for s in schema_terms() if (s, URIRef(SCHEMA + "isPartOf"), PENDING) in graph
    )


@cache
def schema_superseded_terms() -> frozenset[URIRef]:
    graph = _schema_graph()
    return frozenset(s for s in schema_terms() if (s, SUPERSEDED_BY, None) in graph)


@cache
def mo_terms() -> frozenset[URIRef]:
    """Every term the Music Ontology (2013 RDFS/OWL copy) defines."""
    return _defined(_mo_graph(), MO)


def used_terms(graph: Graph, namespace: str) -> set[URIRef]:
    """Every IRI in ``namespace`` that a graph uses in any position (not the namespace itself,
    which VoID's void:vocabulary names)."""
    nodes: set[Node] = set()
    for triple in graph:
        nodes.update(triple)
    return {
        n for n in nodes if isinstance(n, URIRef) and n.startswith(namespace) and n != namespace
    }


def unknown_terms(graph: Graph) -> list[str]:
    """Readable problems: schema.org / mo: IRIs that are undefined, pending or superseded."""
    problems = []
    for term in sorted(used_terms(graph, SCHEMA)):
        if term not in schema_terms():
            problems.append(f"{term}: not defined in schema.org 30.0")
        elif term in schema_pending_terms():
            problems.append(f"{term}: pending in schema.org 30.0")
        elif term in schema_superseded_terms():
            problems.append(f"{term}: superseded in schema.org 30.0")
    for term in sorted(used_terms(graph, MO)):
        if term not in mo_terms():
            problems.append(f"{term}: not defined in the Music Ontology")
    return problems
