"""Value grammars: dates, periods, dated lists, lengths (source/grammar.py)."""

from __future__ import annotations

import pytest

from drivekg.records import Lit
from drivekg.source.grammar import (
    BadValue,
    Dated,
    NotThisGrammar,
    Period,
    parse_dated_list,
    parse_lengths,
    parse_when,
)

DATE, MONTH, YEAR = "xsd:date", "xsd:gYearMonth", "xsd:gYear"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010-12-03", Lit("2010-12-03", DATE)),
        ("December 3, 2010", Lit("2010-12-03", DATE)),
        ("21 July 2017", Lit("2017-07-21", DATE)),
        ("June 1977", Lit("1977-06", MONTH)),
        ("1977", Lit("1977", YEAR)),
        ("Sept. 19, 2011", Lit("2011-09-19", DATE)),
        ("september 19, 2011", Lit("2011-09-19", DATE)),
    ],
)
def test_a_date_keeps_the_precision_it_is_written_with(text: str, expected: Lit) -> None:
    """Each way of writing a date gives a date, a month or a year: nothing more precise."""
    assert parse_when(text) == expected


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2008–2010", Lit("2008", YEAR), Lit("2010", YEAR)),
        ("2008-2010", Lit("2008", YEAR), Lit("2010", YEAR)),
        ("2008 to 2010", Lit("2008", YEAR), Lit("2010", YEAR)),
        ("1994–96", Lit("1994", YEAR), Lit("1996", YEAR)),
        ("March 5–16, 1977", Lit("1977-03-05", DATE), Lit("1977-03-16", DATE)),
        ("5–16 March 1977", Lit("1977-03-05", DATE), Lit("1977-03-16", DATE)),
        ("June–August 1977", Lit("1977-06", MONTH), Lit("1977-08", MONTH)),
        ("4 January 1999 – 18 April 2000", Lit("1999-01-04", DATE), Lit("2000-04-18", DATE)),
        ("December 26, 2004 – March 1, 2005", Lit("2004-12-26", DATE), Lit("2005-03-01", DATE)),
        ("March 30 – April 2, 1977", Lit("1977-03-30", DATE), Lit("1977-04-02", DATE)),
    ],
)
def test_a_range_is_a_period_with_a_start_and_an_end(text: str, start: Lit, end: Lit) -> None:
    """An en dash, a hyphen or "to" between two dates is a period, never one invented date."""
    assert parse_when(text) == Period(start, end)


def test_eight_digits_are_two_years_whose_dash_was_lost() -> None:
    """``20192022`` is the period 2019–2022."""
    assert parse_when("20192022") == Period(Lit("2019", YEAR), Lit("2022", YEAR))


@pytest.mark.parametrize(
    "text", ["31 February 2011", "February 30, 2011", "2011-02-30", "February 28 – 30, 2011"]
)
def test_an_impossible_date_is_an_error(text: str) -> None:
    """A date-shaped value that names no day is BadValue (the build stops), not skipped."""
    with pytest.raises(BadValue):
        parse_when(text)


def test_a_period_that_ends_before_it_starts_is_an_error() -> None:
    """``2010–2008`` cannot be."""
    with pytest.raises(BadValue):
        parse_when("2010–2008")


@pytest.mark.parametrize("text", ["London Philharmonic Orchestra", "soon", "Smarch 3, 2011", ""])
def test_text_that_is_no_date_is_not_this_grammar(text: str) -> None:
    """A value written in no date shape is NotThisGrammar (reported as not read)."""
    with pytest.raises(NotThisGrammar):
        parse_when(text)


def test_format_prefixed_list_gives_one_item_per_format() -> None:
    """``CD July 15, 2008, LP August 12, 2008, …`` splits by pattern, not at every comma."""
    items = parse_dated_list(
        "CD July 15, 2008, LP August 12, 2008, Special Edition December 9, 2008"
    )
    assert [(d.prefix, d.when) for _, d in items if d] == [
        ("CD", Lit("2008-07-15", DATE)),
        ("LP", Lit("2008-08-12", DATE)),
        ("Special Edition", Lit("2008-12-09", DATE)),
    ]


def test_qualified_list_gives_one_item_per_region() -> None:
    """``March 1981 (UK), October 1981 (US)``: two items, each with its qualifier."""
    items = parse_dated_list("March 1981 (UK), October 1981 (US)")
    assert [(d.qualifier, d.when) for _, d in items if d] == [
        ("UK", Lit("1981-03", MONTH)),
        ("US", Lit("1981-10", MONTH)),
    ]


def test_a_bare_year_after_a_date_is_an_item_of_its_own() -> None:
    """``July 9, 1982 , 2002`` (a reissue year after a spaced comma) is two dates."""
    items = parse_dated_list("July 9, 1982 , 2002")
    assert [d.when for _, d in items if d] == [Lit("1982-07-09", DATE), Lit("2002", YEAR)]


def test_a_date_followed_by_a_place_keeps_both() -> None:
    """``2010 in Los Angeles, California``: a year and the place, not a date with a comma."""
    [(_, dated)] = parse_dated_list("2010 in Los Angeles, California")
    assert dated == Dated(
        Lit("2010", YEAR), "2010 in Los Angeles, California", place="Los Angeles, California"
    )


def test_qualified_dates_joined_by_oxford_and() -> None:
    """``November 25, 1976 (Concert), and 1977 (Suite)``: two qualified items."""
    items = parse_dated_list("November 25, 1976 (Concert), and 1977 (Suite)")
    assert [(d.when, d.qualifier) for _, d in items if d] == [
        (Lit("1976-11-25", DATE), "Concert"),
        (Lit("1977", YEAR), "Suite"),
    ]


def test_an_item_that_is_no_date_comes_back_unread() -> None:
    """The list goes on past an item it cannot read, and returns that item with None."""
    items = parse_dated_list("2011, an orchestra")
    assert items == [("2011", Dated(Lit("2011", YEAR), "2011")), ("an orchestra", None)]


@pytest.mark.parametrize(
    ("text", "lexical"),
    [("70:18", "PT1H10M18S"), ("180:35", "PT3H35S"), ("1:02:35", "PT1H2M35S"), ("4:05", "PT4M5S")],
)
def test_lengths_over_an_hour_in_minutes_or_hours(text: str, lexical: str) -> None:
    """``mm:ss`` (minutes may exceed 60) and ``h:mm:ss`` are xsd:durations."""
    [(_, length, _)] = parse_lengths(text)
    assert length == Lit(lexical, "xsd:duration")


def test_lengths_per_edition() -> None:
    """``57:16 (standard), 78:02 (deluxe)``: each length with its edition."""
    assert [(q, length) for _, length, q in parse_lengths("57:16 (standard), 78:02 (deluxe)")] == [
        ("standard", Lit("PT57M16S", "xsd:duration")),
        ("deluxe", Lit("PT1H18M2S", "xsd:duration")),
    ]


def test_a_parenthesis_after_a_comma_qualifies_the_length_before_it() -> None:
    """``53:52, (2019 re-release)`` is one length of the 2019 re-release."""
    assert [(q, length) for _, length, q in parse_lengths("53:52, (2019 re-release)")] == [
        ("2019 re-release", Lit("PT53M52S", "xsd:duration"))
    ]


def test_an_impossible_length_is_an_error() -> None:
    """``70:75`` has the shape of a length but 75 seconds: BadValue."""
    with pytest.raises(BadValue):
        parse_lengths("70:75")


def test_grammars_are_linear_on_long_input() -> None:
    """A 100 000-character value is refused at once, not after a quadratic search."""
    import time

    started = time.perf_counter()
    for text in ("1" * 100_000, "March " * 20_000, "- " * 50_000):
        with pytest.raises(NotThisGrammar):
            parse_when(text)
        parse_lengths(text)
    assert time.perf_counter() - started < 10  # a generous guard: it takes milliseconds
