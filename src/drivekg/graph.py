"""Facts with evidence -> one rdflib Graph. The only module that mints IRIs.

Every fact becomes a plain triple (so SPARQL users see ordinary data) and, for each place the
article states it, one evidence node: an RDF 1.1 reification (``rdf:Statement``, ``dkg:Evidence``)
with ``prov:wasDerivedFrom`` the article, ``prov:value`` the verbatim text and ``dkg:line``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from .conflicts import fact_order
from .iris import digest, mint
from .records import Conflict, Evidence, Fact, Lit, Ref, SourceInfo, Term, Value
from .vocab import DKG, PROV, RDF, RDFS, SDO, XSD, bind_prefixes, expand_curie


class _Namespaces(NamespaceManager):
    """rdflib's namespace manager, without its quadratic cost on the graph's own IRIs.

    rdflib files the namespace of every IRI it shortens in a trie whose levels it scans one key
    at a time, so each new ``…/chart-entry/album/chart/weekly/`` costs time in proportion to all
    the earlier ones: serializing 3,000 chart rows as Turtle took longer than the rest of the
    build. An IRI under no bound namespace is never shortened (the serializers ask with
    ``generate=False`` for subjects and objects and write such an IRI in full; ``n3()`` writes it
    in angle brackets), so the answer is given here without touching the trie; everything else
    is rdflib's own path, and the output is byte for byte rdflib's.
    """

    def __init__(self, graph: Graph) -> None:
        self._bound: tuple[str, ...] | None = None  # set before rdflib binds its defaults
        super().__init__(graph)

    def bind(self, prefix: str | None, namespace: Any, *args: Any, **kwargs: Any) -> None:
        super().bind(prefix, namespace, *args, **kwargs)
        self._bound = None

    def _unbound(self, uri: str) -> bool:
        """No bound namespace starts ``uri``: rdflib would write it in full."""
        if self._bound is None:
            self._bound = tuple(str(ns) for _, ns in self.namespaces())
        return not str(uri).startswith(self._bound)  # str: URIRef.startswith takes no tuple

    def compute_qname(self, uri: str, generate: bool = True) -> tuple[str, URIRef, str]:
        if not generate and self._unbound(uri):
            raise KeyError(f"no known prefix for {uri} and generate=False")
        return super().compute_qname(uri, generate)

    def normalizeUri(self, rdfTerm: str) -> str:  # noqa: N802, N803 -- rdflib's names
        if isinstance(rdfTerm, URIRef) and self._unbound(rdfTerm):
            return f"<{rdfTerm}>"
        return super().normalizeUri(rdfTerm)


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound."""
    graph = Graph()
    graph.namespace_manager = _Namespaces(graph)
    return bind_prefixes(graph)


def term(curie_or_iri: str) -> URIRef:
    return URIRef(curie_or_iri) if "://" in curie_or_iri else expand_curie(curie_or_iri)


class GraphBuilder:
    def __init__(self, base: str, source: SourceInfo) -> None:
        self.base = base
        self.source = source
        self.article = mint(base, source.key)
        self.graph = new_graph()

    def node(self, value: Value) -> Node:
        if isinstance(value, Ref):
            return mint(self.base, value.key)
        if isinstance(value, Term):
            return term(value.iri)
        assert isinstance(value, Lit)
        if value.datatype == "xsd:string":
            return Literal(value.lexical)
        return Literal(value.lexical, datatype=term(value.datatype))

    def add_article(self, about: str | None) -> None:
        g, article = self.graph, self.article
        g.add((article, RDF.type, SDO.Article))
        g.add((article, RDF.type, PROV.Entity))
        g.add((article, SDO.name, Literal(self.source.title)))
        if self.source.url:
            g.add((article, SDO.url, URIRef(self.source.url)))
        if self.source.license:
            g.add((article, SDO.license, URIRef(self.source.license)))
        if about:
            g.add((article, SDO.about, mint(self.base, about)))

    def evidence_iri(self, triple: tuple[Node, Node, Node], evidence: Evidence) -> URIRef:
        s, p, o = triple
        key = digest(self.source.key, s.n3(), p.n3(), o.n3(), str(evidence.line), evidence.text)
        return mint(self.base, f"evidence/{key}")

    def add_facts(self, facts: Iterable[Fact]) -> None:
        g = self.graph
        for fact in facts:
            triple = (mint(self.base, fact.subject), term(fact.property), self.node(fact.value))
            g.add(triple)
            ev = self.evidence_iri(triple, fact.evidence)
            g.add((ev, RDF.type, DKG.Evidence))
            g.add((ev, RDF.type, RDF.Statement))
            g.add((ev, RDF.subject, triple[0]))
            g.add((ev, RDF.predicate, triple[1]))
            g.add((ev, RDF.object, triple[2]))
            g.add((ev, PROV.wasDerivedFrom, self.article))
            g.add((ev, PROV.value, Literal(fact.evidence.text)))
            g.add((ev, DKG.line, Literal(fact.evidence.line, datatype=XSD.positiveInteger)))
            if fact.evidence.filled_from is not None:
                line = Literal(fact.evidence.filled_from, datatype=XSD.positiveInteger)
                g.add((ev, DKG.filledDownFrom, line))

    def add_conflicts(self, conflicts: Iterable[Conflict]) -> None:
        g = self.graph
        for conflict in conflicts:
            subject, prop = mint(self.base, conflict.subject), term(conflict.property)
            node = mint(self.base, f"conflict/{digest(self.source.key, subject, prop)}")
            g.add((node, RDF.type, DKG.Conflict))
            g.add((node, DKG.conflictSubject, subject))
            g.add((node, DKG.conflictProperty, prop))
            by_value: dict[str, list[int]] = defaultdict(list)
            for fact in conflict.facts:
                triple = (subject, prop, self.node(fact.value))
                g.add((node, DKG.conflictingEvidence, self.evidence_iri(triple, fact.evidence)))
                by_value[str(self.node(fact.value))].append(fact.evidence.line)
            said = "; ".join(
                f"{value} (line {', '.join(map(str, sorted(lines)))})"
                for value, lines in sorted(by_value.items())
            )
            comment = f"The article gives {len(by_value)} values for {conflict.property}: {said}."
            g.add((node, RDFS.comment, Literal(comment)))


def build_graph(
    facts: Iterable[Fact],
    conflicts: Iterable[Conflict],
    *,
    base: str,
    source: SourceInfo,
    about: str | None,
) -> Graph:
    builder = GraphBuilder(base, source)
    builder.add_article(about)
    builder.add_facts(sorted(facts, key=fact_order))
    builder.add_conflicts(conflicts)
    return builder.graph
