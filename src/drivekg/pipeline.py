"""Composes the steps: article text (+ claims) -> records -> graph -> validation -> output files.

Takes values, not paths: the CLI reads files, ``files`` writes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph

from .article import parse_article
from .build import Names, build_infobox, build_tables, settle_types
from .claims import Claims, load_claims
from .conflicts import reconcile
from .errors import SourceError
from .formats import JSONLD, NTRIPLES, TURTLE
from .graph import build_graph
from .iris import slug
from .records import Article, Conflict, Fact, SourceInfo
from .report import render_report
from .serialize import context, dumps_json, serialize
from .validate import Validation, validate


@dataclass(frozen=True)
class Build:
    article: Article
    source: SourceInfo
    album: str | None
    facts: tuple[Fact, ...]
    conflicts: tuple[Conflict, ...]
    graph: Graph
    base: str


def build(
    article_text: str,
    *,
    article_source: str,
    claims_text: str | None = None,
    claims_source: str = "claims.toml",
    base: str,
) -> Build:
    """Parse, build and reconcile; raises ``SourceError`` for anything it cannot read."""
    article = parse_article(article_text, article_source)
    claims = (
        load_claims(claims_text, source=claims_source, article=article)
        if claims_text is not None
        else Claims(None, (), (), ())
    )
    names = Names(claims.entities)
    album, infobox_facts = build_infobox(article, names)
    table_facts = build_tables(article, names, album)
    facts = settle_types([*claims.facts, *infobox_facts, *table_facts])
    _check_references(claims, facts, claims_source)
    facts, conflicts = reconcile(facts)
    source = claims.source or SourceInfo(key=f"article/{slug(article.title)}", title=article.title)
    graph = build_graph(facts, conflicts, base=base, source=source, about=album)
    return Build(article, source, album, tuple(facts), tuple(conflicts), graph, base)


def _check_references(claims: Claims, facts: list[Fact], claims_source: str) -> None:
    """Every key a claim uses must name something the graph describes (has a type)."""
    typed = {f.subject for f in facts if f.property == "rdf:type"}
    for key, line in claims.references:
        if key not in typed:
            raise SourceError(f"unknown entity key {key!r}", source=claims_source, line=line)


# Output files, in the order a reader meets them. Each renderer takes the build and its validation.
Renderer = Callable[[Build, Validation], bytes]


RENDERERS: dict[str, Renderer] = {
    "graph.ttl": lambda b, v: serialize(b.graph, TURTLE),
    "graph.jsonld": lambda b, v: serialize(b.graph, JSONLD),
    "context.jsonld": lambda b, v: dumps_json(context()),
    "graph.nt": lambda b, v: serialize(b.graph, NTRIPLES),
    "validation.ttl": lambda b, v: serialize(v.report, TURTLE),
    "report.md": lambda b, v: render_report(b, v).encode(),
}


def render(b: Build) -> tuple[Validation, dict[str, bytes]]:
    """Validate and render every output file in memory (nothing is written here)."""
    validation = validate(b.graph)
    return validation, {name: renderer(b, validation) for name, renderer in RENDERERS.items()}
