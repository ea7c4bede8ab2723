"""HTTP content negotiation: the media type to send for an ``Accept`` header (RFC 9110 §12.5.1).

Each offered type takes the quality (``q``) of the *most specific* range that matches it
(``text/turtle`` over ``text/*`` over ``*/*``; a range with media-type parameters is more specific
than the same range without); ``q=0`` means "not acceptable". The offer with the highest quality
wins; ties go to the server's order of preference. No ``Accept`` header means ``*/*``. An entry
that cannot be parsed is ignored; a header with no parsable entry counts as absent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MediaRange", "negotiate", "parse_accept"]

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_RANGE = re.compile(rf"^\s*({_TOKEN})/({_TOKEN})\s*$")
_QVALUE = re.compile(r"^(0(\.\d{0,3})?|1(\.0{0,3})?)$")


@dataclass(frozen=True)
class MediaRange:
    type: str  # lower case; "*" for any
    subtype: str
    params: tuple[tuple[str, str], ...]  # media-type parameters (before q), lower-cased names
    q: float

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)

    @property
    def specificity(self) -> tuple[int, int, int]:
        return (self.type != "*", self.subtype != "*", len(self.params))


def parse_accept(header: str | None) -> list[MediaRange]:
    """The ranges of an ``Accept`` header, in the order written; unparsable entries are dropped."""
    if not header:
        return []
    ranges = []
    for entry in header.split(","):
        parts = entry.split(";")
        match = _RANGE.match(parts[0])
        if match is None:
            continue
        kind, sub = match.group(1).lower(), match.group(2).lower()
        if kind == "*" and sub != "*":
            continue  # "*/json" is not a media range
        q, params, valid = 1.0, [], True
        for part in parts[1:]:
            name, eq, value = part.strip().partition("=")
            name, value = name.strip().lower(), value.strip().strip('"')
            if not name or not eq:
                continue
            if name == "q":
                if not _QVALUE.match(value):
                    valid = False
                    break
                q = float(value)
                break  # what follows q are accept-extensions, not media-type parameters
            params.append((name, value))
        if valid:
            ranges.append(MediaRange(kind, sub, tuple(params), q))
    return ranges


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer to send for ``accept``, or None when none is acceptable (406).

    ``offers`` are media types without parameters, in the server's order of preference.
    """
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0] if offers else None
    best: tuple[float, int] | None = None
    chosen: str | None = None
    for index, offer in enumerate(offers):
        matching = [r for r in ranges if r.matches(offer.lower())]
        if not matching:
            continue
        q = max(matching, key=lambda r: r.specificity).q
        if q <= 0:
            continue
        if best is None or (q, -index) > best:
            best, chosen = (q, -index), offer
    return chosen
