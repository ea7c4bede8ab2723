"""The RDF 1.2 edition of the dumps: each fact reified by the passages that state it.

RDF 1.1 names a triple only by reifying it (``rdf:subject``, ``rdf:predicate``, ``rdf:object``:
three triples per fact before its evidence), so the RDF 1.1 edition cites the passages of a node
once where it can (``dkg:statedIn``) and gives the other facts statement nodes. RDF 1.2 has
triple terms, so here every fact is treated alike: each passage is itself the reifier of each
triple it states, ``passage rdf:reifies <<( s p o )>>``, one triple per fact and passage (RDF 1.2
lets one reifier reify several triples), and "where does the article say this?" is one pattern.
Everything else is as in the RDF 1.1 edition: the data, the passages with their selectors, the
conflicts; the statement nodes and the ``dkg:statedIn`` links are not needed.

Written with pyoxigraph (rdflib 7 cannot hold triple terms): N-Triples sorted line by line, and
Turtle with the project's prefixes; the same graph gives the same bytes. Read it with an RDF 1.2
store (pyoxigraph, Oxigraph); the RDF 1.1 edition (``graph.nt`` …) is for every other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from drivekg.graph.assemble import fact_passages
from drivekg.layout import rdf12_dump_name
from drivekg.vocab import DKG, PREFIXES, RDF, XSD

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


def edition12(build: Publication) -> list[ox.Triple]:
    """The RDF 1.2 edition of a build, sorted."""
    graph = build.graph
    statements = set(graph.subjects(RDF.subject, None))
    out = [
        ox.Triple(_term(s), _term(p), _term(o))
        for s, p, o in graph
        if s not in statements and p != DKG.statedIn
    ]
    cited = fact_passages(
        build.facts, base=build.base, source=build.source, article=build.article
    )
    for (s, p, o), passages in cited.items():
        fact = ox.Triple(_term(s), _term(p), _term(o))
        out.extend(ox.Triple(_term(passage), REIFIES, fact) for passage in passages)
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
    triples = edition12(build)
    return {
        rdf12_dump_name("nt"): serialize12(triples, ox.RdfFormat.N_TRIPLES),
        rdf12_dump_name("ttl"): serialize12(triples, ox.RdfFormat.TURTLE),
    }
