"""Infobox -> the album, its editions, and the agents the infobox names.

The album is the infobox's subject. Values that belong to an edition rather than to the work
(release date, length, label) go to ``release/{album}``; a value with a qualifier, as
``57:16 (standard), 78:02 (deluxe)``, goes to the edition it names, ``release/{album}/standard``.
A value without a qualifier applies to every edition the infobox names.
"""

from __future__ import annotations

from collections.abc import Callable

from drivekg.errors import SourceError
from drivekg.facts.names import AGENT, Names, typed
from drivekg.iris import slug
from drivekg.records import Article, Evidence, Fact, InfoboxField, Lit, Ref, Term
from drivekg.source.article import split_items
from drivekg.source.values import parse_date, parse_duration
from drivekg.text import clip

# Infobox "Type" -> schema:albumProductionType
PRODUCTION_TYPES = {
    "soundtrack": "schema:SoundtrackAlbum",
    "studio": "schema:StudioAlbum",
    "live": "schema:LiveAlbum",
    "compilation": "schema:CompilationAlbum",
    "remix": "schema:RemixAlbum",
    "mixtape": "schema:MixtapeAlbum",
    "spoken word": "schema:SpokenWordAlbum",
    "demo": "schema:DemoAlbum",
    "dj mix": "schema:DJMixAlbum",
}

ALBUM_TYPES = ("schema:MusicAlbum",)
RELEASE_TYPES = ("schema:MusicRelease", "mo:Release")
LABEL_TYPES = ("schema:Organization", "mo:Label")
EDITION_FIELDS = ("Released", "Length", "Label")


def build_infobox(article: Article, names: Names) -> tuple[str | None, list[Fact]]:
    """The album's key (None when the article has no infobox) and every infobox fact."""
    infobox = article.infobox
    if infobox is None:
        return None, []
    name_evidence = Evidence(infobox.line, infobox.name)
    album = names.key(infobox.name)
    facts = [*typed(album, ALBUM_TYPES, name_evidence)]
    facts.append(Fact(album, "schema:name", Lit(infobox.name), name_evidence))

    editions: list[str | None] = [
        *sorted(
            {
                q
                for f in infobox.fields
                if f.key in EDITION_FIELDS
                for _, q in split_items(f.value)
                if q
            }
        )
    ]
    builder = _Fields(article.source, album, names, editions or [None], facts)
    for field in infobox.fields:
        handler = builder.handlers.get(field.key)
        if handler is None:
            known = ", ".join(sorted(builder.handlers))
            raise SourceError(
                f"unknown infobox field {clip(field.key)} (known: {known})",
                source=article.source,
                line=field.line,
            )
        handler(field)
    return album, facts


class _Fields:
    def __init__(
        self,
        source: str,
        album: str,
        names: Names,
        editions: list[str | None],
        facts: list[Fact],
    ) -> None:
        self.source, self.album, self.names, self.editions, self.facts = (
            source,
            album,
            names,
            editions,
            facts,
        )
        self.handlers: dict[str, Callable[[InfoboxField], None]] = {
            "Type": self.type_,
            "Artist": self.agents("schema:byArtist"),
            "Producer": self.agents("schema:producer"),
            "Released": self.released,
            "Recorded": self.recorded,
            "Genre": self.genre,
            "Length": self.length,
            "Label": self.label,
        }

    def error(self, field: InfoboxField, message: str) -> SourceError:
        return SourceError(message, source=self.source, line=field.line)

    def evidence(self, field: InfoboxField) -> Evidence:
        return Evidence(field.line, field.text)

    def release(self, qualifier: str | None, evidence: Evidence) -> list[str]:
        """The edition keys a value applies to, with the facts that introduce each edition."""
        targets = self.editions if qualifier is None else [qualifier]
        keys = []
        for edition in targets:
            key = f"release/{self.album}" + (f"/{slug(edition)}" if edition else "")
            self.facts.extend(typed(key, RELEASE_TYPES, evidence))
            self.facts.append(Fact(key, "schema:releaseOf", Ref(self.album), evidence))
            self.facts.append(Fact(self.album, "schema:albumRelease", Ref(key), evidence))
            keys.append(key)
        return keys

    def type_(self, field: InfoboxField) -> None:
        production = PRODUCTION_TYPES.get(field.value.casefold())
        if production is None:
            raise self.error(
                field,
                f"unknown album type {clip(field.value)} (known: {', '.join(PRODUCTION_TYPES)})",
            )
        ev = self.evidence(field)
        self.facts.append(Fact(self.album, "schema:albumProductionType", Term(production), ev))

    def agents(self, prop: str) -> Callable[[InfoboxField], None]:
        def handler(field: InfoboxField) -> None:
            ev = self.evidence(field)
            for name, _ in split_items(field.value):
                key, facts = self.names.introduce(name, ev, fallback=AGENT)
                self.facts.extend(facts)
                self.facts.append(Fact(self.album, prop, Ref(key), ev))

        return handler

    def dated(self, field: InfoboxField, text: str) -> Lit:
        try:
            return parse_date(text)
        except ValueError as exc:
            raise self.error(field, f"{field.key}: {exc}") from exc

    def released(self, field: InfoboxField) -> None:
        ev = self.evidence(field)
        for text, qualifier in split_items(field.value):
            date = self.dated(field, text)
            if qualifier is None:
                self.facts.append(Fact(self.album, "schema:datePublished", date, ev))
            for key in self.release(qualifier, ev):
                self.facts.append(Fact(key, "schema:datePublished", date, ev))

    def recorded(self, field: InfoboxField) -> None:
        ev = self.evidence(field)
        for text, _ in split_items(field.value):
            self.facts.append(Fact(self.album, "dkg:recordingDate", self.dated(field, text), ev))

    def genre(self, field: InfoboxField) -> None:
        """Genres as text; two spellings of one genre ("Electronic music", "electronic") are one."""
        ev = self.evidence(field)
        seen: set[str] = set()
        for text, _ in split_items(field.value):
            folded = text.casefold().removesuffix(" music").strip()
            if folded not in seen:
                seen.add(folded)
                self.facts.append(Fact(self.album, "schema:genre", Lit(text), ev))

    def length(self, field: InfoboxField) -> None:
        ev = self.evidence(field)
        for text, qualifier in split_items(field.value):
            try:
                duration = parse_duration(text)
            except ValueError as exc:
                raise self.error(field, f"Length: {exc}") from exc
            for key in self.release(qualifier, ev):
                self.facts.append(Fact(key, "schema:duration", duration, ev))

    def label(self, field: InfoboxField) -> None:
        ev = self.evidence(field)
        for name, qualifier in split_items(field.value):
            key, facts = self.names.introduce(name, ev, implied=LABEL_TYPES, fallback=AGENT)
            self.facts.extend(facts)
            for release in self.release(qualifier, ev):
                self.facts.append(Fact(release, "schema:recordLabel", Ref(key), ev))
