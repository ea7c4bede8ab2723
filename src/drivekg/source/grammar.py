"""Value grammars: how an album infobox writes dates, periods, lengths and lists of them.

Each grammar reads a value written as a person would (``March 5–16, 1977``, ``CD July 15, 2008,
LP August 12, 2008``, ``57:16 (standard), 78:02 (deluxe)``, ``2010 in Los Angeles, California``)
into records; no RDF here. Two kinds of failure, told apart by the shape of the text:

- ``NotThisGrammar``: the text is not written in this grammar at all (``London Philharmonic
  Orchestra`` as a recording date). The build lists it under "Not read" and goes on.
- ``BadValue``: the text has the grammar's shape but names something that cannot be
  (``31 February 2011``, a period that ends before it starts). The build stops with an error.

Every pattern here is anchored and has no run that can backtrack over another (linear in the
length of the text); digits are ASCII ``0-9``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from drivekg.records import Lit
from drivekg.source.values import parse_date, parse_duration
from drivekg.text import clip, non_ascii_digit

__all__ = [
    "BadValue",
    "Dated",
    "NotThisGrammar",
    "Period",
    "When",
    "parse_dated_list",
    "parse_length",
    "parse_lengths",
    "parse_when",
    "split_qualifier",
    "tokens",
]

MAX_VALUE = 2000  # characters: a longer infobox value is not read as a list of dates
MAX_WHEN = 64  # characters: no date or period is written longer


class NotThisGrammar(ValueError):  # noqa: N818 - a signal, not an error to the user
    """The text is not written in this grammar (it is reported as not read)."""


class BadValue(ValueError):  # noqa: N818
    """The text has the grammar's shape but cannot be true (an impossible date)."""


@dataclass(frozen=True, order=True)
class Period:
    """A span of time with a start and an end, each as precise as the text gives it."""

    start: Lit
    end: Lit


When = Lit | Period


@dataclass(frozen=True)
class Dated:
    """One item of a dated list: ``CD July 15, 2008`` or ``March 1981 (UK)``."""

    when: When
    text: str  # the item as written
    prefix: str | None = None  # words before the date (a format or an edition)
    qualifier: str | None = None  # the parenthesis after it (a region or an edition)
    place: str | None = None  # "... in Los Angeles, California"


_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_ABBREVIATED = {m[:3]: m for m in _MONTHS} | {"sept": "september"}
_MONTH = r"(?:[A-Za-z]{3,9}\.?)"
_DAY = r"(?:[0-9]{1,2})"
_YEAR = r"(?:[0-9]{4})"
_DASH = r"(?: ?[–—-] ?| to )"
_SHAPES = {
    "iso": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "iso-month": re.compile(r"[0-9]{4}-[0-9]{2}"),
    "us": re.compile(rf"(?P<m>{_MONTH}) (?P<d>{_DAY}),? (?P<y>{_YEAR})"),
    "uk": re.compile(rf"(?P<d>{_DAY}) (?P<m>{_MONTH}) (?P<y>{_YEAR})"),
    "month": re.compile(rf"(?P<m>{_MONTH}),? (?P<y>{_YEAR})"),
    "year": re.compile(_YEAR),
}
# Ranges whose start leaves out what the end says (``March 5–16, 1977``: the start's year).
_PARTIAL_RANGES = (
    re.compile(rf"(?P<m>{_MONTH}) (?P<d1>{_DAY}){_DASH}(?P<d2>{_DAY}),? (?P<y>{_YEAR})"),
    re.compile(rf"(?P<d1>{_DAY}){_DASH}(?P<d2>{_DAY}) (?P<m>{_MONTH}) (?P<y>{_YEAR})"),
    re.compile(
        rf"(?P<m1>{_MONTH}) (?P<d1>{_DAY}){_DASH}(?P<m2>{_MONTH}) (?P<d2>{_DAY}),? (?P<y>{_YEAR})"
    ),
    re.compile(
        rf"(?P<d1>{_DAY}) (?P<m1>{_MONTH}){_DASH}(?P<d2>{_DAY}) (?P<m2>{_MONTH}) (?P<y>{_YEAR})"
    ),
    re.compile(rf"(?P<m1>{_MONTH}){_DASH}(?P<m2>{_MONTH}),? (?P<y>{_YEAR})"),
    re.compile(rf"(?P<y1>{_YEAR}){_DASH}(?P<y2>[0-9]{{2}})"),
)
_RUN_OF_YEARS = re.compile(r"(?P<y1>[0-9]{4})(?P<y2>[0-9]{4})")  # "20192022": the dash was lost
_SEPARATOR = re.compile(r" ?[–—] ?| - | to |-")


def _fold(text: str) -> str:
    return " ".join(text.split())


def _month(word: str) -> str | None:
    """``Sept.`` / ``september`` / ``September`` -> ``September``; None for other words."""
    folded = word.rstrip(".").casefold()
    full = folded if folded in _MONTHS else _ABBREVIATED.get(folded)
    return full.capitalize() if full else None


def _date(text: str) -> Lit:
    """One date in any of the shapes; ``NotThisGrammar`` or ``BadValue``."""
    text = _fold(text)
    for shape in _SHAPES.values():
        match = shape.fullmatch(text)
        if match is None:
            continue
        if "m" in shape.groupindex:
            month = _month(match["m"])
            if month is None:
                raise NotThisGrammar(f"not a date: {text!r}")
            day = match["d"] if "d" in shape.groupindex else None
            text = f"{day} {month} {match['y']}" if day else f"{month} {match['y']}"
        try:
            return parse_date(text)
        except ValueError as exc:
            raise BadValue(str(exc)) from exc
    raise NotThisGrammar(f"not a date: {text!r}")


def _order(lit: Lit) -> tuple[int, ...]:
    return tuple(int(part) for part in lit.lexical.split("-"))


def _period(start: Lit, end: Lit, text: str) -> When:
    first, last = _order(start), _order(end)
    if first[: len(last)] > last[: len(first)]:
        raise BadValue(f"the period ends before it starts: {text!r}")
    return start if start == end else Period(start, end)


def parse_when(text: str) -> When:
    """A date (``2010-12-03``, ``December 3, 2010``, ``3 December 2010``, ``June 1977``, ``1977``)
    or a period of two of them (``2008–2010``, ``March 5–16, 1977``, ``4 January 1999 – 18 April
    2000``, with an en dash, a hyphen or "to")."""
    if (digit := non_ascii_digit(text)) is not None:
        raise BadValue(f"date {clip(text)} has the digit {digit!r}: write digits as 0-9")
    if len(text) > 4 * MAX_WHEN:
        raise NotThisGrammar(f"not a date or a period: {text[:MAX_WHEN]!r}…")
    text = _fold(text)
    if len(text) > MAX_WHEN:
        raise NotThisGrammar(f"not a date or a period: {text[:MAX_WHEN]!r}…")
    try:
        return _date(text)
    except NotThisGrammar:
        pass
    for pattern in _PARTIAL_RANGES:
        if match := pattern.fullmatch(text):
            return _partial(match, text)
    if match := _RUN_OF_YEARS.fullmatch(text):
        return _period(Lit(match["y1"], "xsd:gYear"), Lit(match["y2"], "xsd:gYear"), text)
    for separator in _SEPARATOR.finditer(text):
        left, right = text[: separator.start()], text[separator.end() :]
        try:
            start, end = _date(left), _date(right)
        except NotThisGrammar:
            continue
        return _period(start, end, text)
    raise NotThisGrammar(f"not a date or a period: {text!r}")


def _partial(match: re.Match[str], text: str) -> When:
    groups = match.groupdict()
    if "y1" in groups:  # 1994–96
        end = groups["y1"][:2] + groups["y2"]
        return _period(_date(groups["y1"]), _date(end), text)
    year = groups["y"]
    if "d1" not in groups:  # June–August 1977
        return _period(_date(f"{groups['m1']} {year}"), _date(f"{groups['m2']} {year}"), text)
    first_month = groups.get("m1") or groups["m"]
    last_month = groups.get("m2") or groups["m"]
    start = _date(f"{groups['d1']} {first_month} {year}")
    return _period(start, _date(f"{groups['d2']} {last_month} {year}"), text)


# --------------------------------------------------------------------------- lists of values

_TOKEN_SEPARATOR = re.compile(r" ?, and | and | ?; ?| ?, ?")


def tokens(value: str) -> list[tuple[str, str]]:
    """``a, b; c and d`` -> [("", "a"), (", ", "b"), ("; ", "c"), (" and ", "d")]: each piece with
    the separator before it. Nothing inside parentheses separates."""
    value = _fold(value)
    pieces: list[tuple[str, str]] = []
    depth, start, separator, at = 0, 0, "", 0
    while at < len(value):
        char = value[at]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and char in " ,;" and (match := _TOKEN_SEPARATOR.match(value, at)):
            pieces.append((separator, value[start:at].strip()))
            separator, start = match.group(), match.end()
            at = match.end()
            continue
        at += 1
    pieces.append((separator, value[start:].strip()))
    return [(sep, piece) for sep, piece in pieces if piece]


_QUALIFIER = re.compile(r"(?P<value>[^()]*[^()\s]) ?\((?P<qualifier>[^()]+)\)")


def split_qualifier(item: str) -> tuple[str, str | None]:
    """``78:02 (deluxe)`` -> ("78:02", "deluxe"); an item with no final parenthesis is itself."""
    item = item.strip()
    if item.startswith("(") and item.endswith(")") and item.count("(") == 1:
        return "", item[1:-1].strip() or None
    match = _QUALIFIER.fullmatch(item)
    if match:
        return match["value"].strip(), match["qualifier"].strip()
    return item.strip(), None


_IN_PLACE = re.compile(r" in (?=[A-Z])")
_PREFIX_WORD = re.compile(r"[A-Za-z][A-Za-z0-9.'-]*")


def _dated_item(text: str) -> Dated:
    """``[prefix] date-or-period [(qualifier)] [in Place]``."""
    body, qualifier = split_qualifier(text)
    place = None
    if qualifier is None and (found := list(_IN_PLACE.finditer(body))):
        cut = found[0]
        try:
            when = parse_when(body[: cut.start()])
        except NotThisGrammar:
            pass
        else:
            return Dated(when, text, place=body[cut.end() :].strip())
    words = body.split(" ")
    for skip in range(min(len(words), 4)):
        prefix = " ".join(words[:skip])
        if skip and not all(_PREFIX_WORD.fullmatch(w) and _month(w) is None for w in words[:skip]):
            break
        try:
            when = parse_when(" ".join(words[skip:]))
        except NotThisGrammar:
            continue
        return Dated(when, text, prefix or None, qualifier, place)
    raise NotThisGrammar(f"not a date or a period: {text!r}")


T = TypeVar("T")


def _greedy(value: str, read: Callable[[str], T], longest: int) -> list[tuple[str, T | None]]:
    """Split ``value`` into items by pattern, not by comma: from each piece, the longest run of
    pieces (joined as written) that ``read`` accepts is one item. A piece no run starting at it
    can be read is returned with None."""
    if len(value) > MAX_VALUE:
        raise NotThisGrammar(f"a value of {len(value)} characters is not read as a list")
    pieces = tokens(value)
    items: list[tuple[str, T | None]] = []
    at = 0
    while at < len(pieces):
        for end in range(min(len(pieces), at + longest), at, -1):
            text = pieces[at][1] + "".join(sep + piece for sep, piece in pieces[at + 1 : end])
            try:
                items.append((text, read(text)))
            except NotThisGrammar:
                continue
            at = end
            break
        else:
            items.append((pieces[at][1], None))
            at += 1
    return items


def parse_dated_list(value: str) -> list[tuple[str, Dated | None]]:
    """``CD July 15, 2008, LP August 12, 2008`` -> two ``Dated`` items; ``March 1981 (UK),
    October 1981 (US)`` likewise; an item that is no date comes back with None."""
    return _greedy(value, _dated_item, longest=4)


_LENGTH = re.compile(r"[0-9]+:[0-9]+(?::[0-9]+)?")


def parse_length(text: str) -> Lit:
    """``70:18``, ``180:35`` or ``1:02:35`` -> an xsd:duration; a value shaped like a length
    that cannot be one (``70:75``, forty digits of minutes, other digits than 0-9) is
    ``BadValue``."""
    text = text.strip()
    if (digit := non_ascii_digit(text)) is not None and ":" in text:
        raise BadValue(f"length {clip(text)} has the digit {digit!r}: write digits as 0-9")
    if not _LENGTH.fullmatch(text):
        raise NotThisGrammar(f"not a length (m:ss or h:mm:ss): {text!r}")
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise BadValue(str(exc)) from exc


def parse_lengths(value: str) -> list[tuple[str, Lit | None, str | None]]:
    """``57:16 (standard), 78:02 (deluxe)`` -> [(text, length, qualifier), …]. A parenthesis that
    stands alone after a comma (``53:52, (2019 re-release)``) qualifies the length before it."""
    result: list[tuple[str, Lit | None, str | None]] = []
    for _, piece in tokens(value):
        body, qualifier = split_qualifier(piece)
        if not body and qualifier and result and result[-1][2] is None:
            text, length, _ = result[-1]
            result[-1] = (f"{text}, {piece}", length, qualifier)
            continue
        try:
            result.append((piece, parse_length(body), qualifier))
        except NotThisGrammar:
            result.append((piece, None, qualifier))
    return result
