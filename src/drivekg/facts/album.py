"""Infobox -> the album, its editions, and everything the infobox names, by the conventions.

Which key is read how lives in ``resources/data/conventions.toml``; this module holds one handler
per value grammar. Where a value goes:

- the album (``schema:MusicAlbum``) is the infobox's subject; ``Released`` without a qualifier is
  its ``schema:datePublished``;
- values of an edition (date, length, label, catalogue number) without a qualifier go to the
  release the infobox describes, ``release/{album}``; a value with a qualifier, a region or a
  format goes to that edition only, ``release/{album}/{qualifier}``. Nothing is copied from one
  edition to another: the text does not say that a deluxe edition came out the same day.

A value the handler cannot read, or a field the conventions do not know, is a ``NotRead`` record
(listed in the report); a value that cannot be true (``31 February 2011``) is a ``SourceError``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from drivekg.errors import SourceError
from drivekg.facts.names import AGENT, Names, typed
from drivekg.facts.sites import site_facts
from drivekg.iris import slug
from drivekg.records import Article, Evidence, Fact, InfoboxField, Lit, NotRead, Ref, Term
from drivekg.source.conventions import Conventions, FieldRule, fold
from drivekg.source.grammar import (
    BadValue,
    Dated,
    NotThisGrammar,
    Period,
    parse_dated_list,
    parse_lengths,
    parse_when,
)
from drivekg.source.lists import (
    DEFAULT_SEPARATORS,
    NameItem,
    NameRules,
    WrittenWhole,
    split_names,
)

__all__ = ["ALBUM_TYPES", "LABEL_TYPES", "RELEASE_TYPES", "InfoboxFacts", "build_album"]

ALBUM_TYPES = ("schema:MusicAlbum",)
RELEASE_TYPES = ("schema:MusicRelease", "mo:Release")
LABEL_TYPES = ("schema:Organization", "mo:Label")
# A genre or an album type: a SKOS concept; for schema.org, an intangible (schema:DefinedTerm
# would fit better but is still pending in schema.org 30.0).
CONCEPT_TYPES = ("skos:Concept", "schema:Intangible")
_CATALOGUE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-–./ ")


@dataclass
class InfoboxFacts:
    album: str | None
    facts: list[Fact] = field(default_factory=list)
    not_read: list[NotRead] = field(default_factory=list)


def build_album(article: Article, names: Names, conventions: Conventions) -> InfoboxFacts:
    """The album's key (None without an infobox), every infobox fact, and what was not read."""
    infobox = article.infobox
    if infobox is None:
        return InfoboxFacts(None)
    name_evidence = Evidence(infobox.line, infobox.name)
    album = names.key(infobox.name)
    out = InfoboxFacts(album)
    out.facts.extend(typed(album, ALBUM_TYPES, name_evidence))
    out.facts.append(Fact(album, "schema:name", Lit(infobox.name), name_evidence))
    builder = _Builder(article, album, names, conventions, out)
    later: list[tuple[FieldRule, InfoboxField]] = []
    for item in infobox.fields:
        rule = conventions.field(item.key)
        if rule is None:
            out.not_read.append(
                NotRead(item.line, item.text, f"unknown infobox field {item.key!r}")
            )
        elif rule.reads == "year" and rule.of is not None:
            later.append((rule, item))  # after the album it gives the year of
        else:
            builder.handlers[rule.reads](rule, item)
    for rule, item in later:
        builder.year(rule, item)
    return out


class _Builder:
    def __init__(
        self, article: Article, album: str, names: Names, c: Conventions, out: InfoboxFacts
    ) -> None:
        self.article, self.album, self.names, self.c, self.out = article, album, names, c, out
        self.facts = out.facts
        self.neighbours: dict[str, str] = {}  # folded field key -> the key of the album it names
        self.first_date: Lit | None = None
        self.whole = WrittenWhole(article.lines)
        self.handlers: dict[str, Callable[[FieldRule, InfoboxField], None]] = {
            "album-type": self.album_type,
            "names": self.agents,
            "labels": self.labels,
            "releases": self.releases,
            "recording": self.recording,
            "places": self.places,
            "concepts": self.concepts,
            "lengths": self.lengths,
            "languages": self.languages,
            "text": self.text,
            "neighbour": self.neighbour,
            "year": self.year,
            "display": lambda rule, item: None,
            "unread": self.unread,
        }

    # -- helpers

    def skip(self, item: InfoboxField, text: str, reason: str) -> None:
        self.out.not_read.append(NotRead(item.line, text, reason))

    def evidence(self, item: InfoboxField) -> Evidence:
        return Evidence(item.line, item.text)

    def error(self, item: InfoboxField, message: str) -> SourceError:
        return SourceError(f"{item.key}: {message}", source=self.article.source, line=item.line)

    def rules(self, grammar: str) -> NameRules:
        c = self.c
        return NameRules(
            DEFAULT_SEPARATORS[grammar], c.whole_names, c.same, c.link_suffixes, c.placeholders
        )

    def names_in(self, item: InfoboxField, grammar: str) -> list[NameItem]:
        """The names of a field's value; names the rest of the article writes whole stay whole."""
        return split_names(
            item.value,
            self.rules(grammar),
            elsewhere=self.whole.elsewhere(item.line),
            known=self.names.spellings(),
        )

    def release(self, edition: str | None, ev: Evidence) -> str:
        """The key of the edition ``edition`` names (the infobox's own release for None)."""
        key = f"release/{self.album}" + (f"/{slug(edition)}" if edition else "")
        self.facts.extend(typed(key, RELEASE_TYPES, ev))
        self.facts.append(Fact(key, "schema:releaseOf", Ref(self.album), ev))
        self.facts.append(Fact(self.album, "schema:albumRelease", Ref(key), ev))
        return key

    def edition(self, qualifier: str | None, ev: Evidence) -> str:
        """A qualifier names a region (``UK``) or an edition (``deluxe``)."""
        key = self.release(qualifier, ev)
        if qualifier is not None and fold(qualifier) in self.c.regions:
            self.facts.append(Fact(key, "dkg:region", Lit(qualifier), ev))
        return key

    # -- one handler per grammar

    def album_type(self, rule: FieldRule, item: InfoboxField) -> None:
        kind = self.c.album_type(item.value)
        if kind is None:
            self.skip(item, item.text, f"unknown album type {item.value!r}")
            return
        ev = self.evidence(item)
        concept = f"album-type/{slug(kind.key)}"
        self.facts.extend(typed(concept, CONCEPT_TYPES, ev))
        self.facts.append(Fact(concept, "skos:prefLabel", Lit(kind.label), ev))
        self.facts.append(Fact(self.album, "dkg:albumType", Ref(concept), ev))
        for term in kind.production:
            self.facts.append(Fact(self.album, "schema:albumProductionType", Term(term), ev))
        for term in kind.release:
            self.facts.append(Fact(self.album, "schema:albumReleaseType", Term(term), ev))

    def agents(self, rule: FieldRule, item: InfoboxField) -> None:
        assert rule.property is not None
        ev = self.evidence(item)
        for name in self.names_in(item, "names"):
            if name.placeholder:
                self.facts.append(Fact(self.album, "dkg:variousFor", Term(rule.property), ev))
                continue
            key, facts = self.names.introduce(
                name.name, ev, fallback=AGENT, alternates=name.alternates
            )
            self.facts.extend(facts)
            if name.scope is not None:  # '"Song" produced by Name': the song's, not the album's
                song, song_facts = self.names.introduce(
                    name.scope, ev, implied=("schema:MusicRecording",)
                )
                self.facts.extend(song_facts)
                self.facts.append(Fact(song, "schema:inAlbum", Ref(self.album), ev))
                self.facts.append(Fact(song, rule.property, Ref(key), ev))
            else:
                self.facts.append(Fact(self.album, rule.property, Ref(key), ev))
            if name.qualifier is not None:
                reason = f"the note on {name.name!r} is not read"
                self.skip(item, f"({name.qualifier})", reason)

    def labels(self, rule: FieldRule, item: InfoboxField) -> None:
        assert rule.property is not None
        ev = self.evidence(item)
        for name in self.names_in(item, "labels"):
            release = self.edition(name.qualifier, ev)
            if _catalogue_number(name.name):
                self.facts.append(Fact(release, "schema:catalogNumber", Lit(name.name), ev))
            elif name.placeholder:
                self.facts.append(Fact(self.album, "dkg:variousFor", Term(rule.property), ev))
            else:
                key, facts = self.names.introduce(
                    name.name, ev, implied=LABEL_TYPES, alternates=name.alternates
                )
                self.facts.extend(facts)
                self.facts.append(Fact(release, rule.property, Ref(key), ev))

    def dated(self, item: InfoboxField) -> list[tuple[str, Dated | None]]:
        try:
            return parse_dated_list(item.value)
        except BadValue as exc:
            raise self.error(item, str(exc)) from exc
        except NotThisGrammar as exc:
            self.skip(item, item.text, str(exc))
            return []

    def releases(self, rule: FieldRule, item: InfoboxField) -> None:
        assert rule.property is not None
        ev = self.evidence(item)
        dates: list[Lit] = []
        for text, dated in self.dated(item):
            if dated is None or isinstance(dated.when, Period):
                self.skip(item, text, "not a release date")
                continue
            edition, fmt = dated.qualifier, None
            if dated.prefix is not None:
                fmt = self.c.formats.get(fold(dated.prefix))
                edition = dated.prefix if edition is None else f"{dated.prefix} {edition}"
            if edition is None and dates:  # a later date with no qualifier: a reissue
                edition = dated.when.lexical
            key = self.edition(edition, ev)
            self.facts.append(Fact(key, rule.property, dated.when, ev))
            if fmt is not None:
                self.facts.append(Fact(key, "schema:musicReleaseFormat", Term(fmt), ev))
            if dated.place is not None:
                self.skip(item, dated.place, "a place given for a release")
            dates.append(dated.when)
        if dates:  # the album came out when its first edition did
            first = min(dates, key=lambda lit: lit.lexical)
            self.facts.append(Fact(self.album, rule.property, first, ev))

    def recording(self, rule: FieldRule, item: InfoboxField) -> None:
        assert rule.property is not None
        ev = self.evidence(item)
        items = [(t, d) for t, d in self.dated(item)]
        for text, dated in items:
            if dated is None:
                self.skip(item, text, "not a date or a period")
                continue
            plain = len(items) == 1 and dated.qualifier is None and isinstance(dated.when, Lit)
            if plain:
                assert isinstance(dated.when, Lit)
                self.facts.append(Fact(self.album, rule.property, dated.when, ev))
            else:
                self.session(dated, ev)
            if dated.place is not None:
                self.located(item, dated.place, ev)

    def session(self, dated: Dated, ev: Evidence) -> None:
        """A period or a named date of recording: a ``schema:Event`` the album was recorded at."""
        start, end = (
            (dated.when.start, dated.when.end)
            if isinstance(dated.when, Period)
            else (dated.when, dated.when)
        )
        span = start.lexical + ("" if end == start else f"-{end.lexical}")
        key = f"recording-session/{self.album}/{slug(span)}"
        self.facts.extend(typed(key, ("schema:Event",), ev))
        self.facts.append(Fact(key, "schema:startDate", start, ev))
        self.facts.append(Fact(key, "schema:endDate", end, ev))
        if dated.qualifier is not None:
            self.facts.append(Fact(key, "schema:name", Lit(dated.qualifier), ev))
        self.facts.append(Fact(self.album, "schema:recordedAt", Ref(key), ev))

    def places(self, rule: FieldRule, item: InfoboxField) -> None:
        assert rule.property is not None
        self.located(item, item.value, self.evidence(item), rule.property)

    def located(
        self, item: InfoboxField, value: str, ev: Evidence, prop: str = "schema:locationCreated"
    ) -> None:
        facts, unread = site_facts(self.album, prop, value, self.names, self.c, ev)
        self.facts.extend(facts)
        for text, reason in unread:
            self.skip(item, text, reason)

    def concepts(self, rule: FieldRule, item: InfoboxField) -> None:
        """A concept per thing named: ``genre/ambient`` with its spellings as labels. Spellings
        that differ only by a trailing "music" (``synth-pop``, ``Synth-pop music``) are one."""
        assert rule.property is not None
        ev = self.evidence(item)
        scheme = rule.scheme or slug(rule.key)
        labels: dict[str, list[str]] = {}
        for name in self.names_in(item, "concepts"):
            if name.placeholder or name.scope is not None:
                self.skip(item, name.text, f"not a {rule.key.casefold()}")
                continue
            stem = name.canonical or name.name
            if stem.casefold().endswith(" music") and len(stem) > len(" music"):
                stem = stem[: -len(" music")]
            spellings = labels.setdefault(f"{scheme}/{slug(stem)}", [])
            for spelling in (name.name, *name.alternates):
                if spelling.casefold() not in (s.casefold() for s in spellings):
                    spellings.append(spelling)
            if name.qualifier is not None:
                self.skip(item, f"({name.qualifier})", f"the note on {name.name!r} is not read")
        for key, (label, *alternates) in labels.items():
            self.facts.extend(typed(key, CONCEPT_TYPES, ev))
            self.facts.append(Fact(key, "skos:prefLabel", Lit(label), ev))
            for alternate in alternates:
                self.facts.append(Fact(key, "skos:altLabel", Lit(alternate), ev))
            self.facts.append(Fact(self.album, rule.property, Ref(key), ev))

    def lengths(self, rule: FieldRule, item: InfoboxField) -> None:
        assert rule.property is not None
        ev = self.evidence(item)
        try:
            lengths = parse_lengths(item.value)
        except BadValue as exc:
            raise self.error(item, str(exc)) from exc
        for text, length, qualifier in lengths:
            if length is None:
                self.skip(item, text, "not a length (m:ss or h:mm:ss)")
                continue
            self.facts.append(Fact(self.edition(qualifier, ev), rule.property, length, ev))

    def languages(self, rule: FieldRule, item: InfoboxField) -> None:
        assert rule.property is not None
        ev = self.evidence(item)
        for name in self.names_in(item, "concepts"):
            code = self.c.languages.get(fold(name.name))
            if code is None:
                self.skip(item, name.text, "a language the conventions do not list")
            else:
                self.facts.append(Fact(self.album, rule.property, Lit(code), ev))

    def text(self, rule: FieldRule, item: InfoboxField) -> None:
        assert rule.property is not None
        self.facts.append(Fact(self.album, rule.property, Lit(item.value), self.evidence(item)))

    def neighbour(self, rule: FieldRule, item: InfoboxField) -> None:
        assert rule.property is not None and rule.inverse is not None
        ev = self.evidence(item)
        key, facts = self.names.introduce(item.value, ev, implied=ALBUM_TYPES)
        if key == self.album:
            self.skip(item, item.text, "names the album itself")
            return
        self.facts.extend(facts)
        self.facts.append(Fact(self.album, rule.property, Ref(key), ev))
        self.facts.append(Fact(key, rule.inverse, Ref(self.album), ev))
        self.neighbours[fold(rule.key)] = key

    def year(self, rule: FieldRule, item: InfoboxField) -> None:
        assert rule.property is not None
        subject = self.album
        if rule.of is not None:
            found = self.neighbours.get(fold(rule.of))
            if found is None:
                self.skip(item, item.text, f"a year with no {rule.of!r} to give it to")
                return
            subject = found
        try:
            when = parse_when(item.value)
        except BadValue as exc:
            raise self.error(item, str(exc)) from exc
        except NotThisGrammar:
            when = None
        if not isinstance(when, Lit) or when.datatype != "xsd:gYear":
            self.skip(item, item.text, "not a year")
            return
        self.facts.append(Fact(subject, rule.property, when, self.evidence(item)))

    def unread(self, rule: FieldRule, item: InfoboxField) -> None:
        self.skip(item, item.text, rule.reason or f"the conventions do not read {rule.key!r}")


def _catalogue_number(text: str) -> bool:
    """``ENS-2-5002``: capitals and digits, with a digit, as a catalogue number is written."""
    return (
        any(c.isdigit() for c in text)
        and all(c in _CATALOGUE_CHARS for c in text)
        and len(text) <= 24
        and any(c in "-–./ " for c in text.strip())
    )
