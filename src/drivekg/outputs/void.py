"""The VoID description of the dataset (``out/void.ttl``, served at ``/.well-known/void``).

Identifiers and locations: entities are ``{base}{key}``; the publication root is the base without
its last path segment (``https://w3id.org/drivekg/id/`` -> ``https://w3id.org/drivekg/``) and the
dumps and the SPARQL endpoint are described at ``{root}graph.ttl`` … ``{root}sparql``, which is the
layout ``drivekg serve`` gives them. A server rewrites only these *locations* to its own address
(``localize``); the dataset's identifiers stay canonical.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from drivekg.formats import FORMATS, TURTLE
from drivekg.graph.labels import curie
from drivekg.iris import publication_root
from drivekg.serialize import serialize
from drivekg.vocab import PREFIXES, RDF, SDO, VOID, XSD, bind_prefixes

if TYPE_CHECKING:
    from drivekg.graph.validate import Validation
    from drivekg.outputs.publication import Publication

__all__ = ["dataset_iri", "render_void", "void_graph"]

FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
_FEATURE = {
    "turtle": FORMATS_NS.Turtle, "jsonld": FORMATS_NS["JSON-LD"], "nt": FORMATS_NS["N-Triples"],
}


def dataset_iri(base: str) -> URIRef:
    return URIRef(publication_root(base) + "void.ttl#dataset")


def void_graph(graph: Graph, base: str, title: str) -> Graph:
    root = publication_root(base)
    ds = dataset_iri(base)
    void = bind_prefixes(Graph())
    void.bind("void", VOID)
    void.bind("dcterms", DCTERMS)
    void.bind("formats", FORMATS_NS)
    void.add((ds, RDF.type, VOID.Dataset))
    void.add((ds, DCTERMS.title, Literal(f"drivekg: {title}")))
    void.add((ds, DCTERMS.description, Literal(
        f"A knowledge graph of {title}, built from one article; every fact points at the "
        "passages of the article that state it (W3C Web Annotation selectors on the pinned "
        "source, and a Text Fragment link into the published article)."
    )))
    for article in sorted(graph.subjects(RDF.type, SDO.Article), key=str):
        for url in sorted(graph.objects(article, SDO.url), key=str):
            void.add((ds, DCTERMS.source, url))
        for licence in sorted(graph.objects(article, SDO.license), key=str):
            void.add((ds, DCTERMS.license, licence))
        for about in sorted(graph.objects(article, SDO.about), key=str):
            void.add((ds, VOID.rootResource, about))
            void.add((ds, VOID.exampleResource, about))
    typed = {s for s in graph.subjects(RDF.type, None) if str(s).startswith(base)}
    classes = sorted(set(graph.objects(None, RDF.type)), key=str)
    void.add((ds, VOID.triples, Literal(len(graph), datatype=XSD.integer)))
    void.add((ds, VOID.entities, Literal(len(typed), datatype=XSD.integer)))
    void.add((ds, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    void.add((ds, VOID.properties, Literal(len(set(graph.predicates())), datatype=XSD.integer)))
    void.add((ds, VOID.distinctSubjects, Literal(len(set(graph.subjects())), datatype=XSD.integer)))
    void.add((ds, VOID.distinctObjects, Literal(len(set(graph.objects())), datatype=XSD.integer)))
    void.add((ds, VOID.uriSpace, Literal(base)))
    for fmt in FORMATS:
        void.add((ds, VOID.dataDump, URIRef(f"{root}graph.{fmt.extension}")))
        void.add((ds, VOID.feature, _FEATURE[fmt.name]))
    void.add((ds, VOID.sparqlEndpoint, URIRef(f"{root}sparql")))
    used = {str(p) for p in graph.predicates()} | {str(c) for c in classes}
    for ns in sorted({str(ns) for ns in PREFIXES.values()}):
        if any(term.startswith(ns) for term in used):
            void.add((ds, VOID.vocabulary, URIRef(ns)))
    for cls in classes:
        members = set(graph.subjects(RDF.type, cls))
        part = URIRef(f"{ds}-class-{curie(cls).replace(':', '-')}")
        void.add((ds, VOID.classPartition, part))
        void.add((part, VOID["class"], cls))
        void.add((part, VOID.entities, Literal(len(members), datatype=XSD.integer)))
    return void


def render_void(build: Publication, validation: Validation) -> dict[str, bytes]:
    """Renderer (see ``pipeline.RENDERERS``): ``void.ttl``."""
    return {"void.ttl": serialize(void_graph(build.graph, build.base, build.source.title), TURTLE)}


def render_void_graph(build: Publication) -> Graph:
    return void_graph(build.graph, build.base, build.source.title)
