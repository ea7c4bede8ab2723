"""The schema.org view: what a page embeds for search engines, built from the graph generically."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from drivekg.iris import DEFAULT_BASE
from drivekg.outputs.publication import Publication
from drivekg.outputs.schemaorg import describe
from drivekg.outputs.site import entities
from drivekg.pipeline import build
from drivekg.vocab import DKG, OA, SDO

from .conftest import DATA
from .webtools import jsonld_graph

SCHEMA_TTL = DATA / "vocab" / "schemaorg-30.0-current-https.ttl"
FOREIGN = ("https://w3id.org/drivekg/ontology#", "http://purl.org/ontology/mo/",
           "http://www.w3.org/ns/prov#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#")


@pytest.fixture(scope="module")
def schema_terms() -> set[str]:
    """Every class, property and enumeration member schema.org 30.0 defines (local names)."""
    vocab = Graph().parse(SCHEMA_TTL, format="turtle")
    terms = set()
    for s in set(vocab.subjects(RDF.type, None)):
        if isinstance(s, URIRef) and str(s).startswith(str(SDO)):
            terms.add(str(s)[len(str(SDO)):])
    return terms


@pytest.fixture(scope="module")
def album(drive_build: Publication) -> URIRef:
    assert drive_build.album is not None
    return URIRef(drive_build.base + drive_build.album)


@pytest.fixture(scope="module")
def album_view(drive_build: Publication, album: URIRef) -> dict[str, Any]:
    view = describe(drive_build.graph, album)
    assert view is not None
    return view


def walk(value: Any) -> list[dict[str, Any]]:
    """Every node object in a view, depth first."""
    if isinstance(value, list):
        return [n for v in value for n in walk(v)]
    if isinstance(value, dict) and "@value" not in value:  # a value object is not a node
        return [value, *(n for k, v in value.items() if not k.startswith("@") for n in walk(v))]
    return []


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def english(text: str) -> dict[str, str]:
    """How a view writes text the article writes in English."""
    return {"@value": text, "@language": "en"}


def test_album_view_is_a_music_album_with_the_graph_iri(album_view: dict[str, Any],
                                                         album: URIRef) -> None:
    """The album page's block is a schema.org MusicAlbum whose @id is the album's graph IRI."""
    assert album_view["@context"] == "https://schema.org"
    assert album_view["@type"] == "MusicAlbum"
    assert album_view["@id"] == str(album)
    assert album_view["name"] == english("Drive (Original Motion Picture Soundtrack)")


def test_album_view_nests_what_search_engines_read(album_view: dict[str, Any]) -> None:
    """Releases, artist, producer, genres, rated reviews and the film are nested objects."""
    releases = as_list(album_view["albumRelease"])
    assert len(releases) == 3 and all(r["@type"] == "MusicRelease" for r in releases)
    assert any("recordLabel" in r for r in releases)
    assert album_view["byArtist"]["@type"] == "Person"
    assert album_view["byArtist"]["name"] == english("Cliff Martinez")
    assert album_view["producer"]["@id"] == album_view["byArtist"]["@id"]  # spelled out once
    assert english("synthwave") in album_view["genre"]
    assert english("Ambient music") in album_view["genre"]
    reviews = as_list(album_view["review"])
    assert {r["@type"] for r in reviews} == {"Review"}
    ratings = [r["reviewRating"] for r in reviews if "reviewRating" in r]
    assert ratings and all(r["@type"] == "Rating" and "ratingValue" in r for r in ratings)
    assert album_view["isBasedOn"]["@type"] == "Movie"


def test_every_term_exists_in_schema_org_30(
    drive_build: Publication, schema_terms: set[str]
) -> None:
    """Every key, @type and schema.org IRI in every view is a term of schema.org 30.0."""
    checked = 0
    for node in entities(drive_build.graph, drive_build.base):
        view = describe(drive_build.graph, node)
        for obj in walk(view):
            for key, value in obj.items():
                if not key.startswith("@"):
                    assert key in schema_terms, key
                    checked += 1
                for item in as_list(value):
                    if key == "@type":
                        assert item in schema_terms, item
                    if isinstance(item, dict) and str(item.get("@id", "")).startswith(str(SDO)):
                        assert item["@id"][len(str(SDO)):] in schema_terms, item
    assert checked > 50


def test_no_foreign_vocabulary_or_evidence_in_any_view(drive_build: Publication) -> None:
    """No dkg:/mo:/prov:/rdf: term, no passage or statement node, no nomination or chart entry
    leaks in."""
    g = drive_build.graph
    evidence = {str(e) for e in g.subjects(OA.hasSelector, None)} | {
        str(e) for e in g.subjects(RDF.subject, None)
    }
    nary = {str(n) for c in (DKG.AwardNomination, DKG.ChartEntry, DKG.Conflict)
            for n in g.subjects(RDF.type, c)}
    for node in entities(g, drive_build.base):
        text = json.dumps(describe(g, node))
        assert not any(ns in text for ns in FOREIGN)
        ids = {n["@id"] for n in walk(json.loads(text))} if text != "null" else set()
        assert not ids & (evidence | nary)


def test_view_states_only_what_the_graph_states(drive_build: Publication, album: URIRef) -> None:
    """Read as RDF, every triple of the album view is in the graph (literals by lexical form; a
    concept, such as a genre, by its preferred label)."""
    view = describe(drive_build.graph, album)
    as_rdf = jsonld_graph(view)
    assert len(as_rdf) > 40
    g = drive_build.graph
    labels = {(s, p, str(label)) for s, p, c in g for label in g.objects(c, SKOS.prefLabel)}
    lexical = {(s, p, str(o)) for s, p, o in g} | labels
    for s, p, o in as_rdf:
        if isinstance(o, Literal):
            assert (s, p, str(o)) in lexical, (s, p, o)
        else:
            assert (s, p, o) in drive_build.graph, (s, p, o)


def test_every_node_id_is_a_graph_iri(drive_build: Publication, album_view: dict[str, Any]) -> None:
    """Nested nodes keep the graph's IRIs; none is invented."""
    subjects = set(map(str, drive_build.graph.subjects()))
    for node in walk(album_view):
        assert node["@id"] in subjects or node["@id"].startswith(str(SDO)) or not node[
            "@id"].startswith(DEFAULT_BASE)


def test_things_without_a_schema_org_type_get_no_view(drive_build: Publication) -> None:
    """Chart entries, nominations, conflicts and awards have no schema.org block."""
    g = drive_build.graph
    for cls in (DKG.ChartEntry, DKG.AwardNomination, DKG.AwardCategory, DKG.Conflict):
        for node in g.subjects(RDF.type, cls):
            assert describe(g, node) is None  # type: ignore[arg-type]


def test_depth_limit_stubs_keep_type_and_name(drive_build: Publication, album: URIRef) -> None:
    """With depth 0 the linked nodes are stubs: @id, @type, name; nothing deeper."""
    view = describe(drive_build.graph, album, depth=0)
    assert view is not None
    for release in as_list(view["albumRelease"]):
        assert set(release) <= {"@id", "@type", "name"}
    assert view["byArtist"] == {"@id": view["byArtist"]["@id"], "@type": "Person",
                                "name": english("Cliff Martinez")}


def test_every_node_a_schema_org_link_reaches_has_a_schema_org_type(
    drive_build: Publication,
) -> None:
    """A schema.org property from a node of the graph reaches a node with a schema.org type
    (schema:Thing at least): no untyped publisher or artist in a page's JSON-LD."""
    g, base = drive_build.graph, drive_build.base
    untyped = sorted(
        (str(s), str(p), str(o))
        for s, p, o in g
        if str(p).startswith(str(SDO))
        and isinstance(o, URIRef)
        and str(o).startswith(base)
        and not any(str(t).startswith(str(SDO)) for t in g.objects(o, RDF.type))
    )
    assert untyped == []


def test_view_is_generic_a_second_article_needs_no_code(drive_build: Publication) -> None:
    """The Neon Harbor fixture (no claims file) gets a MusicAlbum view from the same code."""
    text = (DATA / "articles" / "neon-harbor.txt").read_text(encoding="utf-8")
    other = build(text, article_source="neon-harbor.txt", base=DEFAULT_BASE)
    assert other.album is not None
    view = describe(other.graph, URIRef(DEFAULT_BASE + other.album))
    assert view is not None and view["@type"] == "MusicAlbum"
    assert view["name"] == english("Neon Harbor (Original Score)")
    assert len(as_list(view["albumRelease"])) == 3  # the infobox's release, standard, deluxe


def test_view_is_deterministic(drive_build: Publication, album: URIRef) -> None:
    """The same graph gives the same JSON, key order included."""
    first = json.dumps(describe(drive_build.graph, album))
    again = Graph()
    for triple in sorted(drive_build.graph, key=lambda t: (t[2].n3(), t[1].n3(), t[0].n3())):
        again.add(triple)
    assert json.dumps(describe(again, album)) == first


def test_literals_keep_their_meaning(drive_build: Publication, album_view: dict[str, Any]) -> None:
    """Dates stay ISO strings; a numeric rating is a JSON number, a letter grade stays text."""
    assert album_view["datePublished"] == "2011-09-19"
    ratings = [r["reviewRating"] for r in as_list(album_view["review"]) if "reviewRating" in r]
    values = sorted((r["ratingValue"] for r in ratings), key=str)
    assert values == [4, "A"]
    durations = [r["duration"] for r in as_list(album_view["albumRelease"]) if "duration" in r]
    assert durations and all(d.startswith("PT") for d in durations)
