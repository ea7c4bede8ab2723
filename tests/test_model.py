"""The model says what the article says: each statement below is read off the article (its line
in the comment) and asked of the built graph in SPARQL, so a test names what it checks."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from drivekg.errors import SourceError
from drivekg.outputs.publication import Publication
from drivekg.pipeline import build
from drivekg.records import Article
from drivekg.source.claims import load_claims
from drivekg.vocab import DKG, PREFIXES, SDO

ID = "https://w3id.org/drivekg/id/"
PREFIX = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()) + f"PREFIX id: <{ID}>\n"

# (what the article says, where, an ASK that is true exactly when the graph says it)
STATED = [
    ("the film is American", 13,
     'id:drive-film schema:countryOfOrigin ?c . ?c a schema:Country ; schema:name "US"@en'),
    ("Refn chose Jewel", 18,
     "?a a schema:ChooseAction ; schema:agent id:refn ; schema:object id:johnny-jewel"),
    ("Refn picked the two songs out of Jewel's catalogue", 18,
     "?a a schema:ChooseAction ; schema:agent id:refn ; schema:object id:under-your-spell, "
     "id:tick-of-the-clock ; schema:actionOption ?c . ?c schema:creator id:johnny-jewel"),
    ("Mat Newman suggested Nightcall, the opening credits song", 22,
     "?a a schema:ChooseAction ; schema:agent id:mat-newman ; schema:object id:nightcall . "
     'id:nightcall schema:description "Drives opening credits song"@en'),
    ("Kavinsky is a French electronic musician", 22,
     'id:kavinsky schema:description "French electronic musician"@en'),
    ("Martinez was hired to imitate Chromatics and Glass Candy", 22,
     "id:drive-film schema:musicBy id:cliff-martinez ; "
     "dkg:styleReference id:chromatics, id:glass-candy"),
    ("Jewel's unused soundtrack was for the film", 24,
     "id:drive-film-unused-soundtrack schema:composer id:johnny-jewel ; "
     "dkg:composedFor id:drive-film"),
    ("Themes for an Imaginary Film is Symmetry's debut album", 24,
     "id:themes-for-an-imaginary-film schema:byArtist id:symmetry ; "
     'schema:description "the debut album by his side-project Symmetry"@en'),
    ("the album opens with songs not by Martinez (and it cost it a star)", 29,
     f"<{ID}review/drive-soundtrack/digital-spy> schema:description ?d . "
     'FILTER(CONTAINS(STR(?d), "beginning with non-Martinez songs"))'),
    ("in September 2016 Jewel, College, Electric Youth and Martinez discussed the soundtrack", 31,
     "?e a schema:Event ; schema:about id:drive-soundtrack ; "
     'schema:startDate "2016-09"^^xsd:gYearMonth ; schema:performer id:johnny-jewel, '
     "id:college, id:electric-youth, id:cliff-martinez"),
    ("Jewel told Aaron Vehling about the film", 31,
     "?a a schema:CommunicateAction ; schema:agent id:johnny-jewel ; "
     "schema:recipient id:aaron-vehling ; schema:about id:drive-film"),
    ("the album received positive reviews", 29,
     'id:drive-soundtrack schema:description "received positive reviews"@en'),
    ("the soundtrack lists belong to Billboard and the Official Charts Company", 15,
     "id:billboard-soundtrack-list schema:publisher id:billboard . "
     "id:official-charts-company-soundtrack-list schema:publisher id:official-charts-company"),
]


@pytest.fixture(scope="module")
def graph(drive_build: Publication) -> Graph:
    return drive_build.graph


@pytest.mark.parametrize(("said", "line", "pattern"), STATED, ids=[s[0] for s in STATED])
def test_the_graph_says_what_the_article_says(graph: Graph, said: str, line: int,
                                             pattern: str) -> None:
    """The statement is in the graph (line ``line`` of the article)."""
    assert graph.query(f"{PREFIX}ASK {{ {pattern} }}").askAnswer, said


def test_works_and_recordings_are_separate_nodes(graph: Graph) -> None:
    """"Under Your Spell" is a recording used in Drive, of a composition Jewel wrote (line 18);
    nothing is both a recording and a composition."""
    both = set(graph.subjects(RDF.type, SDO.MusicRecording)) & set(
        graph.subjects(RDF.type, SDO.MusicComposition))
    assert both == set()
    assert graph.query(f"""{PREFIX}ASK {{
        id:under-your-spell a schema:MusicRecording ; dkg:usedIn id:drive-film ;
            schema:recordingOf ?work .
        ?work a schema:MusicComposition ; schema:composer id:johnny-jewel }}""").askAnswer


def test_one_property_says_who_released_an_edition(graph: Graph) -> None:
    """Each edition names who released it with schema:recordLabel, the infobox's Label and
    "released … by Mondo" alike; no edition uses schema:publisher for it."""
    releases = set(graph.subjects(RDF.type, SDO.MusicRelease))
    assert len(releases) == 3
    assert all((r, SDO.recordLabel, None) in graph for r in releases)
    assert not [r for r in releases if (r, SDO.publisher, None) in graph]
    assert (URIRef(f"{ID}release/drive-soundtrack/vinyl"), SDO.recordLabel,
            URIRef(f"{ID}mondo")) in graph


@pytest.mark.parametrize("key", [
    "the-novel", "drive-film-unused-soundtrack", "sex-lies-and-videotape-soundtrack",
    "drive-film-bbc-re-score", "billboard-soundtrack-list",
    "official-charts-company-soundtrack-list", "itunes-charts", "johnny-jewel-catalog",
])
def test_what_the_article_only_describes_has_no_name(graph: Graph, key: str) -> None:
    """A thing the article never names has its words as a description, not as a name."""
    node = URIRef(ID + key)
    assert (node, SDO.name, None) not in graph
    assert (node, SDO.description, None) in graph


def test_award_column_organisations_confer_categories(graph: Graph) -> None:
    """The nine names of the Award column (lines 50-58) are organisations, each conferring the
    categories of its rows; the ten nominations are each for one category."""
    answer = graph.query(f"""{PREFIX}SELECT ?org (COUNT(DISTINCT ?category) AS ?n) WHERE {{
        ?nomination a dkg:AwardNomination ; dkg:awardCategory ?category .
        ?category a dkg:AwardCategory ; dkg:conferredBy ?org .
        ?org a schema:Organization }} GROUP BY ?org""")
    counts = {str(row[0]).removeprefix(ID): int(row[1]) for row in answer}  # type: ignore[index]
    assert len(counts) == 9 and counts["world-soundtrack-academy"] == 2
    assert sum(counts.values()) == 10


def test_the_claims_file_pins_the_source(drive_article: Article) -> None:
    """[article] revision and retrieved become the article's schema:version and dkg:retrieved."""
    text = '[article]\nrevision = "1234"\nretrieved = 2026-11-25\n'
    claims = load_claims(text, source="c.toml", article=drive_article)
    assert claims.source is not None
    assert (claims.source.revision, claims.source.retrieved) == ("1234", "2026-11-25")
    graph = build(
        drive_article.text, article_source="a.txt", claims_text=text, base=ID
    ).graph
    article = URIRef(f"{ID}article/drive-soundtrack")
    assert graph.value(article, SDO.version) == Literal("1234")
    assert graph.value(article, DKG.retrieved) == Literal("2026-11-25", datatype=XSD.date)


@pytest.mark.parametrize("value", ['"2026-11-25"', "2026-11-25T10:00:00", "20261125"])
def test_a_retrieval_date_that_is_no_date_names_its_line(drive_article: Article,
                                                         value: str) -> None:
    """retrieved must be a TOML date (the curated day, not a time or a string)."""
    text = f'[article]\ntitle = "Drive (soundtrack)"\nretrieved = {value}\n'
    with pytest.raises(SourceError) as info:
        load_claims(text, source="c.toml", article=drive_article)
    assert str(info.value).startswith("c.toml:3: 'retrieved' must be a date")
