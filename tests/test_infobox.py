"""The infobox, read by the conventions: every field of Wikipedia's album infobox, on fixtures
written for these tests (tests/data/articles/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivekg.errors import SourceError
from drivekg.facts.extract import Extraction, extract
from drivekg.records import Fact, Lit, Ref, Term
from drivekg.source.conventions import load_conventions

ARTICLES = Path(__file__).parent / "data" / "articles"
DATE, MONTH, YEAR = "xsd:date", "xsd:gYearMonth", "xsd:gYear"


def read(name: str) -> Extraction:
    return extract((ARTICLES / name).read_text(encoding="utf-8"), article_source=name)


def values(facts: tuple[Fact, ...], subject: str, prop: str) -> set[object]:
    return {f.value for f in facts if f.subject == subject and f.property == prop}


@pytest.fixture(scope="module")
def glass() -> Extraction:
    return read("glass-meridian.txt")


@pytest.fixture(scope="module")
def summer() -> Extraction:
    return read("summer-static.txt")


GLASS = "glass-meridian-songs-from-the-lighthouse"
SUMMER = "summer-static-music-from-the-motion-picture"


def test_type_in_any_case_gives_the_schema_type_and_the_concept(glass: Extraction) -> None:
    """``Studio album`` is schema:StudioAlbum and the album-type concept studio."""
    assert values(glass.facts, GLASS, "schema:albumProductionType") == {Term("schema:StudioAlbum")}
    assert values(glass.facts, GLASS, "dkg:albumType") == {Ref("album-type/studio")}


def test_display_hints_are_read_and_state_nothing(glass: Extraction) -> None:
    """Italic Title and Longtype are neither facts nor reported as not read."""
    lines = {f.evidence.line for f in glass.facts} | {n.line for n in glass.not_read}
    assert 4 not in lines and 6 not in lines


def test_oxford_comma_list_of_artists(glass: Extraction) -> None:
    """``A, B, and the C`` is three artists; none is called "and the C"."""
    assert values(glass.facts, GLASS, "schema:byArtist") == {
        Ref("orla-penhallow"),
        Ref("tamsin-vell"),
        Ref("the-saltmarsh-choir"),
    }


def test_format_prefixed_release_dates_make_one_edition_per_format(glass: Extraction) -> None:
    """``CD …, LP …, Anniversary Edition …``: an edition each, with its date and format."""
    release = f"release/{GLASS}"
    assert values(glass.facts, f"{release}/cd", "schema:datePublished") == {Lit("2016-03-14", DATE)}
    assert values(glass.facts, f"{release}/cd", "schema:musicReleaseFormat") == {
        Term("schema:CDFormat")
    }
    assert values(glass.facts, f"{release}/lp", "schema:musicReleaseFormat") == {
        Term("schema:VinylFormat")
    }
    anniversary = f"{release}/anniversary-edition"
    assert values(glass.facts, anniversary, "schema:datePublished") == {Lit("2021-03-14", DATE)}
    assert values(glass.facts, GLASS, "schema:datePublished") == {Lit("2016-03-14", DATE)}


def test_a_recording_range_is_a_period(glass: Extraction) -> None:
    """``4 January 2015 – 18 April 2015``: a session with a start and an end, no single date."""
    [session] = values(glass.facts, GLASS, "schema:recordedAt")
    assert isinstance(session, Ref)
    assert values(glass.facts, session.key, "schema:startDate") == {Lit("2015-01-04", DATE)}
    assert values(glass.facts, session.key, "schema:endDate") == {Lit("2015-04-18", DATE)}
    assert values(glass.facts, GLASS, "dkg:recordingDate") == set()


def test_studios_and_venue_with_their_places(glass: Extraction) -> None:
    """Studio and Venue items are places; a city or state after one says where it is."""
    assert values(glass.facts, GLASS, "schema:locationCreated") == {
        Ref("harbour-hall"),
        Ref("kestrel-rooms"),
        Ref("flintlock-sound"),
        Ref("low-barn"),
    }
    assert values(glass.facts, "harbour-hall", "schema:containedInPlace") == {Ref("manchester")}
    assert values(glass.facts, "kestrel-rooms", "schema:containedInPlace") == {Ref("bristol")}
    assert values(glass.facts, "flintlock-sound", "schema:containedInPlace") == {
        Ref("nashville-tennessee")
    }
    assert values(glass.facts, "low-barn", "schema:containedInPlace") == {Ref("surrey")}


def test_genres_are_concepts_with_their_spellings(glass: Extraction) -> None:
    """``Folk music, folk`` is one genre; ``Jazz fusion#Jazz pop`` names jazz pop."""
    assert values(glass.facts, GLASS, "schema:genre") == {
        Ref("genre/chamber-pop"),
        Ref("genre/folk"),
        Ref("genre/ambient"),
        Ref("genre/jazz-pop"),
    }
    assert values(glass.facts, "genre/folk", "skos:prefLabel") == {Lit("Folk music")}
    assert values(glass.facts, "genre/folk", "skos:altLabel") == {Lit("folk")}
    assert values(glass.facts, "genre/ambient", "skos:altLabel") == {Lit("ambience")}


def test_lengths_per_edition_over_an_hour(glass: Extraction) -> None:
    """``47:12 (standard), 1:02:40 (deluxe)``: each edition its own length."""
    release = f"release/{GLASS}"
    assert values(glass.facts, f"{release}/standard", "schema:duration") == {
        Lit("PT47M12S", "xsd:duration")
    }
    assert values(glass.facts, f"{release}/deluxe", "schema:duration") == {
        Lit("PT1H2M40S", "xsd:duration")
    }


def test_labels_pairs_and_catalogue_number(glass: Extraction) -> None:
    """Two target/display pairs are two labels with alternate names; ``DWR-0042`` a number."""
    release = f"release/{GLASS}"
    assert values(glass.facts, release, "schema:recordLabel") == {
        Ref("driftwood-records"),
        Ref("northlight-music-group"),
    }
    assert values(glass.facts, "driftwood-records", "schema:alternateName") == {Lit("Driftwood")}
    assert values(glass.facts, "northlight-music-group", "schema:alternateName") == {Lit("NMG")}
    assert values(glass.facts, release, "schema:catalogNumber") == {Lit("DWR-0042")}


def test_a_qualifier_with_commas_and_a_placeholder_in_producers(glass: Extraction) -> None:
    """``Ewan Crane (Executive producer, strings)`` is one producer; ``various`` is no entity."""
    assert values(glass.facts, GLASS, "schema:producer") == {
        Ref("orla-penhallow"),
        Ref("ewan-crane"),
    }
    assert values(glass.facts, GLASS, "dkg:variousFor") == {Term("schema:producer")}
    assert not [f for f in glass.facts if f.subject == "various"]


def test_languages_as_codes(glass: Extraction) -> None:
    """``English`` is ``en``; a language the conventions lack is reported, not guessed."""
    assert values(glass.facts, GLASS, "schema:inLanguage") == {Lit("en")}
    assert any(n.line == 14 and n.text == "Cornish" for n in glass.not_read)


def test_previous_and_next_albums_linked_both_ways(glass: Extraction) -> None:
    """Prev/Next Title become albums with their years, each linked to this one and back."""
    prev, following = "tidewater-vol-2-live-at-the-quay", "and-the-gulls-came-home"
    assert values(glass.facts, GLASS, "dkg:follows") == {Ref(prev)}
    assert values(glass.facts, prev, "dkg:followedBy") == {Ref(GLASS)}
    assert values(glass.facts, GLASS, "dkg:followedBy") == {Ref(following)}
    assert values(glass.facts, following, "dkg:follows") == {Ref(GLASS)}
    assert values(glass.facts, prev, "schema:name") == {Lit("Tidewater, Vol. 2 (Live at the Quay)")}
    assert values(glass.facts, prev, "schema:datePublished") == {Lit("2013", YEAR)}
    assert values(glass.facts, following, "schema:datePublished") == {Lit("2019", YEAR)}
    assert values(glass.facts, GLASS, "dkg:chronology") == {Lit("Orla Penhallow studio albums")}


def test_year_is_refined_by_the_release_date(glass: Extraction) -> None:
    """``Year: 2016`` and the first release on 14 March 2016 are one date, not a conflict."""
    assert values(glass.facts, GLASS, "schema:datePublished") == {Lit("2016-03-14", DATE)}
    assert not glass.conflicts


def test_misc_is_listed_as_not_read(glass: Extraction) -> None:
    """The free-form Misc field is reported with its line."""
    assert [n.line for n in glass.not_read if n.text.startswith("- Misc:")] == [23]


def test_various_artists_is_a_property_of_the_album(summer: Extraction) -> None:
    """``Various Artists`` and ``various``: dkg:variousFor, no artist or producer entity."""
    assert values(summer.facts, SUMMER, "dkg:variousFor") == {
        Term("schema:byArtist"),
        Term("schema:producer"),
    }
    assert values(summer.facts, SUMMER, "schema:byArtist") == set()


def test_region_qualified_release_dates(summer: Extraction) -> None:
    """``June 1998 (UK), 21 August 1998 (U.S.)``: two editions with region and date."""
    uk, us = f"release/{SUMMER}/uk", f"release/{SUMMER}/u-s"
    assert values(summer.facts, uk, "dkg:region") == {Lit("UK")}
    assert values(summer.facts, uk, "schema:datePublished") == {Lit("1998-06", MONTH)}
    assert values(summer.facts, us, "schema:datePublished") == {Lit("1998-08-21", DATE)}
    assert values(summer.facts, SUMMER, "schema:datePublished") == {Lit("1998-06", MONTH)}


def test_a_recording_year_followed_by_a_place(summer: Extraction) -> None:
    """``1997 in Los Angeles, California``: the year and the place, each its own fact."""
    assert values(summer.facts, SUMMER, "dkg:recordingDate") == {Lit("1997", YEAR)}
    assert values(summer.facts, SUMMER, "schema:locationCreated") == {Ref("los-angeles-california")}


def test_a_length_with_its_qualifier_after_a_comma(summer: Extraction) -> None:
    """``53:52, (2008 reissue)`` is the length of the 2008 reissue, not of the album's release."""
    assert values(summer.facts, f"release/{SUMMER}/2008-reissue", "schema:duration") == {
        Lit("PT53M52S", "xsd:duration")
    }
    assert values(summer.facts, f"release/{SUMMER}", "schema:duration") == set()


def test_slash_separated_labels(summer: Extraction) -> None:
    """``Gullwing/Backstreet/Marlow`` is three labels."""
    assert values(summer.facts, f"release/{SUMMER}", "schema:recordLabel") == {
        Ref("gullwing"),
        Ref("backstreet"),
        Ref("marlow"),
    }


def test_a_band_name_with_commas_stays_whole_when_the_article_writes_it_so() -> None:
    """``Rook, Ivy & Lane`` is one artist: the article writes the name whole elsewhere."""
    ferry = read("ivy-and-lane.txt")
    assert values(ferry.facts, "night-ferry", "schema:byArtist") == {Ref("rook-ivy-lane")}
    assert values(ferry.facts, "night-ferry", "schema:producer") == {
        Ref("rook-ivy-lane"),
        Ref("dana-quill"),
    }


def test_an_unknown_field_is_reported_not_fatal() -> None:
    """A field the conventions do not know is listed as not read; the build goes on."""
    text = (ARTICLES / "summer-static.txt").read_text(encoding="utf-8")
    found = extract(text.replace("- Producer:", "- Mixer:"), article_source="s.txt")
    assert [(n.line, n.reason) for n in found.not_read] == [(11, "unknown infobox field 'Mixer'")]


def test_a_conventions_file_makes_an_unknown_field_readable() -> None:
    """With ``[infobox.Mixer]`` in a user file, the same line is read, no code change."""
    text = (ARTICLES / "summer-static.txt").read_text(encoding="utf-8")
    mine = '[infobox.Mixer]\nreads = "names"\nproperty = "schema:contributor"\n'
    found = extract(
        text.replace("- Producer: various", "- Mixer: Dana Quill"),
        article_source="s.txt",
        conventions=load_conventions(extra=[(mine, "mine.toml")]),
    )
    assert not found.not_read
    assert values(found.facts, SUMMER, "schema:contributor") == {Ref("dana-quill")}


def test_an_impossible_date_stops_the_build() -> None:
    """``31 February 2011`` in Released is `file:line: …`, not a line skipped."""
    text = (ARTICLES / "summer-static.txt").read_text(encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        extract(text.replace("21 August 1998", "31 February 1998"), article_source="s.txt")
    assert (caught.value.source, caught.value.line) == ("s.txt", 6)
