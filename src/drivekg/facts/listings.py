"""Numbered lines of the body -> the album's tracks (``1. "Nightcall" – 4:19``).

A run of numbered lines is a track listing when it stands in a section the conventions call a
track listing (``[sections] track-listing``), or when every line of it names a quoted title. In a
track-listing section, a numbered line that names no track is reported as not read; elsewhere a
numbered list that is not a track listing is prose (the paragraphs keep it, quotable).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from drivekg.errors import SourceError
from drivekg.facts.names import Names
from drivekg.facts.tracks import Listed, track_facts
from drivekg.records import Article, Evidence, Fact, ListItem, NotRead
from drivekg.source.conventions import Conventions
from drivekg.source.grammar import BadValue
from drivekg.source.lists import WrittenWhole
from drivekg.source.tracks import parse_track

__all__ = ["read_listings"]


def _runs(items: Iterable[ListItem]) -> Iterator[list[ListItem]]:
    """Numbered top-level items in a row (same section, consecutive numbering restarts a run)."""
    run: list[ListItem] = []
    for item in items:
        if item.number is None or item.depth:
            continue
        if run and (item.section != run[-1].section or item.number <= (run[-1].number or 0)):
            yield run
            run = []
        run.append(item)
    if run:
        yield run


def read_listings(
    article: Article, names: Names, album: str | None, c: Conventions
) -> tuple[list[Fact], list[NotRead]]:
    facts: list[Fact] = []
    skipped: list[NotRead] = []
    if album is None:
        return facts, skipped
    whole = WrittenWhole(article.lines)
    for run in _runs(article.items):
        in_section = c.section_kind(run[0].section) == "track-listing"
        listed: list[Listed] = []
        unread: list[NotRead] = []
        for item in run:
            text = article.lines[item.line - 1].strip()
            try:
                track = parse_track(item.text)
            except BadValue as exc:
                raise SourceError(str(exc), source=article.source, line=item.line) from exc
            quoted = item.text.lstrip().startswith('"')
            if track is None or not (quoted or in_section):
                unread.append(NotRead(item.line, text, "a numbered line that names no track"))
                continue
            assert item.number is not None
            listed.append(Listed(item.number, track, Evidence(item.line, text)))
        if not in_section and unread:
            continue  # a numbered list of something else: prose
        built, notes = track_facts(album, listed, names, c, whole)
        facts.extend(built)
        skipped.extend([*unread, *notes])
    return facts, skipped
