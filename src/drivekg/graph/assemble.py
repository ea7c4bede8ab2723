"""Facts with evidence -> one rdflib Graph, the RDF 1.1 edition. The only module that mints IRIs.

Every fact is a plain triple, so SPARQL users see ordinary data. Its evidence is one or more
passages (``facts.passages``): each sentence, table row and infobox line of the article is one
resource, described once with W3C Web Annotation selectors on the pinned source article::

    passage oa:hasSource article ; oa:hasSelector passage#quote, passage#position ;
            schema:url <https://…/Article#:~:text=…> .            # a Text Fragment link
    passage#quote a oa:TextQuoteSelector ; oa:exact "…" .        # prefix/suffix only if needed
    passage#position a oa:TextPositionSelector ; oa:start 123 ; oa:end 180 .

A node's triples point at their passages in one of two ways, never both:

- ``node dkg:statedIn passage``: the passages state every triple of the node. So it is for a
  *record* (a key with a kind prefix: a nomination, a chart entry, an award category, an edition,
  a review …), read from a few passages as a whole: a table row is cited once, not once per cell,
  and a row that continues another cites that row too. So it is, too, for any node whose every
  triple the same passages state (a band named once, in one sentence);
- otherwise each triple has a statement node, one per triple however often the article states it
  (RDF 1.1 reification): ``statement rdf:subject s ; rdf:predicate p ; rdf:object o ;
  prov:wasDerivedFrom passage, …``.

A node with a conflict always has statement nodes, so each disagreeing value names its own
passage; the ``dkg:Conflict`` names the passages. The RDF 1.2 edition (``outputs.rdf12``) needs
neither: there each passage reifies each triple it states (``fact_passages``). Text the article
writes in English
(names, descriptions, genres, a review's body) is tagged ``@en``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from drivekg.facts.conflicts import fact_order
from drivekg.facts.passages import Passages, directive_url
from drivekg.graph.namespaces import new_graph
from drivekg.iris import digest, mint
from drivekg.records import Article, Conflict, Fact, Lit, Passage, Ref, SourceInfo, Term, Value
from drivekg.vocab import DKG, OA, PROV, RDF, RDFS, SDO, XSD, expand_curie

__all__ = ["LANGUAGE", "STATEMENT", "Triple", "build_graph", "fact_passages", "is_record", "term"]

LANGUAGE = "en"  # the article format is the English Wikipedia's
STATEMENT = "statement/"  # key prefix of the RDF 1.1 statement nodes
# Properties whose plain-text values are the article's English words.
ENGLISH = frozenset(
    {"schema:name", "schema:description", "schema:genre", "schema:reviewBody",
     "schema:alternateName", "skos:prefLabel", "skos:altLabel"}
)


Triple = tuple[URIRef, URIRef, Node]


def term(curie_or_iri: str) -> URIRef:
    return URIRef(curie_or_iri) if "://" in curie_or_iri else expand_curie(curie_or_iri)


def is_record(key: str) -> bool:
    """A node read from a few passages as a whole: its key has a kind prefix (docs/claims.md)."""
    return "/" in key


class GraphBuilder:
    def __init__(self, base: str, source: SourceInfo, article: Article) -> None:
        self.base, self.source, self.text = base, source, article.text
        self.article = mint(base, source.key)
        self.passages = Passages(article, source.key)
        self.graph = new_graph()

    def node(self, value: Value, prop: str = "") -> Node:
        if isinstance(value, Ref):
            return mint(self.base, value.key)
        if isinstance(value, Term):
            return term(value.iri)
        assert isinstance(value, Lit)
        if value.datatype == "xsd:string":
            return Literal(value.lexical, lang=LANGUAGE if prop in ENGLISH else None)
        return Literal(value.lexical, datatype=term(value.datatype))

    def triple(self, fact: Fact) -> Triple:
        return mint(self.base, fact.subject), term(fact.property), self.node(fact.value,
                                                                             fact.property)

    def add_article(self, about: str | None) -> None:
        g, article, source = self.graph, self.article, self.source
        g.add((article, RDF.type, SDO.Article))
        g.add((article, RDF.type, PROV.Entity))
        g.add((article, SDO.name, Literal(source.title, lang=LANGUAGE)))
        g.add((article, SDO.inLanguage, Literal(LANGUAGE)))
        sha = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        g.add((article, DKG.sha256, Literal(sha)))
        if source.url:
            g.add((article, SDO.url, URIRef(source.url)))
        if source.license:
            g.add((article, SDO.license, URIRef(source.license)))
        if source.revision:
            g.add((article, SDO.version, Literal(source.revision)))
        if source.retrieved:
            g.add((article, DKG.retrieved, Literal(source.retrieved, datatype=XSD.date)))
        if about:
            g.add((article, SDO.about, mint(self.base, about)))

    def add_passage(self, passage: Passage) -> URIRef:
        g, node = self.graph, mint(self.base, passage.key)
        if (node, OA.hasSource, self.article) in g:
            return node
        quote, position = URIRef(f"{node}#quote"), URIRef(f"{node}#position")
        g.add((node, OA.hasSource, self.article))
        g.add((node, OA.hasSelector, quote))
        g.add((node, OA.hasSelector, position))
        if self.source.url:
            g.add((node, SDO.url, URIRef(directive_url(self.source.url, passage.fragment))))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(passage.exact)))
        if passage.prefix is not None and passage.suffix is not None:
            g.add((quote, OA.prefix, Literal(passage.prefix)))
            g.add((quote, OA.suffix, Literal(passage.suffix)))
        g.add((position, RDF.type, OA.TextPositionSelector))
        g.add((position, OA.start, Literal(passage.start, datatype=XSD.integer)))
        g.add((position, OA.end, Literal(passage.end, datatype=XSD.integer)))
        return node

    def cite(self, facts: Iterable[Fact]) -> dict[Triple, set[URIRef]]:
        """Each fact's triple and the passages that state it (their descriptions are added)."""
        cited: dict[Triple, set[URIRef]] = defaultdict(set)
        for fact in facts:
            cited[self.triple(fact)] |= {
                self.add_passage(p) for p in self.passages.of(fact.evidence)
            }
        return cited

    def add_facts(self, facts: Iterable[Fact], conflicts: Iterable[Conflict]) -> None:
        g = self.graph
        facts = list(facts)
        cited = self.cite(facts)
        for triple in cited:
            g.add(triple)
        by_subject: dict[URIRef, list[Triple]] = defaultdict(list)
        for triple in cited:
            by_subject[triple[0]].append(triple)
        disputed = {mint(self.base, c.subject) for c in conflicts}
        records = {mint(self.base, f.subject) for f in facts if is_record(f.subject)}
        for subject, triples in by_subject.items():
            sets = {frozenset(cited[t]) for t in triples}
            if subject not in disputed and (subject in records or len(sets) == 1):
                for passage in frozenset().union(*sets):
                    g.add((subject, DKG.statedIn, passage))
                continue
            for s, p, o in triples:
                statement = mint(self.base, STATEMENT + digest(s.n3(), p.n3(), o.n3()))
                g.add((statement, RDF.subject, s))
                g.add((statement, RDF.predicate, p))
                g.add((statement, RDF.object, o))
                for passage in cited[(s, p, o)]:
                    g.add((statement, PROV.wasDerivedFrom, passage))

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
                for passage in self.passages.of(fact.evidence):
                    g.add((node, DKG.conflictingEvidence, mint(self.base, passage.key)))
                by_value[str(self.node(fact.value))].append(fact.evidence.line)
            said = "; ".join(
                f"{value} (line {', '.join(map(str, sorted(lines)))})"
                for value, lines in sorted(by_value.items())
            )
            comment = f"The article gives {len(by_value)} values for {conflict.property}: {said}."
            g.add((node, RDFS.comment, Literal(comment, lang=LANGUAGE)))


def build_graph(
    facts: Iterable[Fact],
    conflicts: Iterable[Conflict],
    *,
    base: str,
    source: SourceInfo,
    article: Article,
    about: str | None,
) -> Graph:
    conflicts = list(conflicts)
    builder = GraphBuilder(base, source, article)
    builder.add_article(about)
    builder.add_facts(sorted(facts, key=fact_order), conflicts)
    builder.add_conflicts(conflicts)
    return builder.graph


def fact_passages(
    facts: Iterable[Fact], *, base: str, source: SourceInfo, article: Article
) -> dict[Triple, frozenset[URIRef]]:
    """Each fact's triple and the IRIs of the passages that state it, fact by fact (the RDF 1.2
    edition reifies them one by one, where the RDF 1.1 edition cites a node's passages once)."""
    builder = GraphBuilder(base, source, article)
    return {triple: frozenset(found) for triple, found in builder.cite(facts).items()}
