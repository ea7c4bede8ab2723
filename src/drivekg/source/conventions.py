"""Wikipedia's album conventions as data: ``resources/data/conventions.toml`` and its loader.

The bundled file says which infobox key is read with which value grammar into which property,
which album types, formats, result words, regions and table kinds exist, and which spellings of a
name are one name. A user adds to it with ``--conventions FILE`` (``load_conventions(extra=…)``):
an entry of the same name replaces the bundled one, a list is added to the bundled list. Every
mistake in a conventions file is a ``SourceError`` naming the file and, where it can be found, the
line. docs/conventions.md describes the format.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from drivekg.errors import SourceError
from drivekg.layout import resource
from drivekg.vocab import DKG, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, expand_curie

__all__ = [
    "GRAMMARS",
    "HOLDS",
    "TABLE_KINDS",
    "AlbumType",
    "ChartKind",
    "Column",
    "Conventions",
    "FieldRule",
    "TableKind",
    "fold",
    "load_conventions",
]

BUNDLED = ("data", "conventions.toml")

# The value grammars an infobox field can be read with (docs/conventions.md) and whether each
# needs a property to put its values under.
GRAMMARS: dict[str, bool] = {
    "album-type": False,
    "names": True,
    "labels": True,
    "releases": True,
    "recording": True,
    "places": True,
    "concepts": True,
    "lengths": True,
    "languages": True,
    "text": True,
    "neighbour": True,
    "year": True,
    "display": False,
    "unread": False,
}
# What a table cell can hold (lines up the cells of a continuation row).
HOLDS = frozenset({"text", "date", "year", "number", "result", "length", "names"})
# The table kinds the builders know; the data file says how each is recognised.
TABLE_KINDS = frozenset({"chart", "awards", "certifications", "release-history", "track-listing"})
_LIST_SECTIONS = frozenset({"names", "places"})  # tables whose lists a user file extends
_TOP = frozenset(
    {
        "infobox",
        "album_types",
        "formats",
        "names",
        "places",
        "languages",
        "tables",
        "chart_kinds",
        "results",
        "sections",
    }
)
_CLOSED = (SDO, DKG, PROV, RDF, RDFS, XSD, OWL, SKOS)


def fold(text: str) -> str:
    """A key or column name as compared: no case, ``_`` as a space, white space folded."""
    return " ".join(text.replace("_", " ").casefold().split())


@dataclass(frozen=True)
class FieldRule:
    """How one infobox field is read."""

    key: str  # as the conventions file spells it
    reads: str  # a grammar of GRAMMARS
    property: str | None = None  # CURIE
    inverse: str | None = None  # neighbour: the property from the other album back to this one
    of: str | None = None  # year: the neighbour field whose album the year belongs to
    scheme: str | None = None  # concepts: the first segment of a concept's key
    reason: str | None = None  # unread: why


@dataclass(frozen=True)
class AlbumType:
    key: str
    label: str
    words: tuple[str, ...]  # folded
    production: tuple[str, ...]
    release: tuple[str, ...]


@dataclass(frozen=True)
class Column:
    key: str
    names: tuple[str, ...]  # folded
    holds: str


@dataclass(frozen=True)
class TableKind:
    key: str
    columns: tuple[Column, ...]
    required: tuple[str, ...]
    fill: tuple[str, ...]


@dataclass(frozen=True)
class ChartKind:
    key: str
    words: tuple[str, ...]  # folded
    term: str


@dataclass(frozen=True)
class Conventions:
    fields: Mapping[str, FieldRule]  # by folded key
    album_types: tuple[AlbumType, ...]
    formats: Mapping[str, str]  # folded word -> CURIE
    placeholders: frozenset[str]  # folded
    whole_names: tuple[str, ...]
    same: tuple[tuple[str, ...], ...]
    link_suffixes: tuple[str, ...]  # folded
    regions: frozenset[str]  # folded
    states: frozenset[str]
    cities: frozenset[str]
    languages: Mapping[str, str]  # folded name -> BCP 47
    tables: tuple[TableKind, ...]
    chart_kinds: tuple[ChartKind, ...]
    results: Mapping[str, str]  # folded word -> CURIE
    sections: Mapping[str, tuple[str, ...]]  # kind -> folded headings

    def field(self, key: str) -> FieldRule | None:
        return self.fields.get(fold(key))

    def album_type(self, text: str) -> AlbumType | None:
        """``Soundtrack album`` -> the soundtrack type (case and a trailing "album" ignored)."""
        word = fold(text)
        for candidate in (word, word.removesuffix(" album")):
            for kind in self.album_types:
                if candidate in kind.words:
                    return kind
        return None

    def table(self, key: str) -> TableKind:
        return next(t for t in self.tables if t.key == key)

    def section_kind(self, heading: str) -> str | None:
        folded = fold(heading)
        return next((k for k, names in sorted(self.sections.items()) if folded in names), None)


def load_conventions(extra: Sequence[tuple[str, str]] = ()) -> Conventions:
    """The bundled conventions, with each ``(text, source)`` of ``extra`` read on top, in order."""
    if not extra:
        return _bundled()
    data, text = _bundled_data()
    layers = [(data, text, "conventions.toml")]
    for text, source in extra:
        layers.append((_parse(text, source), text, source))
    merged: dict[str, object] = {}
    for layer, text, source in layers:
        _check_top(layer, text, source)
        _merge(merged, layer)
    return _Reader(merged, layers[-1][1], layers[-1][2]).conventions()


@lru_cache(maxsize=1)
def _bundled_data() -> tuple[dict[str, object], str]:
    text = resource(*BUNDLED).read_text(encoding="utf-8")
    return _parse(text, "conventions.toml"), text


@lru_cache(maxsize=1)
def _bundled() -> Conventions:
    data, text = _bundled_data()
    _check_top(data, text, "conventions.toml")
    return _Reader(data, text, "conventions.toml").conventions()


def _parse(text: str, source: str) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = None
        if match := re.search(r"\s*\(at line ([0-9]+), column [0-9]+\)$", message):
            message, line = message[: match.start()], int(match[1])
        raise SourceError(f"invalid TOML: {message}", source=source, line=line) from exc


def _check_top(data: Mapping[str, object], text: str, source: str) -> None:
    for name, value in data.items():
        if name not in _TOP:
            known = ", ".join(sorted(_TOP))
            message = f"unknown table {name!r} (known: {known})"
            raise SourceError(message, source=source, line=_line_of(text, name))
        if not isinstance(value, dict):
            message = f"{name!r} must be a table"
            raise SourceError(message, source=source, line=_line_of(text, name))


def _merge(into: dict[str, object], layer: Mapping[str, object]) -> None:
    """Entries of a later layer replace earlier ones; lists of ``names`` and ``places`` add up."""
    for name, table in layer.items():
        assert isinstance(table, dict)
        current = into.setdefault(name, {})
        assert isinstance(current, dict)
        for key, value in table.items():
            old = current.get(key)
            if name in _LIST_SECTIONS and isinstance(old, list) and isinstance(value, list):
                current[key] = [*old, *value]
            else:
                current[key] = value


def _line_of(text: str, *path: str) -> int | None:
    """The line of the last name of ``path`` that can be found, each name looked for (as a
    segment of a table header or of a key) after the line of the one before it."""
    lines = text.split("\n")
    found: int | None = None
    for name in path:
        for number in range((found or 1), len(lines) + 1):
            stripped = lines[number - 1].strip()
            if stripped.startswith("["):
                head = stripped.strip("[]").split("]")[0]
            elif "=" in stripped and not stripped.startswith("#"):
                head = stripped.split("=", 1)[0]
            else:
                continue
            if name in (segment.strip().strip("\"'") for segment in head.split(".")):
                found = number
                break
    return found


class _Reader:
    """Checks the merged data and turns it into a ``Conventions``."""

    def __init__(self, data: Mapping[str, object], text: str, source: str) -> None:
        self.data, self.text, self.source = data, text, source

    def error(self, message: str, *path: str) -> SourceError:
        return SourceError(message, source=self.source, line=_line_of(self.text, *path))

    def table(self, name: str) -> Mapping[str, object]:
        value = self.data.get(name, {})
        assert isinstance(value, dict)
        return value

    def entry(self, section: str, key: str) -> Mapping[str, object]:
        value = self.table(section)[key]
        if not isinstance(value, dict):
            raise self.error(f"[{section}] {key!r} must be a table", key)
        return value

    def string(self, value: object, *path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{'.'.join(path)} must be a non-empty string", *path)
        return value

    def strings(self, value: object, *path: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(f"{'.'.join(path)} must be a list of non-empty strings", *path)
        return tuple(value)

    def curie(self, value: object, *path: str) -> str:
        text = self.string(value, *path)
        try:
            iri = expand_curie(text)
        except KeyError:
            raise self.error(f"{'.'.join(path)}: unknown prefix in {text!r}", *path) from None
        for namespace in _CLOSED:
            if iri.startswith(str(namespace._NS)) and iri not in namespace:
                raise self.error(
                    f"{'.'.join(path)}: {text!r} is not a term of its vocabulary", *path
                )
        return text

    def only(self, entry: Mapping[str, object], allowed: set[str], *path: str) -> None:
        for name in entry:
            if name not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.error(f"{'.'.join(path)}: unknown key {name!r} (known: {known})", name)

    def conventions(self) -> Conventions:
        names, places = self.table("names"), self.table("places")
        self.only(names, {"placeholders", "whole", "same", "link_suffixes"}, "names")
        self.only(places, {"regions", "states", "cities"}, "places")
        same = names.get("same", [])
        if not isinstance(same, list):
            raise self.error("names.same must be a list of lists of names", "same")
        return Conventions(
            fields={fold(k): self.field(k) for k in self.table("infobox")},
            album_types=tuple(self.album_type(k) for k in self.table("album_types")),
            formats={
                fold(k): self.curie(v, "formats", k) for k, v in self.table("formats").items()
            },
            placeholders=self.folded(names, "placeholders"),
            whole_names=self.strings(names.get("whole", []), "names", "whole"),
            same=tuple(self.strings(group, "names", "same") for group in same),
            link_suffixes=tuple(sorted(self.folded(names, "link_suffixes"))),
            regions=self.folded(places, "regions"),
            states=self.folded(places, "states"),
            cities=self.folded(places, "cities"),
            languages={
                fold(k): self.string(v, "languages", k) for k, v in self.table("languages").items()
            },
            tables=tuple(self.table_kind(k) for k in self.table("tables")),
            chart_kinds=tuple(self.chart_kind(k) for k in self.table("chart_kinds")),
            results={
                fold(k): self.curie(v, "results", k) for k, v in self.table("results").items()
            },
            sections={
                k: tuple(fold(s) for s in self.strings(v, "sections", k))
                for k, v in self.table("sections").items()
            },
        )

    def folded(self, table: Mapping[str, object], name: str) -> frozenset[str]:
        return frozenset(fold(v) for v in self.strings(table.get(name, []), name))

    def field(self, key: str) -> FieldRule:
        entry = self.entry("infobox", key)
        self.only(entry, {"reads", "property", "inverse", "of", "scheme", "reason"}, "infobox", key)
        reads = self.string(entry.get("reads"), "infobox", key, "reads")
        if reads not in GRAMMARS:
            known = ", ".join(sorted(GRAMMARS))
            raise self.error(f"infobox {key!r}: unknown grammar {reads!r} (known: {known})", key)
        prop = entry.get("property")
        if GRAMMARS[reads] and prop is None:
            raise self.error(f"infobox {key!r}: a {reads!r} field needs a property", key)
        rule = FieldRule(
            key=key,
            reads=reads,
            property=self.curie(prop, "infobox", key, "property") if prop is not None else None,
            inverse=self.curie(entry["inverse"], key, "inverse") if "inverse" in entry else None,
            of=self.string(entry["of"], key, "of") if "of" in entry else None,
            scheme=self.string(entry["scheme"], key, "scheme") if "scheme" in entry else None,
            reason=self.string(entry["reason"], key, "reason") if "reason" in entry else None,
        )
        if reads == "neighbour" and rule.inverse is None:
            raise self.error(f"infobox {key!r}: a neighbour field needs an inverse", key)
        if rule.of is not None and fold(rule.of) not in {fold(k) for k in self.table("infobox")}:
            raise self.error(f"infobox {key!r}: 'of' names no infobox field ({rule.of!r})", key)
        return rule

    def album_type(self, key: str) -> AlbumType:
        entry = self.entry("album_types", key)
        self.only(entry, {"label", "words", "production", "release"}, "album_types", key)
        return AlbumType(
            key=key,
            label=self.string(entry.get("label"), key, "label"),
            words=tuple(fold(w) for w in self.strings(entry.get("words"), key, "words")),
            production=tuple(
                self.curie(c, key, "production")
                for c in self.strings(entry.get("production", []), key, "production")
            ),
            release=tuple(
                self.curie(c, key, "release")
                for c in self.strings(entry.get("release", []), key, "release")
            ),
        )

    def table_kind(self, key: str) -> TableKind:
        if key not in TABLE_KINDS:
            known = ", ".join(sorted(TABLE_KINDS))
            raise self.error(f"no builder for table kind {key!r} (known: {known})", key)
        entry = self.entry("tables", key)
        self.only(entry, {"columns", "required", "fill"}, "tables", key)
        raw = entry.get("columns")
        if not isinstance(raw, dict) or not raw:
            raise self.error(f"tables.{key}.columns must be a table of columns", key)
        columns = []
        for name, column in raw.items():
            if not isinstance(column, dict):
                raise self.error(f"tables.{key}.columns.{name} must be a table", name)
            self.only(column, {"names", "holds"}, "tables", key, name)
            holds = self.string(column.get("holds"), key, name, "holds")
            if holds not in HOLDS:
                known = ", ".join(sorted(HOLDS))
                raise self.error(f"tables.{key}.columns.{name}: holds one of {known}", name)
            names = tuple(fold(n) for n in self.strings(column.get("names"), key, name, "names"))
            columns.append(Column(name, names, holds))
        keys = {c.key for c in columns}
        required = self.strings(entry.get("required", []), key, "required")
        fill = self.strings(entry.get("fill", []), key, "fill")
        for name in (*required, *fill):
            if name not in keys:
                raise self.error(f"tables.{key}: {name!r} is not one of its columns", key)
        return TableKind(key, tuple(columns), required, fill)

    def chart_kind(self, key: str) -> ChartKind:
        entry = self.entry("chart_kinds", key)
        self.only(entry, {"words", "term"}, "chart_kinds", key)
        words = tuple(fold(w) for w in self.strings(entry.get("words"), key, "words"))
        return ChartKind(key, words, self.curie(entry.get("term"), key, "term"))
