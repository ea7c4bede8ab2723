"""Typed literal values as the article writes them: dates, durations, positions.

Every value is bounded, so nothing downstream (rdflib's parsers, the validator) meets a number it
cannot hold: a year is 0001-9999 (four digits, as ``xsd:gYear`` and Python's dates both hold), a
length has at most four digits before its first colon, a chart position is 1-99999. Digits are
ASCII: another script's digits (``٢٠١١``) are refused, never read as a number.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from drivekg.records import Lit
from drivekg.text import clip, non_ascii_digit

__all__ = ["MAX_POSITION", "check_year", "parse_date", "parse_duration", "parse_position",
           "parse_years"]

_MONTHS = list(calendar.month_name)[1:]
MAX_POSITION = 99_999
_MONTH_YEAR = re.compile(r"(?P<month>[A-Z][a-z]+) (?P<year>[0-9]{4})")
_YEAR_MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LENGTH = re.compile(r"[0-9]{1,4}(:[0-9]{2}){1,2}")
_YEARS = re.compile(r"\((?P<start>[0-9]{4})(?:\s*[–-]\s*(?P<end>[0-9]{4}))?\)")


def _ascii_digits(text: str, what: str) -> None:
    if (digit := non_ascii_digit(text)) is not None:
        raise ValueError(f"{what} {clip(text)} has the digit {digit!r}: write digits as 0-9")


def check_year(year: str) -> str:
    if year == "0000":
        raise ValueError("year 0000 does not exist (years run from 0001)")
    return year


def parse_date(text: str) -> Lit:
    """``September 19, 2011`` -> xsd:date; ``June 2012`` -> xsd:gYearMonth; ``2011`` -> xsd:gYear.

    Raises ValueError for anything else, and for a day or month that does not exist
    (``31 February 2011``, ``2011-13``, ``2011-00``).
    """
    text = " ".join(text.split())
    _ascii_digits(text, "date")
    if _ISO_DATE.fullmatch(text):
        try:
            return Lit(date.fromisoformat(text).isoformat(), "xsd:date")
        except ValueError:
            raise ValueError(f"no such day: {clip(text)}") from None
    for fmt in ("%B %d, %Y", "%d %B %Y"):
        try:
            return Lit(datetime.strptime(text, fmt).date().isoformat(), "xsd:date")
        except ValueError:
            pass
    if (match := _MONTH_YEAR.fullmatch(text)) and match["month"] in _MONTHS:
        month = _MONTHS.index(match["month"]) + 1
        return Lit(f"{check_year(match['year'])}-{month:02d}", "xsd:gYearMonth")
    if match := _YEAR_MONTH.fullmatch(text):
        if not 1 <= int(match["month"]) <= 12:
            raise ValueError(f"no such month: {clip(text)} (months run from 01 to 12)")
        return Lit(f"{check_year(match['year'])}-{match['month']}", "xsd:gYearMonth")
    if re.fullmatch(r"[0-9]{4}", text):
        return Lit(check_year(text), "xsd:gYear")
    raise ValueError(f"not a date (or no such day): {clip(text)}")


def parse_duration(text: str) -> Lit:
    """``70:18`` -> ``PT1H10M18S``; ``1:10:18`` likewise; as xsd:duration."""
    text = text.strip()
    _ascii_digits(text, "length")
    if not _LENGTH.fullmatch(text):
        raise ValueError(
            f"not a length (M:SS or H:MM:SS, at most four digits before the first colon): "
            f"{clip(text)}"
        )
    parts = [int(p) for p in text.split(":")]
    seconds = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) == 3 else 0)
    if parts[-1] >= 60 or (len(parts) == 3 and parts[-2] >= 60):
        raise ValueError(f"not a length: {clip(text)}")
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    out = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return Lit(out + (f"{secs}S" if secs or out == "PT" else ""), "xsd:duration")


def parse_position(text: str) -> Lit:
    """A chart position: a whole number from 1 to ``MAX_POSITION``, as xsd:integer (stores keep
    no narrower type)."""
    text = text.strip()
    _ascii_digits(text, "chart position")
    if not re.fullmatch(r"[1-9][0-9]{0,4}", text):
        raise ValueError(
            f"not a chart position (a whole number from 1 to {MAX_POSITION}): {clip(text)}"
        )
    return Lit(text, "xsd:integer")


def parse_years(text: str) -> tuple[Lit, Lit] | None:
    """``Chart (2011–2012)`` -> (2011, 2012) as xsd:gYear; ``Chart (2012)`` -> (2012, 2012)."""
    _ascii_digits(text, "chart header")
    match = _YEARS.search(text)
    if not match:
        return None
    start = Lit(check_year(match["start"]), "xsd:gYear")
    return start, Lit(check_year(match["end"]), "xsd:gYear") if match["end"] else start
