"""Lists of the body read as data: numbered lines -> the album's tracks (``1. "Nightcall" –
4:19``); bullets under a personnel section -> who contributed what (``- Name – mixing``).

A run of numbered lines is a track listing when it stands in a section the conventions call a
track listing (``[sections] track-listing``), or when every line of it names a quoted title. In a
track-listing section, a numbered line that names no track is reported as not read; elsewhere a
numbered list that is not a track listing is prose (the paragraphs keep it, quotable).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from drivekg.errors import SourceError
from drivekg.facts.names import AGENT, Names, typed
from drivekg.facts.tracks import Listed, track_facts
from drivekg.records import Article, Evidence, Fact, ListItem, Lit, NotRead, Ref
from drivekg.source.conventions import Conventions
from drivekg.source.grammar import BadValue, tokens
from drivekg.source.lists import DEFAULT_SEPARATORS, NameRules, WrittenWhole, split_names
from drivekg.source.tracks import parse_track

__all__ = ["read_listings", "read_personnel"]


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


_ROLE_DASHES = (" – ", " — ", " - ")


def read_personnel(
    article: Article, names: Names, album: str | None, c: Conventions
) -> tuple[list[Fact], list[NotRead]]:
    """``- Name – role, role`` under a personnel section: each person a contributor of the album
    in a ``schema:Role`` (``role/{album}/{person}``) with the roles as written."""
    facts: list[Fact] = []
    skipped: list[NotRead] = []
    if album is None:
        return facts, skipped
    rules = NameRules(
        DEFAULT_SEPARATORS["names"], c.whole_names, c.same, c.link_suffixes, c.placeholders
    )
    whole = WrittenWhole(article.lines)
    for item in article.items:
        if item.number is not None or c.section_kind(item.section) != "personnel":
            continue
        text = article.lines[item.line - 1].strip()
        found = [(item.text.find(d), d) for d in _ROLE_DASHES if d in item.text]
        if not found:
            skipped.append(NotRead(item.line, text, "a personnel line with no ' – ' before roles"))
            continue
        at, dash = min(found)
        who, roles = item.text[:at].strip(), item.text[at + len(dash) :].strip()
        ev = Evidence(item.line, text)
        listed = [r for _, r in tokens(roles)]
        for name in split_names(who, rules, elsewhere=whole.elsewhere(item.line)):
            if name.placeholder or not listed:
                skipped.append(NotRead(item.line, text, "a personnel line names no one or no role"))
                continue
            person, person_facts = names.introduce(
                name.name, ev, fallback=AGENT, alternates=name.alternates
            )
            role = f"role/{album}/{person}"
            facts.extend(person_facts)
            facts.extend(typed(role, ("schema:Role",), ev))
            facts.append(Fact(role, "schema:contributor", Ref(person), ev))
            facts.extend(Fact(role, "schema:roleName", Lit(r), ev) for r in listed)
            facts.append(Fact(album, "schema:contributor", Ref(role), ev))
    return facts, skipped
