"""Typed literal values as the article writes them: dates, durations, positions."""

from __future__ import annotations

import re
from datetime import datetime

from drivekg.records import Lit

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def parse_date(text: str) -> Lit:
    """``September 19, 2011`` -> xsd:date; ``June 2012`` -> xsd:gYearMonth; ``2011`` -> xsd:gYear.

    Raises ValueError for anything else.
    """
    text = " ".join(text.split())
    for fmt in ("%B %d, %Y", "%d %B %Y", "%Y-%m-%d"):
        try:
            return Lit(datetime.strptime(text, fmt).date().isoformat(), "xsd:date")
        except ValueError:
            pass
    match = re.fullmatch(r"(?P<month>[A-Z][a-z]+) (?P<year>\d{4})", text)
    if match and match["month"] in _MONTHS:
        month = _MONTHS.index(match["month"]) + 1
        return Lit(f"{match['year']}-{month:02d}", "xsd:gYearMonth")
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return Lit(text, "xsd:gYearMonth")
    if re.fullmatch(r"\d{4}", text):
        return Lit(text, "xsd:gYear")
    raise ValueError(f"not a date: {text!r}")


def parse_duration(text: str) -> Lit:
    """``70:18`` -> ``PT1H10M18S``; ``1:10:18`` likewise; as xsd:duration."""
    if not re.fullmatch(r"\d+(:\d{2}){1,2}", text.strip()):
        raise ValueError(f"not a length (M:SS or H:MM:SS): {text!r}")
    parts = [int(p) for p in text.strip().split(":")]
    seconds = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) == 3 else 0)
    if parts[-1] >= 60 or (len(parts) == 3 and parts[-2] >= 60):
        raise ValueError(f"not a length: {text!r}")
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    out = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return Lit(out + (f"{secs}S" if secs or out == "PT" else ""), "xsd:duration")


def parse_position(text: str) -> Lit:
    """A chart position: a whole number from 1, as xsd:integer (stores keep no narrower type)."""
    if not re.fullmatch(r"[1-9]\d*", text.strip()):
        raise ValueError(f"not a chart position (a whole number from 1): {text!r}")
    return Lit(text.strip(), "xsd:integer")


def parse_years(text: str) -> tuple[Lit, Lit] | None:
    """``Chart (2011–2012)`` -> (2011, 2012) as xsd:gYear; ``Chart (2012)`` -> (2012, 2012)."""
    match = re.search(r"\((?P<start>\d{4})(?:\s*[–-]\s*(?P<end>\d{4}))?\)", text)
    if not match:
        return None
    start = Lit(match["start"], "xsd:gYear")
    return start, Lit(match["end"], "xsd:gYear") if match["end"] else start
