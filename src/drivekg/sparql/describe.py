"""The document an IRI dereferences to, built on demand from the graph, a page at a time.

Any IRI that is a subject or an object in the graph has a document; nothing about its kind is
known here, so new kinds of node (passages, statements, …) dereference without code. A document
holds, for the IRI ``e``:

* its **links**: every triple with ``e`` as subject (outgoing) or object (incoming): a symmetric
  concise bounded description, paged in a fixed order (outgoing first, then by property and
  node) so that a hub — a label with 10,000 releases — is a series of small documents;
* the **types and labels** of every node it links to on that page (``rdf:type``,
  ``rdfs:label``, ``schema:name``, ``skos:prefLabel``), and of ``e`` itself on every page;
* the full description of each **reification** of its triples (a statement node ``s`` with
  ``s rdf:subject e``), as the concise bounded description includes reifications;
* the full description of ``e``'s **hash IRIs** it links to (``e#quote``: the fragment is not
  sent over HTTP, so ``e#quote`` is described in ``e``'s document);
* its **evidence**: the full description (with their hash IRIs) of the nodes that ``e`` or its
  reifications point to with ``prov:wasDerivedFrom`` or ``dkg:statedIn`` — the passage or the
  evidence node quoting the article.

Every part is one SELECT, sent through a ``backend.Backend``, so the embedded store and an
external SPARQL store give the same document for the same data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from drivekg.sparql.backend import Backend, Row, Term

__all__ = ["LABELS", "PAGE_SIZE", "Description", "describe"]

PAGE_SIZE = 500  # links per page
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
LABELS = (f"{RDF}type", "http://www.w3.org/2000/01/rdf-schema#label",
          "https://schema.org/name", "http://www.w3.org/2004/02/skos/core#prefLabel")
EVIDENCE = ("http://www.w3.org/ns/prov#wasDerivedFrom",
            "https://w3id.org/drivekg/ontology#statedIn")
REIFIES = f"{RDF}subject"


@dataclass(frozen=True)
class Description:
    iri: str
    page: int
    triples: tuple[ox.Triple, ...]
    has_next: bool

    @property
    def found(self) -> bool:
        return bool(self.triples)


def _iri(node: Term) -> str:
    assert isinstance(node, ox.NamedNode)
    return str(node)  # <…>: safe to write into a query (pyoxigraph checked it)


def _values(nodes: Iterable[Term]) -> str:
    return " ".join(sorted({_iri(n) for n in nodes if isinstance(n, ox.NamedNode)}))


async def _outgoing(backend: Backend, nodes: set[Term],
                    properties: Iterable[str] = ()) -> list[ox.Triple]:
    """Every triple of ``nodes`` (only ``properties``, when given)."""
    if not any(isinstance(n, ox.NamedNode) for n in nodes):
        return []
    props = " ".join(f"<{p}>" for p in properties)
    restrict = f"VALUES ?p {{ {props} }} " if props else ""
    rows = await backend.select(
        f"SELECT ?n ?p ?v WHERE {{ VALUES ?n {{ {_values(nodes)} }} {restrict}?n ?p ?v }}")
    return [ox.Triple(r["n"], r["p"], r["v"]) for r in rows  # type: ignore[arg-type]
            if "n" in r and "p" in r and "v" in r]


def _hash_children(owner: str, nodes: Iterable[Term]) -> set[Term]:
    return {n for n in nodes if isinstance(n, ox.NamedNode) and n.value.startswith(owner + "#")}


async def describe(backend: Backend, iri: str, *, page: int = 1,
                   page_size: int = PAGE_SIZE) -> Description:
    """The document of ``iri``, page ``page`` (1-based); empty when the graph never names it."""
    node = ox.NamedNode(iri)  # raises ValueError for a text that is not an IRI
    me = str(node)
    links: list[Row] = await backend.select(
        f"SELECT ?dir ?p ?n WHERE {{ {{ {me} ?p ?n . BIND(1 AS ?dir) }} UNION "
        f"{{ ?n ?p {me} . BIND(2 AS ?dir) }} }} ORDER BY ?dir ?p ?n "
        f"LIMIT {page_size + 1} OFFSET {(page - 1) * page_size}")
    has_next = len(links) > page_size
    triples: set[ox.Triple] = set()
    neighbours: set[Term] = set()
    reifications: set[Term] = set()
    for row in links[:page_size]:
        p, n = row["p"], row["n"]
        assert isinstance(p, ox.NamedNode)
        outgoing = isinstance(row["dir"], ox.Literal) and row["dir"].value == "1"
        triples.add(ox.Triple(node, p, n) if outgoing else ox.Triple(n, p, node))  # type: ignore[arg-type]
        neighbours.add(n)
        if not outgoing and p.value == REIFIES:
            reifications.add(n)
    if not triples:
        return Description(iri, page, (), False)
    full = reifications | _hash_children(iri, neighbours)
    described = await _outgoing(backend, full)
    triples.update(described)
    triples.update(await _outgoing(backend, (neighbours - full) | {node}, LABELS))
    cited = {t.object for t in triples if t.predicate.value in EVIDENCE
             and (t.subject == node or t.subject in reifications)} - full - {node}
    evidence = await _outgoing(backend, cited)
    triples.update(evidence)
    children = set().union(*(_hash_children(str(c.value), (t.object for t in evidence))
                             for c in cited if isinstance(c, ox.NamedNode)))
    triples.update(await _outgoing(backend, children - full))
    restored = {backend.restore(t) for t in triples}
    return Description(iri, page, tuple(sorted(restored, key=str)), has_next)
