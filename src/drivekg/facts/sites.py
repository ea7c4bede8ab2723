"""Studios, venues and places -> ``schema:Place`` entities and where the album was made."""

from __future__ import annotations

from drivekg.facts.names import Names
from drivekg.iris import slug
from drivekg.records import Evidence, Fact, Lit, Ref, Term
from drivekg.source.conventions import Conventions
from drivekg.source.places import Site, read_sites

__all__ = ["site_facts"]

PLACE_TYPES = ("schema:Place",)


def site_facts(
    album: str, prop: str, value: str, names: Names, c: Conventions, ev: Evidence
) -> tuple[list[Fact], list[tuple[str, str]]]:
    """The facts of every studio, venue and place ``value`` names (``album prop place``), and the
    parts it could not read as (text, reason)."""
    facts: list[Fact] = []
    unread: list[tuple[str, str]] = []
    for site in read_sites(value, c):
        if not isinstance(site, Site):
            unread.append((site.text, site.reason))
            continue
        key, introduced = names.introduce(
            site.name, ev, implied=PLACE_TYPES, alternates=site.alternates
        )
        facts.extend(introduced)
        facts.append(Fact(album, prop, Ref(key), ev))
        if site.place is not None:
            place = slug(site.place)
            facts.append(Fact(place, "rdf:type", Term("schema:Place"), ev))
            facts.append(Fact(place, "schema:name", Lit(site.place), ev))
            facts.append(Fact(key, "schema:containedInPlace", Ref(place), ev))
    return facts, unread
