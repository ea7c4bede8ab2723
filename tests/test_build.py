"""Builders: infobox and tables become facts with evidence; nothing is invented."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rdflib import Literal

from drivekg.errors import SourceError
from drivekg.facts import Names, build_tables, settle_types
from drivekg.facts.album import build_album
from drivekg.facts.conflicts import reconcile
from drivekg.iris import DEFAULT_BASE
from drivekg.pipeline import build
from drivekg.records import Evidence, Fact, Lit, Ref, Term
from drivekg.source.article import parse_article
from drivekg.source.conventions import load_conventions
from drivekg.vocab import DKG, SDO, XSD

FIXTURE = Path(__file__).parent / "data" / "articles" / "neon-harbor.txt"
ID = DEFAULT_BASE


def facts_of(text: str) -> list[Fact]:
    article = parse_article(text, "a.txt")
    names = Names([])
    c = load_conventions()
    infobox = build_album(article, names, c)
    tables = build_tables(article, names, infobox.album, c)
    return settle_types([*infobox.facts, *tables.facts])


def values(facts: list[Fact], subject: str, prop: str) -> set[object]:
    return {f.value for f in facts if f.subject == subject and f.property == prop}


def test_infobox_values_are_typed(drive_text: str) -> None:
    """Released is an xsd:date, Length an xsd:duration on the edition, Recorded an xsd:gYear."""
    facts = facts_of(drive_text)
    album = "drive-original-motion-picture-soundtrack"
    assert values(facts, album, "schema:datePublished") == {Lit("2011-09-19", "xsd:date")}
    assert values(facts, album, "dkg:recordingDate") == {Lit("2011", "xsd:gYear")}
    assert values(facts, f"release/{album}", "schema:duration") == {
        Lit("PT1H10M18S", "xsd:duration")
    }
    assert values(facts, album, "schema:duration") == set()  # not a MusicAlbum property
    assert values(facts, album, "schema:albumProductionType") == {Term("schema:SoundtrackAlbum")}


def test_genres_are_six_concepts(drive_text: str) -> None:
    """Nine genre spellings name six genres: each a concept with its spellings as labels."""
    facts = facts_of(drive_text)
    genres = values(facts, "drive-original-motion-picture-soundtrack", "schema:genre")
    labels = {
        (g.key, *sorted(v.lexical for v in values(facts, g.key, "skos:prefLabel")))
        for g in genres
        if isinstance(g, Ref)
    }
    assert labels == {
        ("genre/film-soundtrack", "Film soundtrack"),
        ("genre/synthwave", "synthwave"),
        ("genre/electronic", "Electronic music"),
        ("genre/ambient", "Ambient music"),
        ("genre/atmospheric", "atmospheric music"),
        ("genre/retro", "retro"),
    }
    assert values(facts, "genre/ambient", "skos:altLabel") == {Lit("ambience")}
    assert values(facts, "genre/electronic", "skos:altLabel") == {Lit("electronic")}


def test_undeclared_names_are_agents_not_guesses(drive_text: str) -> None:
    """Without a claims file nobody says Cliff Martinez is a person: he is a prov:Agent, and for
    schema.org consumers a schema:Thing."""
    facts = facts_of(drive_text)
    assert values(facts, "cliff-martinez", "rdf:type") == {
        Term("prov:Agent"),
        Term("schema:Thing"),
    }
    assert values(facts, "lakeshore-records", "rdf:type") == {
        Term("schema:Organization"),
        Term("mo:Label"),
    }


def test_qualified_values_go_to_their_editions_and_nothing_is_copied() -> None:
    """`44:10 (standard), 1:02:35 (deluxe)`: two editions, each with its length; the unqualified
    date and label belong to the release the infobox describes, not to an edition."""
    facts = facts_of(FIXTURE.read_text())
    album = "neon-harbor-original-score"
    main, standard, deluxe = f"release/{album}", f"{album}/standard", f"{album}/deluxe"
    standard, deluxe = f"release/{standard}", f"release/{deluxe}"
    assert values(facts, album, "schema:albumRelease") == {Ref(main), Ref(standard), Ref(deluxe)}
    assert values(facts, standard, "schema:duration") == {Lit("PT44M10S", "xsd:duration")}
    assert values(facts, deluxe, "schema:duration") == {Lit("PT1H2M35S", "xsd:duration")}
    assert values(facts, main, "schema:recordLabel") == {Ref("tidewater-records")}
    assert values(facts, deluxe, "schema:recordLabel") == {Ref("lakeshore-records")}
    assert values(facts, main, "schema:datePublished") == {Lit("2019-03-04", "xsd:date")}
    assert values(facts, deluxe, "schema:datePublished") == set()
    assert values(facts, standard, "schema:recordLabel") == set()


def test_empty_result_is_unknown_and_never_an_award(drive_text: str) -> None:
    """Ten nominations, every result dkg:ResultUnknown, and no schema:award anywhere."""
    facts = facts_of(drive_text)
    results = [f for f in facts if f.property == "dkg:result"]
    assert len(results) == 10
    assert {f.value for f in results} == {Term("dkg:ResultUnknown")}
    assert not [f for f in facts if f.property == "schema:award"]


def test_won_result_gives_schema_award() -> None:
    """Only a row whose Result says Won makes schema:award on the nominee."""
    facts = facts_of(FIXTURE.read_text())
    assert values(facts, "ada-brightwater", "schema:award") == {
        Lit("Harbor Film Critics Circle: Best Original Score")
    }
    assert values(facts, "low-tide-lights", "schema:award") == set()


def test_award_column_names_the_organisation_that_confers_the_category(drive_text: str) -> None:
    """The Award cell is an organisation; Award + Category make an award category it confers."""
    facts = facts_of(drive_text)
    chicago = "chicago-film-critics-association"
    assert values(facts, chicago, "rdf:type") == {Term("schema:Organization")}
    category = f"award/{chicago}/best-original-score"
    assert values(facts, category, "rdf:type") == {Term("dkg:AwardCategory")}
    assert values(facts, category, "schema:name") == {Lit("Best Original Score")}
    assert values(facts, category, "dkg:conferredBy") == {Ref(chicago)}
    nomination = f"nomination/{chicago}/2011-12-19/best-original-score/cliff-martinez"
    assert values(facts, nomination, "dkg:awardCategory") == {Ref(category)}
    assert not [f for f in facts if f.property in ("dkg:award", "dkg:category")]


def test_two_organisations_confer_two_categories_of_one_name(drive_text: str) -> None:
    """Chicago's and the Satellite Awards' "Best Original Score" are two award categories."""
    facts = facts_of(drive_text)
    named = {f.subject for f in facts if f.value == Lit("Best Original Score")}
    assert named == {
        "award/chicago-film-critics-association/best-original-score",
        "award/satellite-awards/best-original-score",
    }


def test_nominee_is_what_the_row_names(drive_text: str) -> None:
    """The song row nominates the song, performed by both artists the cell names."""
    facts = facts_of(drive_text)
    nominees = {f.value for f in facts if f.property == "dkg:nominee"}
    assert nominees == {Ref("drive"), Ref("cliff-martinez"), Ref("a-real-hero")}
    assert values(facts, "a-real-hero", "schema:byArtist") == {
        Ref("college"),
        Ref("electric-youth"),
    }
    assert values(facts, "a-real-hero", "rdf:type") == {Term("schema:MusicRecording")}


def test_continuation_row_evidence_says_where_cells_came_from(drive_text: str) -> None:
    """The last awards row's organisation and nominee were filled down from line 58, and say so;
    its own Category cell was not."""
    facts = facts_of(drive_text)
    row59 = [f for f in facts if f.evidence.line == 59 and f.property == "dkg:conferredBy"]
    assert row59 and all(f.evidence.filled_from == 58 for f in row59)
    nominee = [f for f in facts if f.evidence.line == 59 and f.property == "dkg:nominee"]
    assert nominee and all(f.evidence.filled_from == 58 for f in nominee)
    name = [
        f for f in facts
        if f.evidence.line == 59 and f.property == "schema:name" and f.subject.startswith("award/")
    ]
    assert name[0].value == Lit("Soundtrack Composer of the Year")
    assert name[0].evidence.filled_from is None


def test_chart_rows_have_kind_period_and_position(drive_text: str) -> None:
    facts = facts_of(drive_text)
    entries = {f.subject for f in facts if f.value == Term("dkg:ChartEntry")}
    assert len(entries) == 5
    irish = next(e for e in entries if "irish" in e)
    assert values(facts, irish, "dkg:chartKind") == {Term("dkg:WeeklyChart")}
    assert values(facts, irish, "dkg:periodStart") == {Lit("2011", "xsd:gYear")}
    assert values(facts, irish, "dkg:periodEnd") == {Lit("2012", "xsd:gYear")}
    assert values(facts, irish, "dkg:position") == {Lit("2", "xsd:integer")}


def test_changing_a_table_value_changes_the_graph(drive_text: str) -> None:
    """Edit the article's French chart position: the rebuilt graph says the new position."""
    edited = drive_text.replace("| French Albums (SNEP) | 118 |", "| French Albums (SNEP) | 117 |")
    graph = build(edited, article_source="a.txt", base=ID).graph
    positions = {
        o for s, o in graph.subject_objects(DKG.position) if "french-albums-snep" in str(s)
    }
    assert positions == {Literal("117", datatype=XSD.integer)}


def test_changing_an_infobox_value_changes_the_graph(drive_text: str) -> None:
    edited = drive_text.replace("- Length: 70:18", "- Length: 71:18")
    graph = build(edited, article_source="a.txt", base=ID).graph
    durations = set(graph.objects(None, SDO.duration))
    assert durations == {Literal("PT1H11M18S", datatype=XSD.duration)}


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("- Length: 70:18", "- Length: 70:78", 9, "Length"),
        ("- Released: September 19, 2011", "- Released: September 31, 2011", 6, "not a date"),
        ("| June 3, 2012 |", "| June 31, 2012 |", 54, "not a date"),
        ("| French Albums (SNEP) | 118 |", "| French Albums (SNEP) | 0 |", 46, "chart position"),
    ],
)
def test_bad_values_name_the_line(
    drive_text: str, old: str, new: str, line: int, message: str
) -> None:
    """A value that cannot be true (not one the builders cannot read) is `file:line: what`."""
    assert old in drive_text
    with pytest.raises(SourceError) as info:
        build(drive_text.replace(old, new), article_source="a.txt", base=ID)
    assert str(info.value).startswith(f"a.txt:{line}: ")
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("old", "new", "line", "reason"),
    [
        ("| French Albums (SNEP) | 118 |", "| French Albums (SNEP) | — |", 46, "no position"),
        (
            "| December 18, 2011 | Best Original Score | Cliff Martinez | |",
            "| December 18, 2011 | Best Original Score | Cliff Martinez | Maybe |",
            55,
            "a result the conventions do not list",
        ),
        ("| Chart (2012) | Position |", "| Territory | Position |", 42, "no kind"),
    ],
)
def test_a_row_it_cannot_read_is_reported_not_fatal(
    drive_text: str, old: str, new: str, line: int, reason: str
) -> None:
    """A chart row with no position, a result word nobody listed, a table of no known kind:
    listed as not read with the line, and the rest of the article still builds."""
    assert old in drive_text
    built = build(drive_text.replace(old, new), article_source="a.txt", base=ID)
    assert any(n.line == line and reason in n.reason for n in built.not_read), built.not_read
    assert len(built.facts) > 100


def test_refinements_merge_and_contradictions_are_kept() -> None:
    """June 2012 + June 21, 2012 -> one precise date; 1 and 4 for one position -> a conflict."""
    ev1, ev2 = Evidence(1, "in June 2012"), Evidence(2, "on June 21, 2012")
    facts, conflicts = reconcile(
        [
            Fact("r", "schema:datePublished", Lit("2012-06", "xsd:gYearMonth"), ev1),
            Fact("r", "schema:datePublished", Lit("2012-06-21", "xsd:date"), ev2),
            Fact("c", "dkg:position", Lit("1", "xsd:integer"), ev1),
            Fact("c", "dkg:position", Lit("4", "xsd:integer"), ev2),
        ]
    )
    dates = [f for f in facts if f.property == "schema:datePublished"]
    assert {f.value for f in dates} == {Lit("2012-06-21", "xsd:date")}
    assert {f.evidence for f in dates} == {ev1, ev2}
    assert len(conflicts) == 1 and conflicts[0].subject == "c"
    assert {f.value for f in conflicts[0].facts} == {
        Lit("1", "xsd:integer"),
        Lit("4", "xsd:integer"),
    }


def test_refinement_picks_the_most_precise_of_three() -> None:
    """2012 and 2012-06 both merge into 2012-06-21; a second day in June is a contradiction."""
    ev = [Evidence(n, f"line {n}") for n in range(1, 5)]
    facts, conflicts = reconcile(
        [
            Fact("r", "schema:datePublished", Lit("2012", "xsd:gYear"), ev[0]),
            Fact("r", "schema:datePublished", Lit("2012-06", "xsd:gYearMonth"), ev[1]),
            Fact("r", "schema:datePublished", Lit("2012-06-21", "xsd:date"), ev[2]),
            Fact("s", "schema:datePublished", Lit("2012-06", "xsd:gYearMonth"), ev[0]),
            Fact("s", "schema:datePublished", Lit("2012-06-01", "xsd:date"), ev[1]),
            Fact("s", "schema:datePublished", Lit("2012-06-21", "xsd:date"), ev[2]),
        ]
    )
    assert {f.value for f in facts if f.subject == "r"} == {Lit("2012-06-21", "xsd:date")}
    assert [c.subject for c in conflicts] == ["s"]
    assert {f.value for f in conflicts[0].facts} == {
        Lit("2012-06-01", "xsd:date"), Lit("2012-06-21", "xsd:date")
    }  # the month merges into the first of the two days, and stays in the conflict


def test_a_chart_named_on_20000_rows_reconciles_in_linear_time() -> None:
    """20,000 positions for one chart entry: one conflict, in well under 2 s (was quadratic)."""
    facts = [
        Fact("c", "dkg:position", Lit(str(n % 99_999 + 1), "xsd:positiveInteger"), Evidence(n, "r"))
        for n in range(1, 20_001)
    ]
    start = time.process_time()
    _, conflicts = reconcile(facts)
    assert time.process_time() - start < 2.0
    assert len(conflicts) == 1 and len(conflicts[0].facts) == 20_000
