"""A track listing -> the album's tracks, in order, with their lengths and who made them.

Each track is a ``schema:MusicRecording`` (its key is its title's, as every named thing's) that
is a ``schema:track`` of the album, ``schema:inAlbum`` it, at ``schema:position`` N, with its
``schema:duration``; performers are ``schema:byArtist``; writers are the ``schema:composer`` of
the song as written, ``composition/{title}`` (a ``schema:MusicComposition``, its
``schema:recordingOf``). A second track of the same
title in one album is reported as not read (one recording cannot be at two positions).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from drivekg.facts.names import AGENT, Names, typed
from drivekg.iris import slug
from drivekg.records import Evidence, Fact, Lit, NotRead, Ref
from drivekg.source.conventions import Conventions
from drivekg.source.lists import DEFAULT_SEPARATORS, NameRules, WrittenWhole, split_names
from drivekg.source.tracks import Track

__all__ = ["Listed", "track_facts"]

_FEATURING = re.compile(r" (?:featuring|feat\.|ft\.) ", re.IGNORECASE)


@dataclass(frozen=True)
class Listed:
    """A track where the article lists it: its number, the track, and the line."""

    number: int
    track: Track
    evidence: Evidence
    filled: bool = False  # the number was counted, not written


def track_facts(
    album: str,
    listed: Iterable[Listed],
    names: Names,
    c: Conventions,
    whole: WrittenWhole | None = None,
) -> tuple[list[Fact], list[NotRead]]:
    """The facts of the tracks of one listing; ``whole`` the names the article writes whole."""
    rules = NameRules(
        DEFAULT_SEPARATORS["names"], c.whole_names, c.same, c.link_suffixes, c.placeholders
    )
    facts: list[Fact] = []
    skipped: list[NotRead] = []
    seen: dict[str, int] = {}

    def around(line: int) -> set[str]:
        return whole.elsewhere(line) if whole is not None else set()

    for item in listed:
        track, ev = item.track, item.evidence
        key, introduced = names.introduce(track.title, ev, implied=("schema:MusicRecording",))
        if key == album:  # the title track: a recording, not the album of the same name
            key = f"track/{album}/{key}"
            introduced = [
                *typed(key, ("schema:MusicRecording",), ev),
                Fact(key, "schema:name", Lit(track.title), ev),
            ]
        if key in seen:
            reason = f"a second track titled {track.title!r} (first on line {seen[key]})"
            skipped.append(NotRead(ev.line, ev.text, reason))
            continue
        seen[key] = ev.line
        facts.extend(introduced)
        facts.append(Fact(album, "schema:track", Ref(key), ev))
        facts.append(Fact(key, "schema:inAlbum", Ref(album), ev))
        facts.append(Fact(key, "schema:position", Lit(str(item.number), "xsd:integer"), ev))
        if track.length is not None:
            facts.append(Fact(key, "schema:duration", track.length, ev))
        people = [
            *(
                p
                for text in (track.performers, track.featuring)
                if text
                for p in _FEATURING.split(text)
            )
        ]
        for text in people:
            for name in split_names(text, rules, elsewhere=around(ev.line)):
                if name.placeholder:
                    continue
                agent, agent_facts = names.introduce(
                    name.name, ev, fallback=AGENT, alternates=name.alternates
                )
                facts.extend(agent_facts)
                facts.append(Fact(key, "schema:byArtist", Ref(agent), ev))
        if track.writers:  # the song as written, a work of its own: composition/{recording}
            work = f"composition/{slug(track.title)}"
            facts.extend(typed(work, ("schema:MusicComposition",), ev))
            facts.append(Fact(work, "schema:name", Lit(track.title), ev))
            facts.append(Fact(key, "schema:recordingOf", Ref(work), ev))
            for name in split_names(track.writers, rules, elsewhere=around(ev.line)):
                if name.placeholder:
                    continue
                writer, writer_facts = names.introduce(
                    name.name, ev, fallback=AGENT, alternates=name.alternates
                )
                facts.extend(writer_facts)
                facts.append(Fact(work, "schema:composer", Ref(writer), ev))
        if track.note is not None:
            skipped.append(NotRead(ev.line, f"({track.note})", f"a note on {track.title!r}"))
    return facts, skipped
