"""One article (+ its claims) -> facts with evidence: a pure function, no RDF, no files.

``extract`` is the per-article step of the build. It takes text and returns values, so articles
can be extracted independently (in parallel, or from a cache) before their facts meet in one
graph (``drivekg.graph``).
"""

from __future__ import annotations

from dataclasses import dataclass

from drivekg.errors import SourceError
from drivekg.facts.album import build_album
from drivekg.facts.conflicts import fact_order, reconcile
from drivekg.facts.listings import read_listings, read_personnel
from drivekg.facts.names import Names, settle_types
from drivekg.facts.tables import build_tables
from drivekg.iris import slug
from drivekg.records import Article, Conflict, Fact, NotRead, SourceInfo
from drivekg.source.article import parse_article
from drivekg.source.claims import Claims, load_claims
from drivekg.source.conventions import Conventions, load_conventions

__all__ = ["Extraction", "extract"]


@dataclass(frozen=True)
class Extraction:
    """What one article states: its facts (sorted), its conflicts, what it is about."""

    article: Article
    source: SourceInfo
    album: str | None  # the key of the entity the article is about, when it has an infobox
    facts: tuple[Fact, ...]
    conflicts: tuple[Conflict, ...]
    not_read: tuple[NotRead, ...] = ()  # what the article says that the build did not read


def extract(
    article_text: str,
    *,
    article_source: str,
    claims_text: str | None = None,
    claims_source: str = "claims.toml",
    conventions: Conventions | None = None,
) -> Extraction:
    """Parse, build and reconcile one article; ``SourceError`` for anything it cannot read."""
    conventions = conventions or load_conventions()
    article = parse_article(article_text, article_source)
    claims = (
        load_claims(claims_text, source=claims_source, article=article)
        if claims_text is not None
        else Claims(None, (), (), ())
    )
    names = Names(claims.entities)
    infobox = build_album(article, names, conventions)
    album = infobox.album
    tables = build_tables(article, names, album, conventions)
    track_facts, tracks_not_read = read_listings(article, names, album, conventions)
    people_facts, people_not_read = read_personnel(article, names, album, conventions)
    facts = settle_types(
        [*claims.facts, *infobox.facts, *tables.facts, *track_facts, *people_facts]
    )
    _check_references(claims, facts, claims_source)
    settled, conflicts = reconcile(set(facts))
    ordered = sorted(set(settled), key=fact_order)
    source = claims.source or SourceInfo(key=f"article/{slug(article.title)}", title=article.title)
    not_read = sorted(
        {*article.not_read, *infobox.not_read, *tables.not_read, *tracks_not_read, *people_not_read}
    )
    return Extraction(article, source, album, tuple(ordered), tuple(conflicts), tuple(not_read))


def _check_references(claims: Claims, facts: list[Fact], claims_source: str) -> None:
    """Every key a claim uses must name something the graph describes (has a type)."""
    typed = {f.subject for f in facts if f.property == "rdf:type"}
    for key, line in claims.references:
        if key not in typed:
            raise SourceError(f"unknown entity key {key!r}", source=claims_source, line=line)
