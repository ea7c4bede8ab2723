"""The schema.org view of one entity: the JSON-LD block a web page embeds for search engines.

Built from the graph generically: start at the entity, follow schema.org properties, nest the
nodes they reach (breadth first, so a node is spelled out where it is nearest the root), and stop
at ``depth``. Only schema.org terms appear: types outside schema.org are dropped, properties
outside schema.org (nominations, charts, evidence, anything ``dkg:``/``mo:``/``prov:``) are left
out rather than squeezed into a schema.org term that means something else.

The output is what crawlers document (``"@context": "https://schema.org"``, compact terms):

- every node keeps its graph IRI as ``@id``;
- an IRI value is always a node reference ``{"@id": …}`` (enumeration members such as
  ``https://schema.org/CDFormat``, external pages, licences), never a bare string, so its meaning
  does not depend on the coercions in schema.org's context;
- a literal is its lexical form (a JSON number for integers and decimals, ``@language`` kept);
  schema.org's context types dates itself, so ``xsd:`` datatypes are not repeated;
- a node spelled out once is referred to by ``{"@id": …}`` everywhere else; past ``depth`` a node
  is a stub (``@id``, ``@type``, ``name``);
- a concept (a genre, ``skos:Concept``) is its preferred label: ``"genre": "Ambient music"``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from drivekg.vocab import OA, RDF, SDO, SKOS, XSD

__all__ = ["CONTEXT", "DEPTH", "describe", "has_view", "local_name"]

SCHEMA = str(SDO)  # https://schema.org/
CONTEXT = "https://schema.org"
DEPTH = 3  # levels of nesting below the root that are spelled out

_INTEGERS = {
    XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
    XSD.negativeInteger, XSD.nonPositiveInteger, XSD.unsignedInt, XSD.unsignedLong,
    XSD.unsignedShort, XSD.unsignedByte,
}
_DECIMALS = {XSD.decimal, XSD.double, XSD.float}


def local_name(iri: Node) -> str:
    return str(iri)[len(SCHEMA):] if str(iri).startswith(SCHEMA) else str(iri)


def _is_schema(iri: Node) -> bool:
    return isinstance(iri, URIRef) and str(iri).startswith(SCHEMA) and len(str(iri)) > len(SCHEMA)


def _schema_types(graph: Graph, node: Node) -> list[str]:
    return sorted(local_name(t) for t in graph.objects(node, RDF.type) if _is_schema(t))


def _evidence(graph: Graph, node: Node) -> bool:
    """A passage of the article, one of its selectors, or a statement node: evidence, which stays
    in the dumps and out of the schema.org view."""
    return (
        (node, OA.hasSelector, None) in graph
        or (None, OA.hasSelector, node) in graph
        or (node, RDF.subject, None) in graph
    )


def _described(graph: Graph, node: Node) -> bool:
    """A node the graph says something about in schema.org terms (and not evidence)."""
    if not isinstance(node, URIRef) or _evidence(graph, node):
        return False
    return bool(_schema_types(graph, node)) or any(_is_schema(p) for p in graph.predicates(node))


def has_view(graph: Graph, node: URIRef) -> bool:
    """An entity gets a schema.org block when it has a schema.org type."""
    return bool(_schema_types(graph, node)) and not _evidence(graph, node)


def _literal(value: Literal) -> Any:
    if value.language:
        return {"@value": str(value), "@language": value.language}
    if value.datatype in _INTEGERS:
        try:
            return int(str(value))
        except ValueError:
            return str(value)
    if value.datatype in _DECIMALS:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if number.is_finite():
            return int(number) if number == number.to_integral_value() else float(number)
        return str(value)
    if value.datatype == XSD.boolean:
        return str(value) in ("true", "1")
    return str(value)


def _sort_key(value: Any) -> tuple[int, str]:
    if isinstance(value, dict):
        return (1, str(value.get("@id", value.get("@value", ""))))
    return (0, str(value))


def _edges(graph: Graph, node: Node) -> Iterable[tuple[str, Node]]:
    """(schema.org property local name, object) pairs, in a stable order."""
    pairs = [(local_name(p), o) for p, o in graph.predicate_objects(node) if _is_schema(p)]
    return sorted(pairs, key=lambda po: (po[0], po[1].n3()))


def _homes(graph: Graph, root: URIRef, depth: int) -> dict[URIRef, int]:
    """Breadth-first distance of each described node from the root (up to depth + 1)."""
    dist: dict[URIRef, int] = {root: 0}
    queue: deque[URIRef] = deque([root])
    while queue:
        node = queue.popleft()
        if dist[node] > depth:
            continue
        for _, obj in _edges(graph, node):
            if isinstance(obj, URIRef) and obj not in dist and _described(graph, obj):
                dist[obj] = dist[node] + 1
                queue.append(obj)
    return dist


class _Walker:
    def __init__(self, graph: Graph, root: URIRef, depth: int) -> None:
        self.graph, self.depth = graph, depth
        self.dist = _homes(graph, root, depth)
        self.spelled: set[URIRef] = set()

    def node(self, node: URIRef, level: int) -> dict[str, Any]:
        out: dict[str, Any] = {"@id": str(node)}
        types = _schema_types(self.graph, node)
        if types:
            out["@type"] = types[0] if len(types) == 1 else types
        if level > self.depth:  # a stub: enough for a reader to know what it is
            names = sorted((_literal(n) for n in self.graph.objects(node, SDO.name)
                            if isinstance(n, Literal)), key=_sort_key)
            if names:
                out["name"] = names[0] if len(names) == 1 else names
            return out
        self.spelled.add(node)
        props: dict[str, list[Any]] = {}
        for prop, obj in _edges(self.graph, node):
            value = self.value(obj, level + 1)
            if value is not None:
                props.setdefault(prop, []).append(value)
        for prop in sorted(props):
            values = sorted(props[prop], key=_sort_key)
            out[prop] = values[0] if len(values) == 1 else values
        return out

    def value(self, obj: Node, level: int) -> Any:
        if isinstance(obj, Literal):
            return _literal(obj)
        if not isinstance(obj, URIRef):
            return None  # the graph has no blank nodes; a view never invents one
        if _is_schema(obj):
            return {"@id": str(obj)}  # an enumeration member: schema:CDFormat, ...
        if (obj, RDF.type, SKOS.Concept) in self.graph:  # a genre: its name, as search engines read
            label = self.graph.value(obj, SKOS.prefLabel)
            return _literal(label) if isinstance(label, Literal) else {"@id": str(obj)}
        if _described(self.graph, obj):
            # spelled out once, where it is nearest the root (breadth-first distance);
            # everywhere else, including back to the root, a reference
            if obj in self.spelled or self.dist.get(obj, level) < level:
                return {"@id": str(obj)}
            return self.node(obj, level)
        if str(obj).startswith(_NOT_SCHEMA):
            return None  # a term of another vocabulary: no schema.org meaning
        return {"@id": str(obj)}  # an external page or document (url, license, sameAs)


_NOT_SCHEMA = (
    "https://w3id.org/drivekg/ontology#",
    "http://purl.org/ontology/mo/",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2001/XMLSchema#",
    "http://www.w3.org/ns/oa#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://schema.org/",
)


def describe(graph: Graph, root: URIRef, *, depth: int = DEPTH) -> dict[str, Any] | None:
    """The schema.org JSON-LD document for ``root``, or None when it has no schema.org type."""
    if not has_view(graph, root):
        return None
    body = _Walker(graph, root, depth).node(root, 0)
    return {"@context": CONTEXT, **body}
