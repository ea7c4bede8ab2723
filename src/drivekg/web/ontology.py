"""The ontology namespace dereferences: ``/ontology`` documents ``https://w3id.org/drivekg/ontology#``.

From ``resources/ontology/drivekg.ttl``, read once: an HTML page with a section per kind of term
(classes, properties, individuals), each term at its fragment (``/ontology#ChartEntry``) with its
label, comment and every other statement about it (domain, range, alignments), and the same
triples in every RDF format by negotiation.

Why not pyLODE (RDFLib/pyLODE on PyPI): the last release that installs on Python 3.11 (the
project's floor), 3.4.1, fails at import (its ``version.py`` reads a ``pyproject.toml`` the wheel
does not ship, RDFLib/pyLODE#260); 3.4.2 and later need Python 3.12, and 3.6.0 fails at import
with the ``kurra`` release pip resolves for it. 3.4.4 on Python 3.12 with ``kurra<3`` does work
offline, but takes 3.4 s and writes inline ``<style>`` and ``data:`` icons that the server's
Content-Security-Policy (``style-src 'self'``) would block. This page is a template of a few dozen
lines in the site's own style, deterministic and offline.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import jinja2
import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from drivekg.formats import RDF_FORMATS, Format, to_ox, write
from drivekg.layout import ONTOLOGY_PATH, resource
from drivekg.vocab import OWL, PREFIXES, RDF, RDFS
from drivekg.web.published import ONTOLOGY, Representation

__all__ = ["Ontology"]

_SECTIONS = (
    ("classes", "Classes", (OWL.Class, RDFS.Class)),
    ("object-properties", "Object properties", (OWL.ObjectProperty,)),
    ("datatype-properties", "Datatype properties", (OWL.DatatypeProperty,)),
    ("annotation-properties", "Annotation properties", (OWL.AnnotationProperty,)),
    ("individuals", "Individuals", (OWL.NamedIndividual,)),
)
_SHOWN_APART = {RDFS.label, RDFS.comment}


@dataclass(frozen=True)
class Value:
    text: str
    iri: str | None = None
    anchor: str | None = None


@dataclass
class Term:
    iri: str
    label: str
    curie: str
    comment: str
    anchor: str
    rows: list[tuple[str, list[Value]]] = field(default_factory=list)


def _curie(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda pn: -len(str(pn[1]))):
        if iri.startswith(str(ns)) and len(iri) > len(str(ns)):
            return f"{prefix}:{iri[len(str(ns)):]}"
    return iri


class Ontology:
    """The ontology file, its page and its RDF, each made once."""

    def __init__(self) -> None:
        self.graph = Graph().parse(data=resource("ontology", "drivekg.ttl").read_text("utf-8"),
                                   format="turtle")
        self.namespace = ONTOLOGY + "#"
        self._reps: dict[str, Representation] = {}

    def _value(self, node: Node) -> list[Value]:
        if isinstance(node, BNode) and (node, RDF.first, None) in self.graph:
            return [v for item in Collection(self.graph, node) for v in self._value(item)]
        if isinstance(node, URIRef):
            iri = str(node)
            anchor = iri[len(self.namespace):] if iri.startswith(self.namespace) else None
            return [Value(_curie(iri), iri, anchor)]
        if isinstance(node, Literal):
            return [Value(str(node))]
        return [Value(node.n3())]

    def _term(self, node: URIRef) -> Term:
        g = self.graph
        iri = str(node)
        rows: dict[str, list[Value]] = defaultdict(list)
        for p, o in sorted(g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            if p not in _SHOWN_APART:
                rows[_curie(str(p))].extend(self._value(o))
        return Term(
            iri=iri, label=str(g.value(node, RDFS.label) or _curie(iri)), curie=_curie(iri),
            comment=str(g.value(node, RDFS.comment) or ""),
            anchor=iri[len(self.namespace):], rows=sorted(rows.items()),
        )

    @cached_property
    def page(self) -> Representation:
        g, seen = self.graph, set()
        sections: list[dict[str, Any]] = []
        for anchor, title, classes in _SECTIONS:
            nodes = sorted({s for c in classes for s in g.subjects(RDF.type, c)
                            if isinstance(s, URIRef) and str(s).startswith(self.namespace)
                            and s not in seen}, key=str)
            seen.update(nodes)
            if nodes:
                sections.append({"id": anchor, "title": title,
                                 "terms": [self._term(n) for n in nodes]})
        onto = URIRef(ONTOLOGY)
        prefix = next((str(o) for o in g.objects(onto, URIRef(
            "http://purl.org/vocab/vann/preferredNamespacePrefix"))), "dkg")
        env = jinja2.Environment(loader=jinja2.PackageLoader("drivekg", "resources/templates"),
                                 autoescape=True, undefined=jinja2.StrictUndefined,
                                 trim_blocks=True, lstrip_blocks=True)
        html = env.get_template("ontology.html").render(
            title=str(g.value(onto, RDFS.label) or "drivekg ontology"), iri=ONTOLOGY,
            description=" ".join(str(g.value(onto, RDFS.comment) or "").split()),
            version=str(g.value(onto, OWL.versionInfo) or ""), prefix=prefix,
            namespace=self.namespace, sections=sections,
            alternates=[(f.media_type, f.label, f"{ONTOLOGY_PATH}.{f.extension}")
                        for f in RDF_FORMATS],
        )
        return Representation.of(html.encode(), "text/html; charset=utf-8")

    def rdf(self, fmt: Format) -> Representation:
        if fmt.name not in self._reps:
            triples = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in self.graph]
            self._reps[fmt.name] = Representation.of(write(triples, fmt, first=ONTOLOGY),
                                                     fmt.content_type)
        return self._reps[fmt.name]
