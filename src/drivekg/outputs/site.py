"""The static linked-data site (``out/site/``): one page per entity, its data files, the home page.

Layout mirrors the IRIs, so a page's relative links work on any host and under any sub-path::

    index.html                     the home page: the entity the article is about (the album)
    id/{key}.html                  a page per entity (a typed node of the graph, not evidence)
    id/{key}.ttl .jsonld .nt       the entity's triples plus the evidence behind them
    graph.ttl graph.jsonld graph.nt void.ttl   the whole graph and its VoID description
    static/style.css static/favicon.svg

A page shows every fact about its entity with the article text that states it (each passage with
its line and a link that opens the published article at it), links to the
entities it names and that name it, the charts and award nominations it takes part in as tables, a
picture of its neighbourhood (inline SVG drawn here), and its schema.org view as embedded JSON-LD.
Everything is deterministic: the same graph gives the same bytes.
"""

from __future__ import annotations

import json
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from drivekg.facts.passages import Passages
from drivekg.formats import FORMATS, JSONLD, NTRIPLES, TURTLE
from drivekg.graph.labels import Labeler, curie, literal_text, term_label
from drivekg.iris import safe_href
from drivekg.layout import resource
from drivekg.outputs.entityfiles import dumps
from drivekg.outputs.neighbourhood import Picture, draw
from drivekg.outputs.schemaorg import describe
from drivekg.outputs.void import render_void_graph
from drivekg.records import Passage
from drivekg.serialize import serialize
from drivekg.vocab import DKG, OA, PROV, RDF, RDFS, SDO

if TYPE_CHECKING:
    from drivekg.graph.validate import Validation
    from drivekg.outputs.publication import Publication

__all__ = ["entities", "entity_path", "render_site", "script_json"]

Triple = tuple[Node, Node, Node]


def script_json(data: Any) -> Markup:
    """JSON for a ``<script>`` block: ``<``, ``>``, ``&`` escaped so no text can end the block."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)


def entities(graph: Graph, base: str) -> list[URIRef]:
    """Typed nodes minted under the base, except the selectors of passages: each gets a page."""
    evidence = set(graph.objects(None, OA.hasSelector))
    return sorted(
        s
        for s in set(graph.subjects(RDF.type, None))
        if isinstance(s, URIRef) and str(s).startswith(base) and s not in evidence
    )


def entity_path(base: str, node: URIRef, extension: str = "html") -> str:
    return f"id/{str(node)[len(base):]}.{extension}"


@dataclass(frozen=True)
class Value:
    text: str
    href: str | None = None  # a page of this site (relative) or an external IRI
    title: str | None = None  # the term's IRI or CURIE, or a literal's lexical form
    external: bool = False


@dataclass(frozen=True)
class Quote:
    text: str
    line: int | None
    filled_from: int | None = None  # a row that continues a collapsed rowspan: the line above
    href: str | None = None  # a Text Fragment link that opens the published article at the text


@dataclass
class Row:
    value: Value
    quotes: list[Quote] = field(default_factory=list)
    key: str = ""  # the object's N3: the last sort key, so equal texts keep a stable order


@dataclass
class FactGroup:
    label: str
    curie: str
    rows: list[Row]

    @property
    def shared(self) -> bool:
        """Every value stated by the same text (an infobox line listing several): quote it once."""
        return len(self.rows) > 1 and bool(self.rows[0].quotes) and all(
            r.quotes == self.rows[0].quotes for r in self.rows
        )


class SiteBuilder:
    def __init__(
        self,
        graph: Graph,
        base: str,
        home: URIRef | None,
        passages: dict[URIRef, Passage] | None = None,
    ) -> None:
        self.graph, self.base, self.home = graph, base, home
        self.passages = passages or {}  # passage IRI -> its record (line, continued row)
        self.label = Labeler(graph, base)
        self.pages = set(entities(graph, base))
        # a fact's passages: through its statement node, or its subject's dkg:statedIn
        self.statements: dict[Triple, Node] = {}
        for st in graph.subjects(RDF.subject, None):
            s, p, o = (graph.value(st, prop) for prop in (RDF.subject, RDF.predicate, RDF.object))
            if s is not None and p is not None and o is not None:
                self.statements[(s, p, o)] = st
        self.article_url = next(
            (str(u) for a in sorted(graph.subjects(RDF.type, SDO.Article), key=str)
             for u in sorted(graph.objects(a, SDO.url), key=str) if safe_href(str(u))), None,
        )
        self.env = _environment()

    # ------------------------------------------------------------------ values and quotes

    def cited(self, triple: Triple) -> list[Node]:
        """The passages that state a fact."""
        statement = self.statements.get(triple)
        if statement is not None:
            return list(self.graph.objects(statement, PROV.wasDerivedFrom))
        return list(self.graph.objects(triple[0], DKG.statedIn))

    def quote(self, passage: Node) -> Quote:
        quote = next((text for selector in self.graph.objects(passage, OA.hasSelector)
                      for text in self.graph.objects(selector, OA.exact)), None)
        link = self.graph.value(passage, SDO.url)
        record = self.passages.get(passage) if isinstance(passage, URIRef) else None
        return Quote(str(quote or ""), record.line if record else None,
                     record.continues if record else None, str(link) if link else None)

    def quotes_of(self, passages: list[Node]) -> list[Quote]:
        found = {self.quote(p) for p in passages}
        return sorted(found, key=lambda q: (q.line or 0, q.text))

    def quotes(self, triple: Triple) -> list[Quote]:
        return self.quotes_of(self.cited(triple))

    def value(self, node: Node, page: str) -> Value:
        if isinstance(node, Literal):
            text = literal_text(node)
            return Value(text, title=str(node) if text != str(node) else None)
        if isinstance(node, URIRef) and node in self.pages:
            href = posixpath.relpath(entity_path(self.base, node), posixpath.dirname(page) or ".")
            return Value(self.label(node), href=href, title=str(node))
        if (node, OA.hasSelector, None) in self.graph:  # a passage
            quote = self.quote(node)
            where = f" (line {quote.line})" if quote.line else ""
            link = safe_href(quote.href) if quote.href else None
            return Value(f"“{quote.text}”{where}", href=link, title=str(node),
                         external=link is not None)
        if curie(node) == str(node):  # no vocabulary's: an IRI of the web, or of another scheme
            external = safe_href(str(node))
            if external and ":" in external:
                return Value(str(node), href=external, external=True)
            return Value(str(node))  # javascript:, urn:, … are shown, never linked
        return Value(term_label(node), title=curie(node))

    def link(self, node: Node | None, page: str) -> Value:
        return self.value(node, page) if node is not None else Value("—")

    # ------------------------------------------------------------------ page parts

    def facts(self, node: URIRef, page: str) -> list[FactGroup]:
        """The node's facts by property, each with its quotes (none when the page quotes the
        node's passages once, for a node stated as a whole: see ``node_quotes``)."""
        by_prop: dict[Node, list[Node]] = defaultdict(list)
        for p, o in self.graph.predicate_objects(node):
            if p != DKG.statedIn:
                by_prop[p].append(o)
        whole = bool(self.node_quotes(node))
        order = sorted(by_prop, key=lambda p: (p != RDF.type, p != SDO.name, term_label(p)))
        groups = []
        for p in order:
            rows = [Row(self.value(o, page), [] if whole else self.quotes((node, p, o)), o.n3())
                    for o in by_prop[p]]
            rows.sort(key=lambda r: (r.value.text, r.value.title or "", r.key))
            groups.append(FactGroup(term_label(p), curie(p), rows))
        return groups

    def node_quotes(self, node: URIRef) -> list[Quote]:
        """The passages that state every fact of the node (its dkg:statedIn), quoted once."""
        return self.quotes_of(list(self.graph.objects(node, DKG.statedIn)))

    def incoming(self, node: URIRef, page: str) -> list[tuple[Value, str]]:
        found = {
            (s, p) for s, p in self.graph.subject_predicates(node)
            if isinstance(s, URIRef) and s in self.pages and p != DKG.conflictSubject
        }
        rows = [(self.value(s, page), term_label(p), str(s)) for s, p in found]
        return [(v, p) for v, p, _ in sorted(rows, key=lambda r: (r[1], r[0].text, r[2]))]

    def _row_quote(self, node: Node, prop: URIRef) -> list[Quote]:
        value = self.label.first(node, prop)
        return self.quotes((node, prop, value)) if value is not None else []

    def charts(self, node: URIRef, page: str) -> list[dict[str, Any]]:
        g, first = self.graph, self.label.first
        # the home page lists every entry; any other page only its own (found from the node, so
        # that the site's cost grows with the graph, not with pages x entries)
        entries = (set(g.subjects(RDF.type, DKG.ChartEntry)) if node == self.home else {
            e for e in {*g.subjects(DKG.chartedItem, node), *g.subjects(DKG.chart, node)}
            if (e, RDF.type, DKG.ChartEntry) in g})
        rows = []
        for entry in entries:
            start, end = first(entry, DKG.periodStart), first(entry, DKG.periodEnd)
            period = "not stated" if start is None else (
                str(start) if end in (None, start) else f"{start}–{end}")
            kind = first(entry, DKG.chartKind)
            # one row per stated position: where the article gives two, both show, each quoted
            positions: list[Node | None] = [
                *sorted(g.objects(entry, DKG.position), key=lambda v: v.n3())
            ] or [None]
            for position in positions:
                rows.append({
                    "iri": str(entry),
                    "entry": self.value(entry, page),
                    "chart": self.link(first(entry, DKG.chart), page),
                    "item": self.link(first(entry, DKG.chartedItem), page),
                    "kind": term_label(kind) if kind is not None else "not stated",
                    "period": period,
                    "position": str(position or "—"),
                    "quotes": self.quotes((entry, DKG.position, position)) if position else [],
                })
        return sorted(
            rows, key=lambda r: (r["kind"], r["period"], r["chart"].text, r["iri"], r["position"])
        )

    def nominations(self, node: URIRef, page: str) -> list[dict[str, Any]]:
        g, first = self.graph, self.label.first
        if node == self.home:
            found = set(g.subjects(RDF.type, DKG.AwardNomination))
        else:  # only the nominations that name this node: each page looks up its own
            categories = {node, *g.subjects(DKG.conferredBy, node)}
            naming = {
                *g.subjects(DKG.nominee, node),
                *g.subjects(DKG.forWork, node),
                *(n for c in categories for n in g.subjects(DKG.awardCategory, c)),
            }
            found = {n for n in naming if (n, RDF.type, DKG.AwardNomination) in g}
        rows = []
        for nom in found:
            date = first(nom, DKG.ceremonyDate)
            result = first(nom, DKG.result)
            category = first(nom, DKG.awardCategory)
            name = first(category, SDO.name) if category is not None else None
            rows.append({
                "iri": str(nom),
                "nomination": self.value(nom, page),
                "award": self.link(first(category, DKG.conferredBy) if category else None, page),
                "date": literal_text(date) if isinstance(date, Literal) else "not stated",
                "sort": str(date or ""),
                "category": str(name or "—"),
                "nominee": self.link(first(nom, DKG.nominee), page),
                "result": term_label(result) if result is not None else "not stated",
                "quotes": self._row_quote(nom, DKG.awardCategory),
            })
        return sorted(rows, key=lambda r: (r["sort"], r["award"].text, r["category"], r["iri"]))

    def conflicts(self, node: URIRef, page: str) -> list[tuple[Value, str]]:
        found = []
        for conflict in self.graph.subjects(DKG.conflictSubject, node):
            comment = " ".join(sorted(str(c) for c in self.graph.objects(conflict, RDFS.comment)))
            found.append((self.value(conflict, page), comment, str(conflict)))
        return [(v, c) for v, c, _ in sorted(found, key=lambda c: (c[0].text, c[2]))]

    # ------------------------------------------------------------------ data files and pages

    def subgraph(self, node: URIRef) -> list[Triple]:
        """The entity's triples, their statement nodes, and the passages that state them."""
        g = self.graph
        found: list[Triple] = []
        passages: set[Node] = set(g.objects(node, DKG.statedIn))
        for p, o in g.predicate_objects(node):
            found.append((node, p, o))
            statement = self.statements.get((node, p, o))
            if statement is not None:
                found.extend(g.triples((statement, None, None)))
                passages |= set(g.objects(statement, PROV.wasDerivedFrom))
        for passage in passages:
            found.extend(g.triples((passage, None, None)))
            for selector in g.objects(passage, OA.hasSelector):
                found.extend(g.triples((selector, None, None)))
        return found

    def page(self, node: URIRef, page: str) -> bytes:
        here = posixpath.dirname(page) or "."
        root = posixpath.relpath(".", here)
        prefix = "" if root == "." else root + "/"
        view = describe(self.graph, node)
        alternates = [
            (fmt.media_type, fmt.name,
             posixpath.relpath(entity_path(self.base, node, fmt.extension), here))
            for fmt in FORMATS
        ]
        picture: Picture = draw(self.graph, node, self.pages, self.label,
                                lambda n: self.value(n, page).href)
        context = {
            "title": self.label(node),
            "iri": str(node),
            "types": sorted(term_label(t) for t in self.graph.objects(node, RDF.type)),
            "is_home": node == self.home and page == "index.html",
            "home_href": prefix + "index.html",
            "root": prefix,
            "facts": self.facts(node, page),
            "node_quotes": self.node_quotes(node),
            "incoming": self.incoming(node, page),
            "charts": self.charts(node, page),
            "nominations": self.nominations(node, page),
            "conflicts": self.conflicts(node, page),
            "jsonld": script_json(view) if view is not None else None,
            "alternates": alternates,
            "picture": picture,
            "article_url": self.article_url,
            "csp": Markup(CONTENT_SECURITY_POLICY),  # a constant; its quotes stay as written
        }
        html: str = self.env.get_template("entity.html").render(**context)
        return html.encode()

    def render(self) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        for node in sorted(self.pages):
            path = entity_path(self.base, node)
            files[path] = self.page(node, path)
            sub = self.subgraph(node)
            for fmt in (TURTLE, JSONLD, NTRIPLES):
                files[entity_path(self.base, node, fmt.extension)] = dumps(sub, fmt, first=node)
        if self.home is not None and self.home in self.pages:
            files["index.html"] = self.page(self.home, "index.html")
        for name in ("style.css", "favicon.svg"):
            files[f"static/{name}"] = _static(name)
        return files


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("drivekg", "resources/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["url"] = url_attribute
    return env


def url_attribute(url: str) -> str:
    """The one way a URL enters a page (``href="{{ x | url }}"``): http(s) or relative, else
    ``#`` -- the values are checked before they get here, this is the last line of defence."""
    return safe_href(url) or "#"


# What the pages need, and nothing else: the stylesheet and the favicon from the site itself.
# The JSON-LD block is data (never run: no script-src), the SVG is inline. As a <meta> (the site
# is plain files, often without headers of its own) it cannot carry frame-ancestors.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"
)


def _static(name: str) -> bytes:
    return resource("static", name).read_bytes()


def home_entity(graph: Graph, base: str, album: str | None) -> URIRef | None:
    """The album (the build's infobox subject), else what the source article is about."""
    if album is not None:
        return URIRef(base + album)
    about = sorted((o for a in graph.subjects(RDF.type, SDO.Article)
                    for o in graph.objects(a, SDO.about)), key=str)
    return about[0] if about and isinstance(about[0], URIRef) else None


def render_site(build: Publication, validation: Validation) -> dict[str, bytes]:
    """Renderer (see ``pipeline.RENDERERS``): every file under ``site/``."""
    graph = build.graph
    records = Passages(build.article, build.source.key)
    passages = {
        URIRef(build.base + p.key): p for f in build.facts for p in records.of(f.evidence)
    }
    builder = SiteBuilder(graph, build.base, home_entity(graph, build.base, build.album), passages)
    files = builder.render()
    files.update(build.dumps)  # the same bytes as out/graph.*, serialized once
    files["void.ttl"] = serialize(render_void_graph(build), TURTLE)
    return {f"site/{name}": data for name, data in files.items()}
