"""Typed values as the article writes them."""

from __future__ import annotations

import pytest

from drivekg.records import Lit
from drivekg.source.values import parse_date, parse_duration, parse_position, parse_years


@pytest.mark.parametrize(
    ("text", "lit"),
    [
        ("September 19, 2011", Lit("2011-09-19", "xsd:date")),
        ("June 2012", Lit("2012-06", "xsd:gYearMonth")),
        ("2011", Lit("2011", "xsd:gYear")),
        ("2012-06-21", Lit("2012-06-21", "xsd:date")),
    ],
)
def test_dates_keep_their_precision(text: str, lit: Lit) -> None:
    """A full date is xsd:date, a month xsd:gYearMonth, a year xsd:gYear: nothing is padded."""
    assert parse_date(text) == lit


@pytest.mark.parametrize(
    "text", ["Septembre 19, 2011", "19/09/2011", "soon", "Foo 2012", "31 February 2011",
             "February 30, 2012", "2011-02-29"]
)
def test_bad_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "lexical"),
    [("70:18", "PT1H10M18S"), ("57:16", "PT57M16S"), ("1:02:35", "PT1H2M35S"), ("3:00", "PT3M")],
)
def test_lengths_become_xsd_durations(text: str, lexical: str) -> None:
    assert parse_duration(text) == Lit(lexical, "xsd:duration")


@pytest.mark.parametrize("text", ["70", "70:61", "1:60:00", "ten minutes"])
def test_bad_lengths_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_positions_are_integers_from_one() -> None:
    """A chart position is an xsd:integer (stores keep no narrower type), and never below 1."""
    assert parse_position("30") == Lit("30", "xsd:integer")
    for bad in ("0", "-1", "3rd", ""):
        with pytest.raises(ValueError):
            parse_position(bad)


def test_years_from_a_chart_header() -> None:
    """`Chart (2011–2012)` spans two years; `Chart (2012)` one; `Chart` none."""
    assert parse_years("Chart (2011–2012)") == (Lit("2011", "xsd:gYear"), Lit("2012", "xsd:gYear"))
    assert parse_years("Chart (2012)") == (Lit("2012", "xsd:gYear"), Lit("2012", "xsd:gYear"))
    assert parse_years("Chart") is None
