"""A track of a track listing as the text format writes it.

A numbered line of the body (``1. "Nightcall" – 4:19``) or a row of a track-listing table. The
title is quoted or is the text before the length; the length ends the line after a dash; what
stands between says who performs or wrote it:

- ``"Title" – 4:50``, ``Title – 4:50``, ``"Title"`` (no length);
- ``"Title" (featuring X) – 4:50`` and ``(feat. X)``: X performs with the album's artist;
- ``"Title" (performed by X)``, ``"Title" by X – 4:50``, ``"Title" – X – 4:50``: X performs;
- ``"Title" (written by X)``, ``(writer: X)``: X wrote it;
- any other parenthesis after the title is part of the title when quoted titles are not used
  (``Theme (Reprise) – 2:10``) and a note otherwise, reported as not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drivekg.records import Lit
from drivekg.source.grammar import BadValue, NotThisGrammar, parse_length

__all__ = ["Track", "parse_track"]

MAX_TRACK = 600  # characters of one track line


@dataclass(frozen=True)
class Track:
    title: str
    length: Lit | None = None
    performers: str | None = None  # a list of names, as written
    featuring: str | None = None
    writers: str | None = None
    note: str | None = None  # a parenthesis the grammar does not read


_QUOTED = re.compile(r'"(?P<title>[^"]+)"(?P<rest>.*)')
_LENGTH_END = re.compile(r"(?: ?[–—-] ?| )\(?(?P<length>[0-9]{1,3}:[0-9]{2}(?::[0-9]{2})?)\)?$")
_NOTE = re.compile(r"\((?P<note>[^()]+)\)")
_ROLE = re.compile(
    r"(?P<role>featuring|feat\.|ft\.|performed by|written by|writers?:|words and music by|by) "
    r"(?P<names>.+)",
    re.IGNORECASE,
)


def parse_track(text: str) -> Track | None:
    """The track a line names, or None when it has no title; ``BadValue`` for a length that
    cannot be (``4:75``)."""
    text = " ".join(text.split())
    if not text or len(text) > MAX_TRACK:
        return None
    length = None
    if match := _LENGTH_END.search(text):
        try:
            length = parse_length(match["length"])
        except NotThisGrammar:
            length = None
        except BadValue:
            raise
        else:
            text = text[: match.start()].rstrip(" –—-")
    quoted = _QUOTED.fullmatch(text)
    if quoted is None:
        return Track(text.strip(), length) if text.strip() else None
    title, rest = quoted["title"].strip(), quoted["rest"].strip()
    track = Track(title, length)
    while rest:
        if note := _NOTE.match(rest):
            track = _role(track, note["note"].strip(), note=True)
            rest = rest[note.end() :].strip()
        elif rest[:1] in "–—-":
            track = _role(track, rest.lstrip("–—- ").strip(), note=False, dash=True)
            rest = ""
        else:
            track = _role(track, rest, note=False)
            rest = ""
    return track


def _role(track: Track, text: str, *, note: bool, dash: bool = False) -> Track:
    match = _ROLE.fullmatch(text)
    if match is None:
        if dash and text:  # "Title" – Performer
            return _with(track, performers=text)
        return _with(track, note=text) if text else track
    role, names = match["role"].casefold(), match["names"].strip()
    if role in ("featuring", "feat.", "ft."):
        return _with(track, featuring=names)
    if role in ("performed by", "by"):
        return _with(track, performers=names)
    return _with(track, writers=names)


def _with(track: Track, **changes: str) -> Track:
    values = {
        "title": track.title,
        "length": track.length,
        "performers": track.performers,
        "featuring": track.featuring,
        "writers": track.writers,
        "note": track.note,
    }
    for key, value in changes.items():
        current = values[key]
        values[key] = f"{current}; {value}" if isinstance(current, str) and current else value
    return Track(**values)  # type: ignore[arg-type]
