"""Studios and venues with the places they are in: ``Stax, Memphis, Tennessee``,
``Gang (Paris), Electric Lady (New York City)``, ``Classick in Chicago``,
``Tracks 1–10 at Sound Stage Studios (Nashville, TN)``.

A list item is a place, not a studio, when the conventions' places list names it (a city, a state,
a region), or when it stands between a studio and a state or region (``Burbank`` in ``…, Burbank,
California``); consecutive place items are one place, and a place follows the studio it locates.
A studio's place may also be written in parentheses or after "in". A parenthesis that is a span
of years (``(1991–present)``) is not a place: it is reported as not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drivekg.source.conventions import Conventions, fold
from drivekg.source.lists import DEFAULT_SEPARATORS, NameItem, NameRules, split_names

__all__ = ["Site", "Unread", "read_sites"]


@dataclass(frozen=True)
class Site:
    """A studio or venue (``place`` where it is), or a bare place (``name`` is the place)."""

    name: str
    text: str
    alternates: tuple[str, ...] = ()
    place: str | None = None
    bare: bool = False  # the item names a place, not a studio or venue in it


@dataclass(frozen=True)
class Unread:
    text: str
    reason: str


_SCOPE = re.compile(
    r"Tracks? [0-9]+(?:[–-][0-9]+)?(?:(?:,| and) [0-9]+(?:[–-][0-9]+)?)* (?:recorded )?at "
)
_IN = re.compile(r" in (?=[A-Z])")
_FACILITY = frozenset(
    [
        "studio",
        "studios",
        "stage",
        "hall",
        "recording",
        "recordings",
        "records",
        "sound",
        "church",
        "arena",
        "theatre",
        "theater",
        "center",
        "centre",
        "room",
        "house",
        "lab",
        "laboratory",
        "ranch",
        "factory",
        "tower",
        "garden",
        "academy",
    ]
)


def _is_place(text: str, c: Conventions) -> bool:
    folded = fold(text)
    return folded in c.cities or folded in c.states or folded in c.regions


def _is_region(text: str, c: Conventions) -> bool:
    folded = fold(text)
    return folded in c.states or folded in c.regions


def _may_be_city(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 3
        and text[:1].isupper()
        and not any(ch.isdigit() for ch in text)
        and not any(w.casefold().strip(".,") in _FACILITY for w in words)
    )


def read_sites(value: str, c: Conventions) -> list[Site | Unread]:
    """The studios, venues and places of a Studio or Venue value, in order."""
    rules = NameRules(
        DEFAULT_SEPARATORS["places"], c.whole_names, c.same, c.link_suffixes, c.placeholders
    )
    items = split_names(value, rules)
    result: list[Site | Unread] = []
    run: list[str] = []  # place items in a row
    last: int | None = None  # index in result of the last studio without a place
    for index, item in enumerate(items):
        scope = _SCOPE.match(item.name)
        name = item.name[scope.end() :] if scope else item.name
        following = items[index + 1].name if index + 1 < len(items) else None
        city_before_region = (
            following is not None
            and _is_region(following, c)
            and (last is not None or run)
            and _may_be_city(name)
        )
        if item.qualifier is None and (_is_place(name, c) or city_before_region):
            run.append(name)
            if _is_region(name, c) and (following is None or not _is_region(following, c)):
                last = _close_run(run, result, last)  # a place ends at its state or country
            continue
        last = _close_run(run, result, last)
        site, unread = _site(item, name, c)
        result.append(site)
        if unread is not None:
            result.append(unread)
        last = len(result) - (2 if unread else 1) if site.place is None else None
    _close_run(run, result, last)
    return result


def _close_run(run: list[str], result: list[Site | Unread], last: int | None) -> int | None:
    """Give the place items collected so far to the studio before them, or keep them bare."""
    if not run:
        return last
    place = ", ".join(run)
    run.clear()
    if last is not None:
        studio = result[last]
        assert isinstance(studio, Site)
        result[last] = Site(
            studio.name, f"{studio.text}, {place}", studio.alternates, place, studio.bare
        )
        return None
    previous = next((s for s in reversed(result) if isinstance(s, Site)), None)
    if previous is None or place not in (previous.place, previous.name):
        result.append(Site(place, place, bare=True))
    return None


def _site(item: NameItem, name: str, c: Conventions) -> tuple[Site, Unread | None]:
    unread = None
    place = None
    if item.qualifier is not None:
        if any(ch.isdigit() for ch in item.qualifier) or "present" in item.qualifier:
            unread = Unread(f"({item.qualifier})", f"a span of time given for {name!r}")
        else:
            place = item.qualifier
    elif found := list(_IN.finditer(name)):
        cut = found[-1]
        where = name[cut.end() :]
        if _is_place(where.split(",")[0], c):
            name, place = name[: cut.start()], where
    if _is_place(name, c) and place is None:
        return Site(name, item.text, item.alternates, bare=True), unread
    return Site(name, item.text, item.alternates, place), unread
