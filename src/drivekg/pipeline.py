"""Composes the steps: article text (+ claims) -> records -> graph -> validation -> output files.

Takes values, not paths: the CLI reads files, ``files`` writes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from rdflib import Graph

from .article import parse_article
from .build import Names, build_infobox, build_tables, settle_types
from .claims import Claims, load_claims
from .conflicts import fact_order, reconcile
from .errors import SourceError, TooLargeError
from .formats import FORMATS, TURTLE
from .graph import build_graph
from .iris import slug
from .records import Article, Conflict, Fact, SourceInfo
from .report import render_report
from .serialize import context, dumps_json, serialize
from .site import render_site
from .validate import Validation, validate
from .void import render_void


@dataclass(frozen=True)
class Build:
    article: Article
    source: SourceInfo
    album: str | None
    facts: tuple[Fact, ...]
    conflicts: tuple[Conflict, ...]
    graph: Graph
    base: str

    @cached_property
    def dumps(self) -> dict[str, bytes]:
        """The graph in every RDF format, serialized once for every renderer that writes it."""
        return {f"graph.{fmt.extension}": serialize(self.graph, fmt) for fmt in FORMATS}


def build(
    article_text: str,
    *,
    article_source: str,
    claims_text: str | None = None,
    claims_source: str = "claims.toml",
    base: str,
    max_facts: int | None = None,
) -> Build:
    """Parse, build and reconcile; raises ``SourceError`` for anything it cannot read.

    ``max_facts`` bounds the size of a build: past it, ``TooLargeError`` is raised before the
    graph is made (the graph, its validation and its site all grow with the number of facts).
    """
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
    facts, conflicts = reconcile(set(facts))
    facts = sorted(set(facts), key=fact_order)
    if max_facts is not None and len(facts) > max_facts:
        sources = article_source + (f" + {claims_source}" if claims_text is not None else "")
        message = f"states {len(facts):,} facts, more than the {max_facts:,} a build may hold"
        raise TooLargeError(message, source=sources, count=len(facts), limit=max_facts)
    source = claims.source or SourceInfo(key=f"article/{slug(article.title)}", title=article.title)
    graph = build_graph(facts, conflicts, base=base, source=source, about=album)
    return Build(article, source, album, tuple(facts), tuple(conflicts), graph, base)


def _check_references(claims: Claims, facts: list[Fact], claims_source: str) -> None:
    """Every key a claim uses must name something the graph describes (has a type)."""
    typed = {f.subject for f in facts if f.property == "rdf:type"}
    for key, line in claims.references:
        if key not in typed:
            raise SourceError(f"unknown entity key {key!r}", source=claims_source, line=line)


# Output files. A renderer takes the build and its validation and returns the files it writes
# (path relative to the output directory -> bytes); later steps (the site) add their own.
Renderer = Callable[[Build, Validation], dict[str, bytes]]


def _dumps(b: Build, v: Validation) -> dict[str, bytes]:
    return {
        **b.dumps,
        "context.jsonld": dumps_json(context()),
        "validation.ttl": serialize(v.report, TURTLE),
        "report.md": render_report(b, v).encode(),
    }


RENDERERS: list[Renderer] = [_dumps, render_void, render_site]


def render(b: Build) -> tuple[Validation, dict[str, bytes]]:
    """Validate and render every output file in memory (nothing is written here)."""
    validation = validate(b.graph)
    outputs: dict[str, bytes] = {}
    for renderer in RENDERERS:
        for name, data in renderer(b, validation).items():
            if name in outputs:
                raise ValueError(f"two renderers write {name}")
            outputs[name] = data
    return validation, outputs
