"""drivekg query: the bundled competency queries answer what the article says, in every engine.

Every expected table below was written by hand from reading ``drive-soundtrack.txt`` (line
numbers in comments), not by running the code. Names are as the article writes them, dates ISO
8601, an unknown value an empty cell, rows in ORDER BY order (codepoint order: "US…" before
"iTunes…"; unbound first).
"""

from __future__ import annotations

import csv
import io
import json
import re
import socket
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import NamedNode, QuerySolution, QuerySolutions, RdfFormat, Store, serialize
from rdflib.compare import isomorphic
from rdflib.plugins.sparql.parser import parseQuery

from drivekg.cli import main
from drivekg.errors import QueryError
from drivekg.iris import DEFAULT_BASE
from drivekg.sparql.query import bundled, bundled_query, for_subject, render_table, rows
from drivekg.sparql.store import execute, guard, inspect_query, open_store, serialize_results

from .conftest import ARTICLE

XSD = "http://www.w3.org/2001/XMLSchema#"
# Oxigraph stores every integer-derived datatype as xsd:integer (oxigraph/oxigraph#526, open):
# "91"^^xsd:positiveInteger comes back as "91"^^xsd:integer. Same number, same CSV cell.
INTEGER_DERIVED = tuple(
    f"<{XSD}{t}>"
    for t in (
        "positiveInteger",
        "nonNegativeInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("query") / "out"
    assert main(["build", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def store(out: Path) -> Store:
    return open_store(out)


@pytest.fixture(scope="module")
def rdflib_graph(out: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(out / "graph.nt", format="nt")


def run_cli(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsysbinary.readouterr()
    return code, captured.out.decode(), captured.err.decode()


def csv_answer(
    capsysbinary: pytest.CaptureFixture[bytes], out: Path, *argv: str
) -> list[list[str]]:
    code, stdout, stderr = run_cli(
        capsysbinary, "query", *argv, "--out", str(out), "--format", "csv"
    )
    assert code == 0, stderr
    return list(csv.reader(io.StringIO(stdout)))


def table(text: str) -> list[list[str]]:
    """An expected answer written as CSV in this file."""
    return list(csv.reader(io.StringIO(text.strip() + "\n")))


# --------------------------------------------------------------------------- expected answers

# The awards table (lines 49-59): ten rows. The Award column names who confers the category;
# the last row ("Soundtrack Composer of the Year") continues the World Soundtrack Academy row
# above it; every Result cell is empty. "The soundtrack also received several awards and
# nominations" (line 15): a nomination of Cliff Martinez is for the soundtrack; the film's row
# and the song's row nominate the work itself.
SOUNDTRACK = "Drive (Original Motion Picture Soundtrack)"
WSA = "World Soundtrack Academy"
AWARDS = table(f"""
conferred_by,category,date,nominee,nominee_type,for_work,result
Boston Society of Film Critics,Best Use of Music in a Film,2011-12-12,Drive,Movie,,
Chicago Film Critics Association,Best Original Score,2011-12-19,Cliff Martinez,Person,{SOUNDTRACK},
Critics' Choice Movie Awards,Best Score,2012-01-13,Cliff Martinez,Person,{SOUNDTRACK},
Los Angeles Film Critics Association,Best Music Score,2011-12-11,Cliff Martinez,Person,{SOUNDTRACK},
MTV Movie Awards,Best Song from a Movie,2012-06-03,A Real Hero,MusicRecording,,
Satellite Awards,Best Original Score,2011-12-18,Cliff Martinez,Person,{SOUNDTRACK},
St. Louis Film Critics Association,Best Music/Score,2011-12-19,Cliff Martinez,Person,{SOUNDTRACK},
Washington D.C. Area Film Critics Association,Best Score,2011-12-05,Cliff Martinez,Person,\
{SOUNDTRACK},
{WSA},Best Soundtrack of the Year,2012-10-20,Cliff Martinez,Person,{SOUNDTRACK},
{WSA},Soundtrack Composer of the Year,2012-10-20,Cliff Martinez,Person,{SOUNDTRACK},
""")

# The weekly table (2011–2012) and the year-end table (2012), lines 36-48; then the peaks the
# prose states (lines 10-11, 24): 30th on the US Billboard 200, top of Billboard's soundtrack
# list and of the Official Charts Company's, and iTunes twice: "topped iTunes charts" and "as
# high as number four on the sales charts" (the article contradicts itself; both are kept).
CHARTS = table("""
chart,kind,period,position
Belgian Albums (Ultratop Flanders),year-end,2012,91
Belgian Albums (Ultratop Wallonia),year-end,2012,96
Danish Albums (Hitlisten),year-end,2012,96
French Albums (SNEP),year-end,2012,118
Irish Compilation Albums (IRMA),weekly,2011/2012,2
US Billboard 200,,,30
iTunes charts,,,1
iTunes charts,,,4
soundtrack list from Billboard,,,1
soundtrack list in Official Charts Company,,,1
""")

# Lines 26-28: three reviews. The Boston Herald's "A" is a letter grade with no scale; Digital
# Spy's "four out of five"; AllMusic gives no rating but four highlighted tracks.
REVIEWS = table("""
outlet,critic,rating,best_rating,highlights
AllMusic,James Christopher Monger,,,Bride of Deluxe; Hammer; I Drive; Nightcall
Boston Herald,James Verniere,A,,
Digital Spy,Mayer Nissim,4,5,
""")

# Every recording the article names in quotes (lines 16-21, 27, 59). Only "Nightcall" (by
# Kavinsky, the opening track) and "A Real Hero" (College featuring Electric Youth) get a
# performer; "Under Your Spell" is Jewel's ("when I wrote it") and "is used in Drive".
SONGS = table("""
title,performers,note
A Real Hero,College; Electric Youth,used in Drive
Bride of Deluxe,,on Drive (Original Motion Picture Soundtrack)
Hammer,,on Drive (Original Motion Picture Soundtrack)
I Drive,,on Drive (Original Motion Picture Soundtrack)
Nightcall,Kavinsky,track 1 of Drive (Original Motion Picture Soundtrack); used in Drive
Tick of the Clock,,
Under Your Spell,,used in Drive; written by Johnny Jewel
""")

ALBUM = "Drive (Original Motion Picture Soundtrack)"
# The editions (lines 3-11, 24, 31): the CD of September 19, 2011 by Lakeshore Records (the
# infobox's edition: 70:18), the vinyl of June 21, 2012 ("June 2012" in the lead) by Mondo, which
# the article never calls a label, and the fifth anniversary edition of September 2016 by
# Lakeshore and Invada Records, whose format it does not give.
RELEASES = [
    ["CDFormat", "2011-09-19", "Lakeshore Records", "length PT1H10M18S"],
    [
        "",
        "2016-09",
        "Invada Records; Lakeshore Records",
        "fifth anniversary special edition pressing of the soundtrack, "
        "featuring new liner notes and artwork",
    ],
    ["VinylFormat", "2012-06-21", "Mondo", "marketed by Mondo"],
]

NOMINATED = "; ".join(
    f"nominee for {by}: {category} ({date})"
    for by, category, date, nominee, *_ in AWARDS[1:]
    if nominee == "Cliff Martinez"
)
RESCORE = "contributor to re-scored soundtrack for the film"
DISCUSSED = "performer at an event about Drive; performer at an event about " + ALBUM
REVIEW = f"a review of {ALBUM}"
# Every person, band and organisation the article names, typed as the claims file documents
# (schema:Person only where the article gives a personal role or pronoun; an artist whose kind
# it never states is a schema:MusicGroup, which schema.org allows to be a solo musician; a name
# that only acts, a prov:Agent; the Award column of the awards table, an organisation), with
# what the article says they did: Refn chose Jewel (line 18) and two of his songs (line 18),
# Jewel told Aaron Vehling (line 31), four of them discussed the soundtrack (line 31), the
# soundtrack lists are Billboard's and the Official Charts Company's (line 15).
PEOPLE = [
    ["Aaron Vehling", "Agent", "recipient of a communication about Drive"],
    ["AllMusic", "Agent", f"publisher of {REVIEW}"],
    ["BBC", "Agent", "broadcaster of Drive; broadcaster of re-scored soundtrack for the film"],
    ["Banks", "MusicGroup", RESCORE],
    ["Bastille", "MusicGroup", RESCORE],
    ["Billboard", "Agent", "publisher of soundtrack list from Billboard"],
    ["Boston Herald", "Agent", f"publisher of {REVIEW}"],
    ["Boston Society of Film Critics", "Organization", "conferrer of Best Use of Music in a Film"],
    ["Bring Me the Horizon", "MusicGroup", RESCORE],
    ["Chicago Film Critics Association", "Organization", "conferrer of Best Original Score"],
    ["Chromatics", "MusicGroup", "has member Johnny Jewel; style reference for Drive"],
    ["Chvrches", "MusicGroup", RESCORE],
    [
        "Cliff Martinez",
        "Person",
        f"artist of {ALBUM}; composer of the music for Drive; "
        f"contributor to Sex, Lies, and Videotape soundtrack; {NOMINATED}; {DISCUSSED}; "
        f"producer of {ALBUM}",
    ],
    ["College", "MusicGroup", f"artist of A Real Hero; {DISCUSSED}"],
    ["Critics' Choice Movie Awards", "Organization", "conferrer of Best Score"],
    ["Desire", "MusicGroup", "has member Johnny Jewel"],
    ["Digital Spy", "Agent", f"publisher of {REVIEW}"],
    ["Electric Youth", "MusicGroup", f"artist of A Real Hero; {DISCUSSED}"],
    ["Eric Prydz", "MusicGroup", RESCORE],
    ["Glass Candy", "MusicGroup", "has member Johnny Jewel; style reference for Drive"],
    ["Invada Records", "Organization", f"record label of the 2016-09 edition of {ALBUM}"],
    ["James Christopher Monger", "Person", f"author of {REVIEW}"],
    ["James Verniere", "Agent", f"author of {REVIEW}"],
    [
        "Johnny Jewel",
        "Person",
        "agent of a communication about Drive; chosen by Refn; composer of Under Your Spell; "
        "composer of unused soundtrack; creator of mixer Jewel's catalog; former composer for "
        "Drive; member of Chromatics; member of Desire; member of Glass Candy; member of "
        f"Symmetry; {DISCUSSED}",
    ],
    ["Kavinsky", "Person", "artist of Nightcall"],
    [
        "Lakeshore Records",
        "Organization",
        f"record label of the 2011-09-19 edition of {ALBUM}; "
        f"record label of the 2016-09 edition of {ALBUM}",
    ],
    ["Laura Mvula", "MusicGroup", RESCORE],
    ["Los Angeles Film Critics Association", "Organization", "conferrer of Best Music Score"],
    ["MTV Movie Awards", "Organization", "conferrer of Best Song from a Movie"],
    ["Mat Newman", "Person", "chose Nightcall; editor of Drive"],
    ["Mayer Nissim", "Person", f"author of {REVIEW}"],
    [
        "Mondo",
        "Agent",
        f"marketer of the 2012-06-21 edition of {ALBUM}; "
        f"record label of the 2012-06-21 edition of {ALBUM}",
    ],
    ["Official Charts Company", "Organization",
     "publisher of soundtrack list in Official Charts Company"],
    ["Refn", "Person", "chose Johnny Jewel; chose Tick of the Clock; chose Under Your Spell"],
    ["SBTRKT", "MusicGroup", RESCORE],
    ["Satellite Awards", "Organization", "conferrer of Best Original Score"],
    ["St. Louis Film Critics Association", "Organization", "conferrer of Best Music/Score"],
    ["Symmetry", "MusicGroup", "artist of Themes for an Imaginary Film; has member Johnny Jewel"],
    ["The 1975", "MusicGroup", RESCORE],
    ["Washington D.C. Area Film Critics Association", "Organization", "conferrer of Best Score"],
    [
        "World Soundtrack Academy",
        "Organization",
        "conferrer of Best Soundtrack of the Year; conferrer of Soundtrack Composer of the Year",
    ],
    ["Zane Lowe", "Agent", "producer of re-scored soundtrack for the film"],
    ["the Driver", "Person", "character in Drive"],
]

ITUNES_TOPPED = (
    "Prior to the release of the soundtrack, the album topped iTunes charts after the highly "
    "positive critical response for the film as well as its musical score."
)
ITUNES_FOURTH = (
    "Prior to that, owing to viral reviews such as those found on Twitter, the soundtrack sold "
    "well on iTunes, climbing as high as number four on the sales charts."
)
KAVINSKY = (
    'Editor Mat Newman suggested Drives opening credits song: "Nightcall" by French electronic '
    "musician Kavinsky."
)


# --------------------------------------------------------------------------- the answers


def test_bundled_queries_are_listed_with_descriptions(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    """--list names every bundled query with the one-line description from its first line."""
    code, stdout, _ = run_cli(capsysbinary, "query", "--list")
    assert code == 0
    listed = dict(line.split(None, 1) for line in stdout.splitlines())
    assert set(listed) == {
        "releases",
        "charts",
        "awards",
        "reviews",
        "people",
        "songs",
        "evidence",
        "conflicts",
        "nominations",
    }
    for query in bundled():
        assert query.text.startswith("# description: ")
        assert listed[query.name].strip() == query.description


@pytest.mark.parametrize("name", [q.name for q in bundled()])
def test_bundled_queries_order_by_every_column(name: str) -> None:
    """Each bundled query sorts by all its columns, in column order, so its rows are stable."""
    query = parseQuery(bundled_query(name).text)[1]
    columns = [str(p["var"]) for p in query["projection"]]
    order = [str(c["expr"]) for c in query["orderby"]["condition"]]
    assert order == columns


def test_awards(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """awards: the ten table rows, Drive a Movie, "A Real Hero" a MusicRecording, no results."""
    assert csv_answer(capsysbinary, out, "awards") == AWARDS


def test_charts(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """charts: the five table rows with kind and period, plus every peak the prose states."""
    assert csv_answer(capsysbinary, out, "charts") == CHARTS


def test_reviews(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """reviews: outlet, critic, rating as given (a letter grade stays text), highlights."""
    assert csv_answer(capsysbinary, out, "reviews") == REVIEWS


def test_songs(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """songs: the seven recordings the article names, with performers where it gives them."""
    assert csv_answer(capsysbinary, out, "songs") == SONGS


def test_releases(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """releases: CD, special edition and vinyl, each once, with format, date, labels, note."""
    answer = csv_answer(capsysbinary, out, "releases")
    assert answer[0] == ["release", "format", "date", "labels", "note"]
    assert [row[1:] for row in answer[1:]] == RELEASES
    iris = [row[0] for row in answer[1:]]
    assert len(set(iris)) == 3
    assert all(iri.startswith(f"{DEFAULT_BASE}release/") for iri in iris)


def test_people(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """people: every agent the article names, with its type and what it did."""
    answer = csv_answer(capsysbinary, out, "people")
    assert answer[0] == ["name", "type", "roles"]
    assert answer[1:] == PEOPLE


def test_conflicts(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """conflicts: iTunes, 'topped' and 'number four', each with its own sentence."""
    answer = csv_answer(capsysbinary, out, "conflicts")
    assert answer[0] == ["subject", "property", "value", "quote"]
    subjects = {row[0] for row in answer[1:]}
    assert len(subjects) == 1 and subjects.pop().startswith(f"{DEFAULT_BASE}chart-entry/")
    assert [row[1:] for row in answer[1:]] == [
        ["https://w3id.org/drivekg/ontology#position", "1", ITUNES_TOPPED],
        ["https://w3id.org/drivekg/ontology#position", "4", ITUNES_FOURTH],
    ]


def test_evidence_for_one_subject(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """evidence --subject NAME: Kavinsky's types, name and description ("French electronic
    musician"), each with the sentence naming him and a link to it in the published article."""
    answer = csv_answer(capsysbinary, out, "evidence", "--subject", "Kavinsky")
    kavinsky = f"{DEFAULT_BASE}kavinsky"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    link = (
        "https://en.wikipedia.org/wiki/Drive_(soundtrack)"
        "#:~:text=Editor%20Mat%20Newman,electronic%20musician%20Kavinsky"
    )
    assert answer == [
        ["subject", "property", "value", "quote", "link"],
        [kavinsky, rdf_type, "http://purl.org/ontology/mo/MusicArtist", KAVINSKY, link],
        [kavinsky, rdf_type, "https://schema.org/Person", KAVINSKY, link],
        [kavinsky, "https://schema.org/description", "French electronic musician", KAVINSKY, link],
        [kavinsky, "https://schema.org/name", "Kavinsky", KAVINSKY, link],
    ]
    by_iri = csv_answer(capsysbinary, out, "evidence", "--subject", kavinsky)
    assert by_iri == answer


def test_every_fact_has_a_row_and_every_quote_is_in_the_article(
    capsysbinary: pytest.CaptureFixture[bytes], out: Path, rdflib_graph: rdflib.Graph
) -> None:
    """evidence: every triple of the data has a row, and every quote is verbatim article text."""
    answer = csv_answer(capsysbinary, out, "evidence")
    facts = {(row[0], row[1], row[2]) for row in answer[1:]}
    article_text = ARTICLE.read_text(encoding="utf-8")
    assert all(row[3] in article_text for row in answer[1:])
    dkg = "https://w3id.org/drivekg/ontology#"
    evidence = {  # the passages, the links to them, the article itself and the conflict
        s for s, p, _ in rdflib_graph
        if p in (rdflib.RDF.subject, rdflib.URIRef("http://www.w3.org/ns/oa#hasSource"))
        or str(s).startswith((f"{DEFAULT_BASE}article/", f"{DEFAULT_BASE}conflict/"))
        or "#" in str(s)
    }
    data = {
        (str(s), str(p), str(o)) for s, p, o in rdflib_graph
        if s not in evidence and str(p) != f"{dkg}statedIn"
    }
    assert len(data) > 400
    assert data - facts == set()


def test_subject_that_names_nothing_is_an_error(
    capsysbinary: pytest.CaptureFixture[bytes], out: Path
) -> None:
    """--subject text is never pasted into SPARQL: an injection attempt is just an unknown name."""
    code, stdout, stderr = run_cli(
        capsysbinary,
        "query",
        "evidence",
        "--out",
        str(out),
        "--subject",
        'x" } UNION { ?subject ?property ?value } #',
    )
    assert (code, stdout) == (2, "")
    assert "nothing in the graph is named" in stderr
    code, _, stderr = run_cli(
        capsysbinary,
        "query",
        "evidence",
        "--out",
        str(out),
        "--subject",
        "http://example.org/a> } UNION { ?s ?p ?o",
    )
    assert code == 2 and "not a valid IRI" in stderr


def test_for_subject_survives_a_trailing_comment() -> None:
    """The VALUES block goes on a new line, so a query ending in a comment still narrows."""
    query = "SELECT ?subject WHERE { ?subject ?p ?o } # the end"
    narrowed = for_subject(query, ["http://example.org/a"])
    assert inspect_query(narrowed).trailing_values
    with pytest.raises(QueryError, match=r"\?subject column"):
        for_subject("SELECT ?s WHERE { ?s ?p ?o }", ["http://example.org/a"])
    with pytest.raises(QueryError, match="not a valid IRI"):
        for_subject(query, ["http://example.org/a> ?x <http://example.org/b"])


# --------------------------------------------------------------------------- the same answers


def oxigraph_row(solution: QuerySolution, names: list[str]) -> tuple[str | None, ...]:
    return tuple(None if solution[n] is None else str(solution[n]) for n in names)


def normalised(term: str | None) -> str | None:
    if term is None:
        return None
    for datatype in INTEGER_DERIVED:
        if term.endswith("^^" + datatype):
            return term[: -len(datatype)] + f"<{XSD}integer>"
    return term


@pytest.mark.parametrize("name", [q.name for q in bundled()])
def test_rdflib_and_oxigraph_agree(name: str, store: Store, rdflib_graph: rdflib.Graph) -> None:
    """Every bundled query gives the same rows, in the same order, in rdflib and in pyoxigraph."""
    text = bundled_query(name).text
    results = execute(store, text)
    assert isinstance(results, QuerySolutions)
    names = [v.value for v in results.variables]
    embedded = [tuple(map(normalised, oxigraph_row(s, names))) for s in results]
    answer = rdflib_graph.query(text)
    assert [str(v) for v in answer.vars or ()] == names
    from_rdflib = [
        tuple(normalised(None if t is None else t.n3()) for t in row)  # type: ignore[union-attr]
        for row in answer
    ]
    assert embedded == from_rdflib
    assert embedded, f"{name} answered nothing"


def test_the_store_holds_graph_nt_term_for_term(store: Store, rdflib_graph: rdflib.Graph) -> None:
    """The embedded store holds graph.nt term for term: the graph uses no datatype a store
    rewrites (xsd:positiveInteger and the other integer subtypes, oxigraph#526)."""
    dumped = serialize(store, format=RdfFormat.N_TRIPLES)
    assert dumped is not None
    back = rdflib.Graph().parse(data=dumped, format="nt")
    assert len(store) == len(rdflib_graph)
    assert set(back) == set(rdflib_graph)


# --------------------------------------------------------------------------- formats


def test_json_is_sparql_results_json(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """--format json: SPARQL 1.1 JSON results with the query's variables."""
    code, stdout, _ = run_cli(
        capsysbinary, "query", "reviews", "--out", str(out), "--format", "json"
    )
    data = json.loads(stdout)
    assert code == 0
    assert data["head"]["vars"] == ["outlet", "critic", "rating", "best_rating", "highlights"]
    boston = next(b for b in data["results"]["bindings"] if b["outlet"]["value"] == "Boston Herald")
    assert boston["rating"] == {"type": "literal", "value": "A"}
    assert "best_rating" not in boston  # unknown: unbound, not an empty string


def test_tsv_keeps_rdf_terms(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """--format tsv: SPARQL 1.1 TSV, terms in Turtle syntax (a number stays a number)."""
    code, stdout, _ = run_cli(capsysbinary, "query", "charts", "--out", str(out), "--format", "tsv")
    lines = stdout.splitlines()
    assert code == 0
    assert lines[0] == "?chart\t?kind\t?period\t?position"
    assert lines[4].split("\t") == [
        '"French Albums (SNEP)"@en',
        '"year-end"',
        '"2012"',
        "118",
    ]


def test_table_for_people(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """--format table: aligned columns, a rule under the header, a row count."""
    code, stdout, _ = run_cli(
        capsysbinary, "query", "awards", "--out", str(out), "--format", "table"
    )
    lines = stdout.splitlines()
    assert code == 0
    assert lines[0].split() == [
        "conferred_by", "category", "date", "nominee", "nominee_type", "for_work", "result"
    ]
    assert set(lines[1]) == {"-", " "}
    assert lines[-1] == "(10 rows)"
    starts = [m.start() for m in re.finditer(r"\S+", lines[1])]
    assert lines[2][starts[2] : starts[2] + 10] == "2011-12-12"


def test_table_fits_a_width(store: Store) -> None:
    """A table given a terminal width clips its widest cells with … and fits."""
    results = execute(store, bundled_query("evidence").text)
    assert isinstance(results, QuerySolutions)
    text = render_table(results, max_width=100)
    assert all(len(line) <= 100 for line in text.splitlines())
    assert "…" in text


def test_csv_is_the_default_off_a_terminal(
    capsysbinary: pytest.CaptureFixture[bytes], out: Path
) -> None:
    """Without --format, output that is not a terminal is CSV."""
    code, stdout, _ = run_cli(capsysbinary, "query", "awards", "--out", str(out))
    assert code == 0
    assert list(csv.reader(io.StringIO(stdout))) == AWARDS


def test_ask_prints_true_or_false(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """ASK answers true or false."""
    for pattern, expected in (('"Kavinsky"@en', "true\n"), ('"Kavinsky "@en', "false\n")):
        query = f"ASK {{ ?who schema:name {pattern} }}"
        code, stdout, _ = run_cli(capsysbinary, "query", "-e", query, "--out", str(out))
        assert (code, stdout) == (0, expected)


def test_construct_prints_turtle(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """CONSTRUCT answers a Turtle graph with the project prefixes."""
    query = "CONSTRUCT { ?song schema:byArtist ?who } WHERE { ?song schema:byArtist ?who }"
    code, stdout, _ = run_cli(capsysbinary, "query", "-e", query, "--out", str(out))
    assert code == 0
    graph = rdflib.Graph().parse(data=stdout, format="turtle")
    expected = rdflib.Graph()
    for song, who in (
        ("nightcall", "kavinsky"),
        ("a-real-hero", "college"),
        ("a-real-hero", "electric-youth"),
        ("drive-soundtrack", "cliff-martinez"),
        ("themes-for-an-imaginary-film", "symmetry"),
    ):
        expected.add(
            (
                rdflib.URIRef(DEFAULT_BASE + song),
                rdflib.SDO.byArtist,
                rdflib.URIRef(DEFAULT_BASE + who),
            )
        )
    assert isomorphic(graph, expected)
    assert "@prefix schema: <https://schema.org/> ." in stdout


def test_query_from_a_file(
    capsysbinary: pytest.CaptureFixture[bytes], out: Path, tmp_path: Path
) -> None:
    """A .rq file runs like a bundled query."""
    path = tmp_path / "labels.rq"
    path.write_text("SELECT ?name WHERE { ?l a mo:Label ; schema:name ?name } ORDER BY ?name\n")
    assert csv_answer(capsysbinary, out, str(path)) == [
        ["name"],
        ["Invada Records"],
        ["Lakeshore Records"],
    ]


def test_a_graph_format_for_a_table_is_an_error(
    capsysbinary: pytest.CaptureFixture[bytes], out: Path
) -> None:
    """--format turtle on a SELECT is refused with exit 2, not silently changed."""
    code, stdout, stderr = run_cli(
        capsysbinary, "query", "awards", "--out", str(out), "--format", "turtle"
    )
    assert (code, stdout) == (2, "")
    assert "formats: csv, tsv, json, xml" in stderr


def test_serialize_matches_the_reference_writer(store: Store) -> None:
    """serialize_results gives pyoxigraph's own CSV bytes for a bundled query."""
    text = bundled_query("charts").text
    media_type, body = serialize_results(execute(store, text), "csv")
    assert media_type == "text/csv"
    assert body.decode().splitlines()[1] == "Belgian Albums (Ultratop Flanders),year-end,2012,91"
    results = execute(store, text)
    assert isinstance(results, QuerySolutions)
    names, plain = rows(results)
    assert [",".join(names), *(",".join(r) for r in plain)] == body.decode().splitlines()


def test_missing_graph_is_a_clear_error(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    """Querying a directory with no build says to build first (exit 2)."""
    code, _, stderr = run_cli(capsysbinary, "query", "awards", "--out", str(tmp_path))
    assert code == 2
    assert "no graph.nt" in stderr and "drivekg build" in stderr


def test_unknown_bundled_query(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """An unknown name lists the bundled ones."""
    code, _, stderr = run_cli(capsysbinary, "query", "award", "--out", str(out))
    assert code == 2 and "known: awards, charts" in stderr


# --------------------------------------------------------------------------- the guard

REFUSED_REMOTE = [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/s> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://example.org/s> { ?s ?q ?v } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } } } }",
    "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE ?endpoint { ?s ?p ?o } } }",
    "ASK { SERVICE <http://example.org/s> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }",
    "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <https://w3id.org/drivekg/id/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "DESCRIBE ?s FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
    # \u0022 is a quote in SPARQL's escape processing, so the string ends and SERVICE is live
    'SELECT * WHERE { ?s ?p "\\u0022 . SERVICE <http://example.org/s> { ?s ?p ?o } } #" }',
]
REFUSED_UPDATES = [
    "LOAD <http://example.org/data.ttl>",
    "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR DEFAULT",
    "DROP ALL",
    "WITH <http://example.org/g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("query", REFUSED_REMOTE)
def test_remote_data_is_refused(query: str) -> None:
    """SERVICE, FROM and FROM NAMED are found anywhere in the query, and refused."""
    with pytest.raises(QueryError, match=r"remote data .*local graph"):
        guard(query)


@pytest.mark.parametrize("query", REFUSED_REMOTE[:-1])
def test_remote_data_is_allowed_when_asked(query: str) -> None:
    """With allow_remote the same queries pass the guard."""
    assert guard(query, allow_remote=True) in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@pytest.mark.parametrize("query", REFUSED_UPDATES)
def test_updates_are_refused_even_with_remote_allowed(query: str) -> None:
    """Updates, LOAD included, are never run: querying is read-only."""
    with pytest.raises(QueryError, match="read-only"):
        guard(query, allow_remote=True)


@pytest.mark.parametrize(
    ("query", "form"),
    [
        (
            'SELECT ?s WHERE { ?s schema:name "SERVICE <http://example.org/s> { ?s ?p ?o }" }',
            "SELECT",
        ),
        ("SELECT ?s WHERE { ?s ?p ?o } # SERVICE <http://example.org/s> { }", "SELECT"),
        ("SELECT ?s WHERE { ?s ?p '''\nFROM <http://example.org/x>\n''' }", "SELECT"),
        ("ASK { ?s a schema:MusicAlbum }", "ASK"),
        ("CONSTRUCT WHERE { ?s a dkg:Chart }", "CONSTRUCT"),
        ("DESCRIBE <https://w3id.org/drivekg/id/kavinsky>", "DESCRIBE"),
    ],
)
def test_words_in_comments_and_strings_are_not_refused(query: str, form: str) -> None:
    """The guard reads the parsed query, so SERVICE in a comment or a literal is just text."""
    assert guard(query) == form


def test_syntax_errors_say_where(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """A query that does not parse is exit 2 with the line and column."""
    code, _, stderr = run_cli(
        capsysbinary, "query", "-e", "SELECT ?s WHERE {\n ?s ?p }", "--out", str(out)
    )
    assert code == 2
    assert "not a valid SPARQL query: line 2, column" in stderr


@pytest.mark.parametrize("query", ["", "# only a comment", "SELEC ?x WHERE { }"])
def test_not_a_query(query: str) -> None:
    """Empty text is a syntax error (not an 'empty update'), and so is a misspelt keyword."""
    with pytest.raises(QueryError, match="not a valid SPARQL query"):
        guard(query)


def test_cli_refuses_service(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """drivekg query refuses SERVICE with exit 2 and says how to allow it."""
    code, stdout, stderr = run_cli(
        capsysbinary, "query", "-e", REFUSED_REMOTE[0], "--out", str(out)
    )
    assert (code, stdout) == (2, "")
    assert "SERVICE <http://example.org/sparql>" in stderr and "--allow-remote" in stderr


def test_allow_remote_lets_service_run(
    capsysbinary: pytest.CaptureFixture[bytes], out: Path
) -> None:
    """With --allow-remote the SERVICE call is really made (here to a closed local port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    code, _, stderr = run_cli(
        capsysbinary, "query", "-e", query, "--allow-remote", "--out", str(out)
    )
    assert code == 2
    assert "the query failed" in stderr


def test_prefixes_are_predeclared(store: Store) -> None:
    """schema:, dkg:, mo: … work without PREFIX lines; a query may still declare its own."""
    results = execute(store, "SELECT ?n WHERE { ?c a dkg:Chart ; schema:name ?n } ORDER BY ?n")
    assert isinstance(results, QuerySolutions)
    assert len(list(results)) == 6  # the other three charts the article describes, not names
    own = "PREFIX s: <https://schema.org/> ASK { ?x s:name 'Kavinsky'@en }"
    assert bool(execute(store, own))


def test_the_film_got_one_nomination(capsysbinary: pytest.CaptureFixture[bytes], out: Path) -> None:
    """nominations --subject Drive: the film's own nomination (line 50), conferred by the Boston
    Society of Film Critics."""
    answer = csv_answer(capsysbinary, out, "nominations", "--subject", "Drive")
    assert answer == [
        ["subject", "date", "conferred_by", "category", "nominee", "result"],
        [f"{DEFAULT_BASE}drive-film", "2011-12-12", "Boston Society of Film Critics",
         "Best Use of Music in a Film", "Drive", ""],
    ]


def test_the_soundtrack_got_the_nominations_of_its_composer(
    capsysbinary: pytest.CaptureFixture[bytes], out: Path
) -> None:
    """nominations --subject the album: the eight rows that nominate Cliff Martinez (lines
    51-53, 55-59), each with who conferred it; the film's and the song's rows are not the
    album's."""
    answer = csv_answer(capsysbinary, out, "nominations", "--subject", SOUNDTRACK)
    album = f"{DEFAULT_BASE}drive-soundtrack"
    assert answer == [["subject", "date", "conferred_by", "category", "nominee", "result"]] + [
        [album, date, by, category, "Cliff Martinez", ""]
        for by, category, date in [
            ("Washington D.C. Area Film Critics Association", "Best Score", "2011-12-05"),
            ("Los Angeles Film Critics Association", "Best Music Score", "2011-12-11"),
            ("Satellite Awards", "Best Original Score", "2011-12-18"),
            ("Chicago Film Critics Association", "Best Original Score", "2011-12-19"),
            ("St. Louis Film Critics Association", "Best Music/Score", "2011-12-19"),
            ("Critics' Choice Movie Awards", "Best Score", "2012-01-13"),
            ("World Soundtrack Academy", "Best Soundtrack of the Year", "2012-10-20"),
            ("World Soundtrack Academy", "Soundtrack Composer of the Year", "2012-10-20"),
        ]
    ]


def test_literals_match_as_the_article_writes_them(store: Store) -> None:
    """The names in the store are the article's spelling (a spot check in the raw store)."""
    name = NamedNode("https://schema.org/name")
    names = {str(getattr(q.object, "value", "")) for q in store.quads_for_pattern(None, name, None)}
    assert {"Critics' Choice Movie Awards", "St. Louis Film Critics Association", "SBTRKT"} <= names


# --------------------------------------------------------------------------- the docs say it right


def test_triplestores_doc_quotes_the_real_refusal(
        out: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """docs/triplestores.md shows the refusal `drivekg query` really prints."""
    from .conftest import ROOT

    doc = (ROOT / "docs" / "triplestores.md").read_text(encoding="utf-8")
    match = re.search(r"^\$ drivekg query -e '(?P<q>[^']+)'\n(?P<said>drivekg: .+)$", doc, re.M)
    assert match is not None
    code, _, stderr = run_cli(capsysbinary, "query", "-e", match["q"], "--out", str(out))
    assert code == 2 and stderr == match["said"] + "\n"


def test_readme_says_load_is_always_refused(
        out: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """LOAD is refused even with --allow-remote, and the README's query row says so."""
    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `drivekg query"))
    assert "LOAD included, are always refused" in row and "LOAD and FROM" not in row
    code, _, stderr = run_cli(capsysbinary, "query", "-e", "LOAD <http://example.org/data>",
                              "--out", str(out), "--allow-remote")
    assert code == 2 and "LOAD would change the graph" in stderr
