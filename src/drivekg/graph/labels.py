"""Readable text for graph terms: names of things, labels of properties, values a person can read.

Generic over the vocabularies: a thing's ``schema:name`` (or ``rdfs:label``); for the n-ary nodes
of the drivekg ontology, which have no name, a label composed from their parts; property labels
from ``resources/ontology/drivekg.ttl`` for ``dkg:`` terms and from the local name for schema.org
terms.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from drivekg.layout import resource
from drivekg.vocab import DKG, PREFIXES, RDF, RDFS, SDO, SKOS, XSD

__all__ = ["Labeler", "curie", "humanize", "term_label"]

_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


def curie(iri: object) -> str:
    """A CURIE where a project prefix fits, else the IRI as it is."""
    text = str(iri)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
        if text.startswith(str(ns)) and len(text) > len(str(ns)):
            return f"{prefix}:{text[len(str(ns)):]}"
    return text


def humanize(local: str) -> str:
    """``byArtist`` -> ``by artist``; ``CDFormat`` -> ``CD format``."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", local)
    return " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in words.split())


@lru_cache(maxsize=1)
def _ontology_labels() -> dict[str, str]:
    """``rdfs:label`` of every term in the drivekg ontology (English), read once."""
    path = resource("ontology", "drivekg.ttl")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    graph = Graph().parse(data=text, format="turtle")
    return {str(s): str(o) for s, o in graph.subject_objects(RDFS.label) if isinstance(s, URIRef)}


def term_label(iri: Node) -> str:
    """A vocabulary term (property, class, enumeration member) as words."""
    if iri == RDF.type:
        return "type"
    own = _ontology_labels().get(str(iri))
    if own:
        return own
    name = curie(iri)
    if ":" in name and not name.startswith(("http:", "https:")):
        return humanize(name.split(":", 1)[1])
    return name


def literal_text(value: Literal) -> str:
    """A literal as a reader expects it: dates spelled out, durations as h:mm:ss."""
    lexical = str(value)
    try:
        if value.datatype == XSD.date:
            day = dt.date.fromisoformat(lexical)
            return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
        if value.datatype == XSD.gYearMonth:
            year, month = lexical.split("-")[:2]
            return f"{_MONTHS[int(month) - 1]} {year}"
    except (ValueError, IndexError):
        return lexical
    if value.datatype == XSD.duration:
        match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?", lexical)
        if match and any(match.groups()):
            h, m, s = (int(g or 0) for g in match.groups())
            return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
    return lexical


class Labeler:
    """Names for the nodes of one graph (cached)."""

    def __init__(self, graph: Graph, base: str) -> None:
        self.graph, self.base = graph, base
        self._cache: dict[Node, str] = {}

    def __call__(self, node: Node) -> str:
        if node not in self._cache:
            self._cache[node] = self._label(node, 2)
        return self._cache[node]

    def key(self, node: Node) -> str:
        text = str(node)
        return text[len(self.base):] if text.startswith(self.base) else text

    def first(self, node: Node, prop: URIRef) -> Node | None:
        """One value of ``prop`` (the smallest in N3 order, so the choice is stable)."""
        values = sorted(self.graph.objects(node, prop), key=lambda v: v.n3())
        return values[0] if values else None

    def _text(self, node: Node | None, depth: int) -> str:
        if node is None:
            return "?"
        if isinstance(node, Literal):
            return literal_text(node)
        return self._label(node, depth)

    def _label(self, node: Node, depth: int) -> str:
        if isinstance(node, Literal):
            return literal_text(node)
        for prop in (SDO.name, SKOS.prefLabel, RDFS.label):
            value = self.first(node, prop)
            if value is not None:
                return str(value)
        if not str(node).startswith(self.base):
            return term_label(node)
        if depth <= 0:
            return self.key(node)
        composed = self._composed(node, depth)
        if composed is not None:
            return composed
        description = self.first(node, SDO.description)
        if description is not None:
            return str(description)
        kinds = sorted(term_label(t) for t in self.graph.objects(node, RDF.type))
        return f"{kinds[0] if kinds else 'thing'} {self.key(node)}"

    def _names(self, node: Node, prop: URIRef, depth: int) -> str:
        """The values of ``prop`` as text, sorted and joined ("A and B")."""
        values = sorted(self._text(v, depth) for v in self.graph.objects(node, prop))
        return " and ".join(values) if values else "?"

    def _composed(self, node: Node, depth: int) -> str | None:
        """A label built from the parts of an n-ary node (a chart entry, a nomination …)."""
        g, first, sub = self.graph, self.first, depth - 1
        types = set(g.objects(node, RDF.type))
        if DKG.ChartEntry in types:
            start, end = first(node, DKG.periodStart), first(node, DKG.periodEnd)
            period = "" if start is None else (
                f", {start}" if end in (None, start) else f", {start}–{end}")
            chart = self._text(first(node, DKG.chart), sub)
            return f"{chart}{period}: position {self._text(first(node, DKG.position), sub)}"
        if DKG.AwardNomination in types:
            category = first(node, DKG.awardCategory)
            by = first(category, DKG.conferredBy) if category is not None else None
            name = first(category, SDO.name) if category is not None else None
            return f"{self._text(by, sub)}: {self._text(name, sub)}"
        if SDO.ChooseAction in types:
            agents = self._names(node, SDO.agent, sub)
            return f"{agents} chose {self._names(node, SDO.object, sub)}"
        if SDO.CommunicateAction in types:
            agents = self._names(node, SDO.agent, sub)
            return f"{agents} told {self._names(node, SDO.recipient, sub)}"
        if SDO.Review in types:
            author = first(node, SDO.author)
            outlet = first(node, SDO.publisher)
            text = "Review" + (f" by {self._text(author, sub)}" if author is not None else "")
            return text + (f" ({self._text(outlet, sub)})" if outlet is not None else "")
        if SDO.Event in types and (node, SDO.startDate, None) in g:  # a recording session
            start, end = first(node, SDO.startDate), first(node, SDO.endDate)
            span = self._text(start, sub) + (f"–{self._text(end, sub)}" if end != start else "")
            return f"Recorded {span}"
        if SDO.Role in types:  # a personnel line: who, and what they did
            roles = sorted(str(r) for r in g.objects(node, SDO.roleName))
            who = self._text(first(node, SDO.contributor), sub)
            return f"{who}: {', '.join(roles)}" if roles else who
        if SDO.Rating in types:
            value, best = first(node, SDO.ratingValue), first(node, SDO.bestRating)
            return f"Rating {value}" + (f"/{best}" if best is not None else "")
        if SDO.MusicRelease in types:
            work = self._text(first(node, SDO.releaseOf), sub)
            detail = first(node, SDO.description) or first(node, SDO.musicReleaseFormat)
            if detail is not None:
                return f"{work} ({self._text(detail, sub)})"
            date = first(node, SDO.datePublished)
            return f"{work} (released {self._text(date, sub)})" if date is not None else work
        if DKG.Conflict in types:
            disputed = first(node, DKG.conflictProperty)
            about = self._text(first(node, DKG.conflictSubject), sub)
            return f"Conflict: {term_label(disputed) if disputed else '?'} of {about}"
        return None
