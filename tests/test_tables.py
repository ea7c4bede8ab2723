"""The body and the tables of an album article, on fixtures written for these tests: headings,
bullets, numbered track listings, and every table kind with the shapes the text format gives
them (a flattened title row, a trailing empty column, rows shifted left by lost rowspans)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivekg.facts.extract import Extraction, extract
from drivekg.records import Evidence, Fact, Lit, Ref, Term

ARTICLES = Path(__file__).parent / "data" / "articles"
LANTERNS = "paper-lanterns-original-score"


def read(name: str) -> Extraction:
    return extract((ARTICLES / name).read_text(encoding="utf-8"), article_source=name)


def values(facts: tuple[Fact, ...], subject: str, prop: str) -> set[object]:
    return {f.value for f in facts if f.subject == subject and f.property == prop}


def about(facts: tuple[Fact, ...], subject: str, prop: str) -> list[Fact]:
    return [f for f in facts if f.subject == subject and f.property == prop]


@pytest.fixture(scope="module")
def lanterns() -> Extraction:
    return read("paper-lanterns.txt")


@pytest.fixture(scope="module")
def ferry() -> Extraction:
    return read("ivy-and-lane.txt")


def test_numbered_lines_are_the_tracks_in_order(lanterns: Extraction) -> None:
    """``1. "Lantern Walk" – 3:12`` …: five tracks, their positions and lengths."""
    tracks = values(lanterns.facts, LANTERNS, "schema:track")
    assert len(tracks) == 5
    positions = {
        f.subject: f.value.lexical
        for f in lanterns.facts
        if f.property == "schema:position" and isinstance(f.value, Lit)
    }
    assert positions == {
        "lantern-walk": "1",
        "the-river-remembers": "2",
        "paper-boats": "3",
        "night-market": "4",
        "last-light": "5",
    }
    assert values(lanterns.facts, "last-light", "schema:duration") == {
        Lit("PT12M40S", "xsd:duration")
    }


def test_performer_and_writer_notes_of_a_track(lanterns: Extraction) -> None:
    """``(featuring X)`` and ``– X –`` perform; ``(written by X and Y)`` composed the song."""
    assert values(lanterns.facts, "the-river-remembers", "schema:byArtist") == {
        Ref("ada-brightwater")
    }
    assert values(lanterns.facts, "night-market", "schema:byArtist") == {Ref("copper-kettle-band")}
    assert values(lanterns.facts, "paper-boats", "schema:recordingOf") == {
        Ref("composition/paper-boats")
    }
    assert values(lanterns.facts, "composition/paper-boats", "schema:composer") == {
        Ref("wren-halloway"),
        Ref("milo-ferrant"),
    }


def test_a_track_cites_its_line(lanterns: Extraction) -> None:
    """The evidence of a track is its numbered line, verbatim."""
    [fact] = about(lanterns.facts, "lantern-walk", "schema:position")
    assert fact.evidence == Evidence(25, '1. "Lantern Walk" – 3:12')


def test_bullets_are_prose_and_a_cut_heading_is_the_only_line_not_read(
    lanterns: Extraction,
) -> None:
    """Bullets (nested, or looking like ``Key: value``) are prose; ``==Legacy (cut`` is not
    read; headings without spaces or at levels 3 and 4 are headings."""
    assert [(n.line, n.text) for n in lanterns.not_read] == [
        (39, "- Corran Lisle"),
        (63, "==Legacy (cut"),
    ]
    sections = {p.section for p in lanterns.article.paragraphs}
    assert {"Background", "Strings", "Notes"} <= sections
    assert 'Additional strings: Corran Lisle, on "Paper Boats".' in {
        i.text for i in lanterns.article.items
    }


def test_a_paragraph_over_lines_and_a_quotation_after_its_introduction(
    lanterns: Extraction,
) -> None:
    """The lead runs over three lines; a quoted line directly after "she said:" joins it."""
    lead = lanterns.article.paragraphs[0]
    assert lead.text.endswith("scored it for a small string section and a toy piano.")
    background = lanterns.article.paragraphs[1]
    assert background.text.endswith('so the music had to glow rather than shine."')


def test_release_history_rows_are_editions_per_format(lanterns: Extraction) -> None:
    """A release-history row is an edition per format it lists, with region, date, label and
    catalogue number."""
    uk = f"release/{LANTERNS}/united-kingdom/2019-11-08"
    for edition, fmt in (
        (f"{uk}/cd", "schema:CDFormat"),
        (f"{uk}/digital-download", "schema:DigitalFormat"),
    ):
        assert values(lanterns.facts, edition, "schema:musicReleaseFormat") == {Term(fmt)}
        assert values(lanterns.facts, edition, "dkg:region") == {Lit("United Kingdom")}
        assert values(lanterns.facts, edition, "schema:catalogNumber") == {Lit("CPL-019")}
        assert values(lanterns.facts, edition, "schema:recordLabel") == {Ref("copperline-records")}
    japan = f"release/{LANTERNS}/japan/2019-12-20/cd"
    assert values(lanterns.facts, japan, "schema:datePublished") == {Lit("2019-12-20", "xsd:date")}


def test_a_certification_row(lanterns: Extraction) -> None:
    """Region, level and units (``60,000^``: a number, its footnote mark dropped)."""
    key = f"certification/{LANTERNS}/united-kingdom-bpi/silver"
    assert values(lanterns.facts, key, "dkg:certifiedItem") == {Ref(LANTERNS)}
    assert values(lanterns.facts, key, "dkg:certification") == {Lit("Silver")}
    assert values(lanterns.facts, key, "dkg:region") == {Lit("United Kingdom (BPI)")}
    assert values(lanterns.facts, key, "dkg:certifiedUnits") == {Lit("60000", "xsd:integer")}


def test_a_chart_table_under_a_heading_takes_its_kind_from_the_heading(
    lanterns: Extraction,
) -> None:
    """No caption: ``=== Weekly charts ===`` says the chart kind."""
    entries = {f.subject for f in lanterns.facts if f.value == Term("dkg:ChartEntry")}
    [entry] = entries
    assert values(lanterns.facts, entry, "dkg:chartKind") == {Term("dkg:WeeklyChart")}
    assert values(lanterns.facts, entry, "dkg:position") == {Lit("14", "xsd:integer")}


def test_an_awards_table_with_a_title_row_synonyms_and_shifted_rows(lanterns: Extraction) -> None:
    """A title row, "Recipient(s) and nominee(s)", a trailing empty column, and two rows shifted
    left: one giving category, nominee and result, one giving the category alone."""
    nominations = sorted(
        f.subject for f in lanterns.facts if f.value == Term("dkg:AwardNomination")
    )
    assert nominations == [
        "nomination/harbor-film-circle/2020-02-01/best-score/wren-halloway",
        "nomination/harbor-film-circle/2020-02-01/best-sound-design/wren-halloway",
        "nomination/lantern-critics-guild/2020-01-09/best-score/wren-halloway",
        "nomination/lantern-critics-guild/2020-01-09/best-song/lantern-walk",
    ]
    song = "nomination/lantern-critics-guild/2020-01-09/best-song/lantern-walk"
    assert values(lanterns.facts, song, "dkg:result") == {Term("dkg:Nominated")}
    sound = "nomination/harbor-film-circle/2020-02-01/best-sound-design/wren-halloway"
    assert values(lanterns.facts, sound, "dkg:result") == {Term("dkg:ResultUnknown")}
    [date] = about(lanterns.facts, sound, "dkg:ceremonyDate")
    assert date.evidence.filled_from == 60  # the row it continues
    assert values(lanterns.facts, "wren-halloway", "schema:award") == {
        Lit("Lantern Critics Guild: Best Score")
    }


def test_a_track_listing_table_and_a_title_track(ferry: Extraction) -> None:
    """A track-listing table; its title track is a recording of its own, not the album."""
    assert values(ferry.facts, "night-ferry", "rdf:type") == {Term("schema:MusicAlbum")}
    title_track = "track/night-ferry/night-ferry"
    assert values(ferry.facts, "night-ferry", "schema:track") == {
        Ref("harbour-lights"),
        Ref("salt-road"),
        Ref(title_track),
    }
    assert values(ferry.facts, title_track, "schema:duration") == {Lit("PT1H2M3S", "xsd:duration")}
    assert values(ferry.facts, "composition/harbour-lights", "schema:composer") == {
        Ref("rook-ivy-lane")
    }


def test_a_year_end_chart_and_a_row_with_no_position(ferry: Extraction) -> None:
    """The caption says year-end; a row whose position is a dash is reported, not read."""
    [entry] = {f.subject for f in ferry.facts if f.value == Term("dkg:ChartEntry")}
    assert values(ferry.facts, entry, "dkg:chartKind") == {Term("dkg:YearEndChart")}
    assert [(n.line, n.reason) for n in ferry.not_read] == [(27, "a chart row with no position")]


def test_a_column_no_kind_reads_is_reported_cell_by_cell() -> None:
    """A "Notes" column in a chart table: each written cell is listed as not read."""
    text = (ARTICLES / "ivy-and-lane.txt").read_text(encoding="utf-8")
    text = text.replace("| Chart (2004) | Position |", "| Chart (2004) | Position | Notes |")
    text = text.replace(
        "| Invented Live Albums (ILA) | 37 |", "| Invented Live Albums (ILA) | 37 | re-entry |"
    )
    found = extract(text, article_source="i.txt")
    assert (26, "re-entry") in [(n.line, n.text) for n in found.not_read]


def test_personnel_lines_are_contributors_with_their_roles(lanterns: Extraction) -> None:
    """``- Name – role, role`` under Personnel: a schema:Role per person with the roles as
    written; ``A and B – strings`` is two; a line with no role is reported."""
    role = f"role/{LANTERNS}/wren-halloway"
    assert values(lanterns.facts, role, "schema:contributor") == {Ref("wren-halloway")}
    assert values(lanterns.facts, role, "schema:roleName") == {
        Lit("composer"),
        Lit("producer"),
        Lit("toy piano"),
    }
    assert values(lanterns.facts, LANTERNS, "schema:contributor") == {
        Ref(role),
        Ref(f"role/{LANTERNS}/milo-ferrant"),
        Ref(f"role/{LANTERNS}/ada-brightwater"),
    }
    assert (39, "- Corran Lisle") in [(n.line, n.text) for n in lanterns.not_read]
