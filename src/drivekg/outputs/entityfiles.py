"""Per-entity data files: an entity's triples plus the evidence nodes behind them.

The site writes three files per entity (Turtle, JSON-LD, N-Triples). rdflib's serializers cost
about 10 ms per small graph, which for a hundred entities is most of the site's build time, so
these files are written here directly: Turtle and N-Triples by pyoxigraph's serializers (from
terms, not through a ``Store``, which would rewrite ``xsd:positiveInteger`` as ``xsd:integer``),
JSON-LD as compact node objects over the project context (``serialize.context``). Triples are
sorted, so the same graph gives the same bytes. Round trips are checked in ``tests/test_site.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from drivekg.formats import JSONLD, NTRIPLES, TURTLE, Format
from drivekg.serialize import context
from drivekg.vocab import PREFIXES, RDF, XSD

__all__ = ["Triple", "dumps"]

Triple = tuple[Node, Node, Node]
_NAMESPACES = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda pn: -len(pn[1]))


def _ox(term: Node) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = term.datatype or XSD.string
        return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)))
    raise ValueError(f"not an IRI or a literal (the graph has no blank nodes): {term!r}")


def _order(triples: Iterable[Triple], first: Node | None) -> list[Triple]:
    return sorted(set(triples), key=lambda t: (t[0] != first, t[0].n3(), t[1] != RDF.type,
                                               t[1].n3(), t[2].n3()))


def _curie(iri: str) -> str:
    for prefix, ns in _NAMESPACES:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _used_prefixes(triples: list[Triple]) -> dict[str, str]:
    used: set[str] = set()
    for triple in triples:
        for term in triple:
            if isinstance(term, Literal):
                if term.datatype is None or term.language:
                    continue
                iri = str(term.datatype)
            else:
                iri = str(term)
            used |= {p for p, ns in _NAMESPACES if iri.startswith(ns) and len(iri) > len(ns)}
    return {p: ns for p, ns in sorted(_NAMESPACES) if p in used}


def _jsonld(triples: list[Triple]) -> bytes:
    nodes: dict[str, dict[str, Any]] = {}
    for s, p, o in triples:
        node = nodes.setdefault(str(s), {"@id": _curie(str(s))})
        if p == RDF.type:
            node.setdefault("@type", []).append(_curie(str(o)))
            continue
        value: Any
        if isinstance(o, URIRef):
            value = {"@id": _curie(str(o))}
        elif isinstance(o, Literal) and o.language:
            value = {"@value": str(o), "@language": o.language}
        elif isinstance(o, Literal) and o.datatype not in (None, XSD.string):
            value = {"@value": str(o), "@type": _curie(str(o.datatype))}
        else:
            value = str(o)
        node.setdefault(_curie(str(p)), []).append(value)
    graph = []
    for node in nodes.values():
        graph.append({k: (v[0] if isinstance(v, list) and len(v) == 1 else v)
                      for k, v in node.items()})
    data = {"@context": context()["@context"], "@graph": graph}
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def _written(data: bytes | None) -> bytes:
    assert data is not None  # pyoxigraph returns bytes when given no output file
    return data


def dumps(triples: Iterable[Triple], fmt: Format, *, first: Node | None = None) -> bytes:
    """``triples`` in ``fmt``, sorted (``first``'s triples first), deterministic."""
    ordered = _order(triples, first)
    if fmt is JSONLD:
        return _jsonld(ordered)
    terms = [ox.Triple(_ox(s), _ox(p), _ox(o)) for s, p, o in ordered]
    if fmt is TURTLE:
        prefixes = _used_prefixes(ordered)
        text = _written(ox.serialize(terms, format=ox.RdfFormat.TURTLE, prefixes=prefixes)).decode()
        # pyoxigraph writes the prefixes in an order of its own: write them sorted ourselves
        body: list[str] = []
        for line in text.splitlines():
            if line.startswith("@prefix "):
                continue
            if line.startswith("<") and body:  # a new subject: a blank line before it
                body.append("")
            body.append(line)
        head = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(prefixes.items())]
        return ("\n".join([*head, "", *body]) + "\n").encode()
    if fmt is NTRIPLES:
        return _written(ox.serialize(terms, format=ox.RdfFormat.N_TRIPLES))
    raise ValueError(fmt)
