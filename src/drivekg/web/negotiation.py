"""HTTP content negotiation: the format to send for an ``Accept`` header (RFC 9110 §12.5.1).

Each offered format takes the quality (``q``) of the *most specific* range that matches its media
type (``text/turtle`` over ``text/*`` over ``*/*``; a range with media-type parameters is more
specific than the same range without); ``q=0`` means "not acceptable", and a format whose own
media type is refused so is refused, whatever else matches it. An alias (``application/xhtml+xml``
for HTML, ``text/plain`` for N-Triples, ``application/json`` for JSON-LD) counts only where the
client names it: ``application/*`` never gets HTML, and ``text/html;q=0, */*`` never does either.

The format with the highest quality wins; among equals, one the client named explicitly beats one
only a wildcard matched (``text/turtle, */*`` is Turtle, not HTML); remaining ties go to the
server's order of preference (``offers``), or, when only wildcards matched, to ``wildcard_order``
(a browser's ``*/*`` gets HTML, an RDF-only resource Turtle). No ``Accept`` header means ``*/*``.
An entry that cannot be parsed is ignored; a header with no parsable entry counts as absent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from drivekg.formats import Format

__all__ = ["MediaRange", "choose", "negotiate", "parse_accept"]

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
    def explicit(self) -> bool:
        return self.subtype != "*"

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


def _quality(ranges: list[MediaRange], fmt: Format) -> tuple[float, bool]:
    """(q, named explicitly) of ``fmt``: 0 when nothing matches or its own type is refused."""
    own = [r for r in ranges if r.matches(fmt.media_type)]
    best = max(own, key=lambda r: r.specificity) if own else None
    if best is not None and best.q <= 0:
        return 0.0, False
    candidates = [best] if best is not None else []
    candidates += [r for r in ranges if r.explicit and r.q > 0
                   and any(r.type == a.split("/")[0] and r.subtype == a.split("/")[1]
                           for a in fmt.aliases)]
    if not candidates:
        return 0.0, False
    top = max(candidates, key=lambda r: (r.q, r.explicit))
    return top.q, top.explicit


def choose(accept: str | None, offers: Sequence[Format],
           wildcard_order: Sequence[Format] | None = None) -> Format | None:
    """The format to send for ``accept``, or None when none is acceptable (406).

    ``offers`` are in the server's order of preference for explicitly named types;
    ``wildcard_order`` (default: the same) orders the offers when only wildcards matched.
    """
    order = list(wildcard_order or offers)
    ranges = parse_accept(accept)
    if not ranges:
        return next((f for f in order if f in offers), None)
    best: tuple[float, bool, int] | None = None
    chosen: Format | None = None
    for index, fmt in enumerate(offers):
        q, explicit = _quality(ranges, fmt)
        if q <= 0:
            continue
        preference = index if explicit or fmt not in order else order.index(fmt)
        rank = (q, explicit, -preference)
        if best is None or rank > best:
            best, chosen = rank, fmt
    return chosen


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The media type to send among plain ``offers`` (each its own format, no aliases)."""
    formats = [Format(media, media, media, "", "other") for media in offers]
    chosen = choose(accept, formats)
    return chosen.media_type if chosen else None
