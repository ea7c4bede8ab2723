"""The RDF 1.2 edition of the dumps: the same graph, each statement node an RDF 1.2 reification.

RDF 1.1 names a triple only by reifying it (``rdf:subject``, ``rdf:predicate``, ``rdf:object``:
three triples per fact before its evidence). RDF 1.2 has triple terms, so here each passage is
itself the reifier of the triples it states: ``passage rdf:reifies <<( s p o )>>``, one triple per
fact and passage (RDF 1.2 lets one reifier reify several triples). Everything else is as in the
RDF 1.1 edition: the data, the passages with their selectors, the ``dkg:statedIn`` links of nodes
whose every triple the same passages state, the conflicts.

Written with pyoxigraph (rdflib 7 cannot hold triple terms): N-Triples sorted line by line, and
Turtle with the project's prefixes; the same graph gives the same bytes. Read it with an RDF 1.2
store (pyoxigraph, Oxigraph, Jena 5); the RDF 1.1 edition (``graph.nt`` …) is for every other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from drivekg.layout import rdf12_dump_name
from drivekg.vocab import PREFIXES, PROV, RDF, XSD

if TYPE_CHECKING:
    from drivekg.graph.validate import Validation
    from drivekg.outputs.publication import Publication

__all__ = ["REIFIES", "edition12", "render_rdf12", "serialize12"]

REIFIES = ox.NamedNode(str(RDF) + "reifies")


def _term(node: Node) -> Any:
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD.string)))
    raise ValueError(f"not an IRI or a literal (the graph has no blank nodes): {node!r}")


def edition12(graph: Graph) -> list[ox.Triple]:
    """The RDF 1.2 edition of an RDF 1.1 edition graph, sorted."""
    statements = set(graph.subjects(RDF.subject, None))
    out = []
    for s, p, o in graph:
        if s in statements:
            continue
        out.append(ox.Triple(_term(s), _term(p), _term(o)))
    for statement in statements:
        parts = [graph.value(statement, part) for part in (RDF.subject, RDF.predicate, RDF.object)]
        assert all(p is not None for p in parts)  # the assembler writes all three
        fact = ox.Triple(*(_term(p) for p in parts if p is not None))
        for passage in graph.objects(statement, PROV.wasDerivedFrom):
            out.append(ox.Triple(_term(passage), REIFIES, fact))
    return sorted(set(out), key=str)


def serialize12(triples: list[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    """N-Triples (one triple a line, sorted) or Turtle (the project's prefixes, sorted)."""
    if fmt == ox.RdfFormat.N_TRIPLES:
        data = ox.serialize(triples, format=fmt) or b""
        return ("\n".join(sorted(data.decode().splitlines())) + "\n").encode()
    prefixes = {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}
    text = (ox.serialize(triples, format=fmt, prefixes=prefixes) or b"").decode()
    # pyoxigraph writes the prefixes in an order of its own: write them sorted ourselves
    body = [line for line in text.splitlines() if not line.startswith("@prefix ")]
    head = [f"@prefix {p}: <{ns}> ." for p, ns in prefixes.items()]
    return ("\n".join([*head, *body]) + "\n").encode()


def render_rdf12(build: Publication, validation: Validation) -> dict[str, bytes]:
    """Renderer (see ``pipeline.RENDERERS``): ``graph-rdf12.nt`` and ``graph-rdf12.ttl``."""
    triples = edition12(build.graph)
    return {
        rdf12_dump_name("nt"): serialize12(triples, ox.RdfFormat.N_TRIPLES),
        rdf12_dump_name("ttl"): serialize12(triples, ox.RdfFormat.TURTLE),
    }
